/**
 * A HireProvisioner over in-memory ports, for regression tests of defects the reliability
 * suite found: the real application services, fakes only where AWS would be.
 */

import { CreateUserPacer } from "../../../shared/application/create-user-pacer.js";
import { HireProvisioner } from "../../../shared/application/hire-provisioner.js";
import { silentLog } from "../../../shared/application/log.js";
import { ProfileResolver } from "../../../shared/application/profile-resolver.js";
import { DEFAULT_RETRY_POLICY } from "../../../shared/application/retry.js";
import { RuleBook } from "../../../shared/application/rule-book.js";
import type { CreateUserRequest } from "../../../shared/domain/create-user-request.js";
import type { MappingRule } from "../../../shared/domain/mapping-rule.js";
import type { OutputEvent } from "../../../shared/domain/output-events.js";
import type { ProfileKind } from "../../../shared/domain/profile-ref.js";
import type {
  ConnectUserDirectory,
  CreateUserResult,
  ExistingUser,
  ProfileSummary,
} from "../../../shared/ports.js";
import { FakeClock } from "../../support/fake-clock.js";

export const INSTANCE_ID = "5b6f2f3e-6c1a-4d7e-9a51-0c2d8e9f4a10";

export const PROFILES: Record<ProfileKind, ProfileSummary[]> = {
  routingProfile: [{ id: "rp-care", name: "Customer Care Routing" }],
  securityProfile: [{ id: "sp-agent", name: "Agent" }],
  hierarchyGroup: [{ id: "hg-remote", name: "Remote Team" }],
};

export interface FakeWorld {
  readonly provisioner: HireProvisioner;
  readonly published: OutputEvent[];
  readonly created: CreateUserRequest[];
  readonly clock: FakeClock;
}

export const fakeWorld = (options: {
  rules: MappingRule[];
  createUser: (request: CreateUserRequest) => Promise<CreateUserResult>;
  findUser: (username: string) => Promise<ExistingUser | undefined>;
  createUserRps?: number;
}): FakeWorld => {
  const clock = new FakeClock();
  const published: OutputEvent[] = [];
  const created: CreateUserRequest[] = [];
  const users: ConnectUserDirectory = {
    createUser: (request) => {
      created.push(request);
      return options.createUser(request);
    },
    findUser: options.findUser,
  };
  const cache = { ttlMs: 60_000, missRefreshMs: 1_000 };
  const provisioner = new HireProvisioner({
    rules: new RuleBook({ loadRules: async () => options.rules }, cache, clock, silentLog),
    profiles: new ProfileResolver(
      { listProfiles: async (kind) => PROFILES[kind] },
      INSTANCE_ID,
      cache,
      clock,
    ),
    users,
    pacer: new CreateUserPacer(options.createUserRps ?? 100, clock),
    publisher: {
      publish: async (event) => {
        published.push(event);
      },
    },
    settings: {
      instanceId: INSTANCE_ID,
      identityManagementType: "SAML",
      usernameTemplate: "{workEmail}",
      eventSource: "connect-onboarding",
    },
    retryPolicy: { ...DEFAULT_RETRY_POLICY, random: () => 0.5 },
    clock,
    newPassword: () => "Unused1!",
  });
  return { provisioner, published, created, clock };
};
