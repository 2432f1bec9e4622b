/**
 * SearchUsers: `SearchCriteria` and `SearchFilter` compiled into a predicate over users.
 *
 * From the reference: StringCondition FieldName is one of Username, FirstName, LastName,
 * RoutingProfileId, SecurityProfileId, resourceId; ComparisonType STARTS_WITH | CONTAINS |
 * EXACT; OrConditions / AndConditions nest criteria; the filter is a TagFilter or a
 * UserAttributeFilter, never both ("such request will throw AccessDeniedException").
 *
 * Our choices where the reference is silent: string comparisons ignore case (usernames are
 * case-insensitive in Connect); the parts present in one criteria node must all match;
 * HierarchyGroupCondition compares the user's group id (the emulator has no hierarchy levels,
 * so WITH_CHILD_GROUPS behaves as EXACT); ListCondition (proficiencies) never matches, since
 * emulated users have no proficiencies, but its conditions' enums are checked as the model
 * gives them; tag comparisons are exact.
 *
 * Users are searched as the lagging index sees them (`ConnectState.searchableUsers`): after a
 * create, an update, a tag change or a delete, for `searchLagMs`, the previous version.
 */
import { ConnectError, invalidParameter } from "./errors.js";
import type { UserRecord } from "./state.js";
import { isJsonObject } from "./validation.js";

export type UserPredicate = (user: UserRecord) => boolean;

const STRING_FIELDS: Record<string, (u: UserRecord) => readonly (string | undefined)[]> = {
  Username: (u) => [u.username],
  FirstName: (u) => [u.identityInfo.FirstName],
  LastName: (u) => [u.identityInfo.LastName],
  RoutingProfileId: (u) => [u.routingProfileId],
  SecurityProfileId: (u) => u.securityProfileIds,
  resourceId: (u) => [u.id],
};
const COMPARISONS = ["STARTS_WITH", "CONTAINS", "EXACT"];
const HIERARCHY_MATCH_TYPES = ["EXACT", "WITH_CHILD_GROUPS"];
const NUMBER_COMPARISONS = [
  "GREATER_OR_EQUAL",
  "GREATER",
  "LESSER_OR_EQUAL",
  "LESSER",
  "EQUAL",
  "NOT_EQUAL",
  "RANGE",
];

const always: UserPredicate = () => true;

function all(predicates: UserPredicate[]): UserPredicate {
  if (predicates.length === 0) return always;
  if (predicates.length === 1) return predicates[0] ?? always;
  return (u) => predicates.every((p) => p(u));
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalidParameter(`${path} must be a list`);
  return value;
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (!isJsonObject(value)) throw invalidParameter(`${path} must be an object`);
  return value;
}

function stringCondition(raw: unknown, path: string): UserPredicate {
  const cond = object(raw, path);
  const field = cond.FieldName;
  const value = cond.Value;
  const comparison = cond.ComparisonType;
  if (typeof field !== "string" || !(field in STRING_FIELDS)) {
    throw invalidParameter(
      `${path}.FieldName must be one of ${Object.keys(STRING_FIELDS).join(", ")}, got ${JSON.stringify(field)}`,
    );
  }
  if (typeof value !== "string") throw invalidParameter(`${path}.Value must be a string`);
  if (typeof comparison !== "string" || !COMPARISONS.includes(comparison)) {
    throw invalidParameter(`${path}.ComparisonType must be one of ${COMPARISONS.join(", ")}`);
  }
  const read = STRING_FIELDS[field] ?? (() => []);
  const needle = value.toLowerCase();
  const test =
    comparison === "EXACT"
      ? (s: string) => s === needle
      : comparison === "STARTS_WITH"
        ? (s: string) => s.startsWith(needle)
        : (s: string) => s.includes(needle);
  return (u) => read(u).some((s) => s !== undefined && test(s.toLowerCase()));
}

function hierarchyCondition(raw: unknown, path: string): UserPredicate {
  const cond = object(raw, path);
  if (typeof cond.Value !== "string") throw invalidParameter(`${path}.Value must be a string`);
  const matchType = cond.HierarchyGroupMatchType;
  if (matchType !== undefined && !HIERARCHY_MATCH_TYPES.includes(String(matchType))) {
    throw invalidParameter(
      `${path}.HierarchyGroupMatchType must be one of ${HIERARCHY_MATCH_TYPES.join(", ")}`,
    );
  }
  const groupId = cond.Value;
  return (u) => u.hierarchyGroupId === groupId;
}

function comparison(cond: Record<string, unknown>, allowed: string[], path: string): void {
  const value = cond.ComparisonType;
  if (value !== undefined && !allowed.includes(String(value))) {
    throw invalidParameter(`${path}.ComparisonType must be one of ${allowed.join(", ")}`);
  }
}

/** Proficiency conditions: checked for the model's enums (emulated users have none). */
function proficiencyConditions(raw: unknown, path: string): void {
  list(raw, path).forEach((item, i) => {
    const cond = object(item, `${path}[${i}]`);
    if (cond.StringCondition !== undefined) {
      const at = `${path}[${i}].StringCondition`;
      comparison(object(cond.StringCondition, at), COMPARISONS, at);
    }
    if (cond.NumberCondition !== undefined) {
      const at = `${path}[${i}].NumberCondition`;
      comparison(object(cond.NumberCondition, at), NUMBER_COMPARISONS, at);
    }
  });
}

