// RFC 7989 Session-ID: an end-to-end identifier of a call that survives B2BUAs (unlike
// Call-ID, which they rewrite). sess-uuid is 32 lowercase hex digits (§4.1): an RFC 4122
// version 4 UUID without its hyphens; the "null" value (32 zeros) stands for a side that has
// not yet generated its own, e.g. `remote=` in an initial INVITE (§6).

import { CoexError } from "../errors.js";
import type { RandomBytes } from "../random.js";

export const NULL_SESSION_UUID = "0".repeat(32);

export interface SessionIdHeader {
  /** The sender's own UUID. */
  readonly local: string;
  /** The UUID of the other end, or NULL_SESSION_UUID when not yet known. */
  readonly remote: string;
}

export function generateSessionUuid(random: RandomBytes): string {
  const b = random(16);
  // RFC 4122 §4.4: version 4, variant 10xx.
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/**
 * Normalizes a UUID as peers may write it: case-insensitively (RFC 7989 §4.1 allows senders
 * only lowercase, but §8 compares case-insensitively), and tolerating the hyphenated RFC 4122
 * form. Returns undefined for anything else.
 */
export function normalizeSessionUuid(value: string): string | undefined {
  const v = value.trim().toLowerCase();
  if (/^[0-9a-f]{32}$/.test(v)) return v;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v)) {
    return v.replace(/-/g, "");
  }
  return undefined;
}

export function isNullSessionUuid(uuid: string): boolean {
  return uuid === NULL_SESSION_UUID;
}

function assertUuid(value: string, field: string): string {
  if (!/^[0-9a-f]{32}$/.test(value)) {
    throw new CoexError(
      "malformed-session-id",
      `${field} is not an RFC 7989 sess-uuid: ${JSON.stringify(value)}`,
      "use 32 lowercase hex digits (generateSessionUuid)",
    );
  }
  return value;
}

export function serializeSessionId(header: SessionIdHeader): string {
  return `${assertUuid(header.local, "local")};remote=${assertUuid(header.remote, "remote")}`;
}

/**
 * Parses a Session-ID header value. A missing `remote` parameter is the null UUID (RFC 7989
 * §11 lets older implementations, per RFC 7329, omit it); unknown generic parameters are ignored.
 */
export function parseSessionId(value: string): SessionIdHeader {
  const [first, ...params] = value.split(";");
  const local = normalizeSessionUuid(first ?? "");
  if (!local) {
    throw new CoexError(
      "malformed-session-id",
      `Session-ID value does not start with a 32-hex-digit UUID: ${JSON.stringify(value.slice(0, 80))}`,
      "expected e.g. ab30317f1a784dc48ff824d0d3715d86;remote=00000000000000000000000000000000",
    );
  }
  let remote = NULL_SESSION_UUID;
  for (const p of params) {
    const eq = p.indexOf("=");
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== "remote") continue;
    const r = normalizeSessionUuid(p.slice(eq + 1));
    if (!r) {
      throw new CoexError(
        "malformed-session-id",
        `Session-ID remote parameter is not a UUID: ${JSON.stringify(p.slice(eq + 1))}`,
        "remote= must be 32 hex digits, the null UUID when unknown",
      );
    }
    remote = r;
  }
  return { local, remote };
}
