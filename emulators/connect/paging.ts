import { invalidParameter } from "./errors.js";

/**
 * Paging as the Connect API reference defines it:
 * - ListUsers / ListRoutingProfiles / ListSecurityProfiles / ListUserHierarchyGroups:
 *   `maxResults` 1..1000 (model `MaxResult1000`), "The default MaxResult size is 100".
 * - SearchUsers: `MaxResults` 1..500 (model `MaxResult500`); the reference gives no default,
 *   100 is our choice. `NextToken` is 1..2500 characters (model `NextToken2500`).
 *
 * Tokens are opaque to callers: base64url JSON naming the API, a cursor (the insertion
 * sequence number of the last item returned, so deletions between pages never skip or repeat
 * an item) and a fingerprint of the query. The reference does not say which error an invalid
 * token raises; we answer InvalidParameterException (a bad parameter value).
 */

export interface MaxResultsRange {
  min: number;
  max: number;
  default: number;
}

export const LIST_MAX_RESULTS: MaxResultsRange = { min: 1, max: 1000, default: 100 };
export const SEARCH_MAX_RESULTS: MaxResultsRange = { min: 1, max: 500, default: 100 };
const SEARCH_TOKEN_MAX_LENGTH = 2500;

/** Reads `maxResults` from a query string value or a JSON body member. */
export function readMaxResults(raw: unknown, range: MaxResultsRange, field: string): number {
  if (raw === undefined || raw === null) return range.default;
  const value = typeof raw === "string" && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw invalidParameter(`${field} must be an integer`);
  }
  if (value < range.min || value > range.max) {
    throw invalidParameter(
      `${field} must be between ${range.min} and ${range.max} (inclusive), got ${value}`,
    );
  }
  return value;
}

interface TokenPayload {
  v: 1;
  a: string;
  c: number;
  q: string;
}

export function encodeNextToken(api: string, cursor: number, scope = ""): string {
  const payload: TokenPayload = { v: 1, a: api, c: cursor, q: fingerprint(scope) };
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

/** Returns the cursor carried by a token; absent token → start from the beginning (0). */
export function decodeNextToken(raw: unknown, api: string, field: string, scope = ""): number {
  if (raw === undefined || raw === null) return 0;
  const invalid = () => invalidParameter(`${field} is not valid: ${String(raw).slice(0, 50)}`);
  if (typeof raw !== "string" || raw.length === 0 || raw.length > SEARCH_TOKEN_MAX_LENGTH) {
    throw invalid();
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  if (
    typeof payload !== "object" ||
    payload === null ||
    (payload as TokenPayload).v !== 1 ||
    (payload as TokenPayload).a !== api ||
    (payload as TokenPayload).q !== fingerprint(scope) ||
    !Number.isSafeInteger((payload as TokenPayload).c) ||
    (payload as TokenPayload).c < 0
  ) {
    throw invalid();
  }
  return (payload as TokenPayload).c;
}

/**
 * One page of items ordered by `seq`, starting after `cursor`. `nextCursor` is set only
 * when more items follow.
 */
export function takePage<T extends { seq: number }>(
  items: Iterable<T>,
  cursor: number,
  maxResults: number,
): { items: T[]; nextCursor?: number } {
  const page: T[] = [];
  for (const item of items) {
    if (item.seq <= cursor) continue;
    if (page.length === maxResults) {
      const last = page[page.length - 1];
      return { items: page, nextCursor: last === undefined ? cursor : last.seq };
    }
    page.push(item);
  }
  return { items: page };
}

/** FNV-1a 32-bit, hex: enough to bind a token to the query that produced it. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}