function tagCondition(raw: unknown, path: string): UserPredicate {
  const cond = object(raw, path);
  const key = cond.TagKey;
  const value = cond.TagValue;
  if (typeof key !== "string") throw invalidParameter(`${path}.TagKey must be a string`);
  if (value !== undefined && typeof value !== "string") {
    throw invalidParameter(`${path}.TagValue must be a string`);
  }
  return (u) => (value === undefined ? key in u.tags : u.tags[key] === value);
}

function tagAndList(raw: unknown, path: string): UserPredicate {
  return all(list(raw, path).map((c, i) => tagCondition(c, `${path}[${i}]`)));
}

function criteria(raw: unknown, path: string): UserPredicate {
  const node = object(raw, path);
  const parts: UserPredicate[] = [];
  if (node.OrConditions !== undefined) {
    const children = list(node.OrConditions, `${path}.OrConditions`).map((c, i) =>
      criteria(c, `${path}.OrConditions[${i}]`),
    );
    parts.push((u) => children.some((p) => p(u)));
  }
  if (node.AndConditions !== undefined) {
    parts.push(
      all(
        list(node.AndConditions, `${path}.AndConditions`).map((c, i) =>
          criteria(c, `${path}.AndConditions[${i}]`),
        ),
      ),
    );
  }
  if (node.StringCondition !== undefined) {
    parts.push(stringCondition(node.StringCondition, `${path}.StringCondition`));
  }
  if (node.HierarchyGroupCondition !== undefined) {
    parts.push(hierarchyCondition(node.HierarchyGroupCondition, `${path}.HierarchyGroupCondition`));
  }
  if (node.ListCondition !== undefined) {
    const cond = object(node.ListCondition, `${path}.ListCondition`);
    if (cond.TargetListType !== undefined && cond.TargetListType !== "PROFICIENCIES") {
      throw invalidParameter(`${path}.ListCondition.TargetListType must be PROFICIENCIES`);
    }
    if (cond.Conditions !== undefined) {
      proficiencyConditions(cond.Conditions, `${path}.ListCondition.Conditions`);
    }
    parts.push(() => false);
  }
  return all(parts);
}

function tagFilter(raw: unknown, path: string): UserPredicate {
  const filter = object(raw, path);
  const parts: UserPredicate[] = [];
  if (filter.OrConditions !== undefined) {
    const groups = list(filter.OrConditions, `${path}.OrConditions`).map((g, i) =>
      tagAndList(g, `${path}.OrConditions[${i}]`),
    );
    parts.push((u) => groups.some((p) => p(u)));
  }
  if (filter.AndConditions !== undefined) {
    parts.push(tagAndList(filter.AndConditions, `${path}.AndConditions`));
  }
  if (filter.TagCondition !== undefined) {
    parts.push(tagCondition(filter.TagCondition, `${path}.TagCondition`));
  }
  return all(parts);
}

function attributeAnd(raw: unknown, path: string): UserPredicate {
  const cond = object(raw, path);
  const parts: UserPredicate[] = [];
  if (cond.TagConditions !== undefined) {
    parts.push(tagAndList(cond.TagConditions, `${path}.TagConditions`));
  }
  if (cond.HierarchyGroupCondition !== undefined) {
    parts.push(hierarchyCondition(cond.HierarchyGroupCondition, `${path}.HierarchyGroupCondition`));
  }
  return all(parts);
}

function attributeFilter(raw: unknown, path: string): UserPredicate {
  const filter = object(raw, path);
  const parts: UserPredicate[] = [];
  if (filter.OrConditions !== undefined) {
    const groups = list(filter.OrConditions, `${path}.OrConditions`).map((g, i) =>
      attributeAnd(g, `${path}.OrConditions[${i}]`),
    );
    parts.push((u) => groups.some((p) => p(u)));
  }
  if (filter.AndCondition !== undefined) {
    parts.push(attributeAnd(filter.AndCondition, `${path}.AndCondition`));
  }
  if (filter.TagCondition !== undefined) {
    parts.push(tagCondition(filter.TagCondition, `${path}.TagCondition`));
  }
  if (filter.HierarchyGroupCondition !== undefined) {
    parts.push(
      hierarchyCondition(filter.HierarchyGroupCondition, `${path}.HierarchyGroupCondition`),
    );
  }
  return all(parts);
}

/** Compiles the request's criteria and filter; throws on malformed input. */
export function compileSearch(searchCriteria: unknown, searchFilter: unknown): UserPredicate {
  const parts: UserPredicate[] = [];
  if (searchCriteria !== undefined && searchCriteria !== null) {
    parts.push(criteria(searchCriteria, "SearchCriteria"));
  }
  if (searchFilter !== undefined && searchFilter !== null) {
    const filter = object(searchFilter, "SearchFilter");
    if (filter.TagFilter !== undefined && filter.UserAttributeFilter !== undefined) {
      throw new ConnectError(
        "AccessDeniedException",
        "SearchFilter may contain TagFilter or UserAttributeFilter, not both",
      );
    }
    if (filter.TagFilter !== undefined) {
      parts.push(tagFilter(filter.TagFilter, "SearchFilter.TagFilter"));
    }
    if (filter.UserAttributeFilter !== undefined) {
      parts.push(attributeFilter(filter.UserAttributeFilter, "SearchFilter.UserAttributeFilter"));
    }
  }
  return all(parts);
}
