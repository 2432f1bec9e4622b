/**
 * A mapping rule names a routing profile, security profile or hierarchy group by name, ID or
 * ARN. IDs and ARNs go to Connect as they are; only names need a lookup.
 */
export type ProfileKind = "routingProfile" | "securityProfile" | "hierarchyGroup";

export type ProfileRef =
  | { readonly by: "id"; readonly id: string }
  | { readonly by: "arn"; readonly id: string; readonly instanceId: string }
  | { readonly by: "name"; readonly name: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ARN =
  /^arn:aws[\w-]*:connect:[\w-]+:\d{12}:instance\/([^/]+)\/(?:routing-profile|security-profile|agent-group)\/([^/]+)$/;

export const PROFILE_LABEL: Readonly<Record<ProfileKind, string>> = {
  routingProfile: "routing profile",
  securityProfile: "security profile",
  hierarchyGroup: "hierarchy group",
};

export const parseProfileRef = (ref: string): ProfileRef => {
  const text = ref.trim();
  const arn = ARN.exec(text);
  if (arn) return { by: "arn", instanceId: arn[1] as string, id: arn[2] as string };
  if (UUID.test(text)) return { by: "id", id: text };
  return { by: "name", name: text };
};
