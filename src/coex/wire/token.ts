// The correlation token on the wire (PROFILE.md §3): 128 bits from a CSPRNG written as
// base64url without padding (RFC 4648 §5), i.e. exactly 22 characters. 22 characters carry 132
// bits, so the last character's low 4 bits are zero: only A, Q, g and w can end a token, and
// anything else was not produced by an implementation of this profile.

import { CoexError } from "../errors.js";
import type { RandomBytes } from "../random.js";

export const TOKEN_BYTES = 16;
export const TOKEN_LENGTH = 22;
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const TOKEN_RE = /^[A-Za-z0-9_-]{21}[AQgw]$/;

export function base64url(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 3 <= bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
    out += ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

export function generateToken(random: RandomBytes): string {
  const bytes = random(TOKEN_BYTES);
  if (bytes.length !== TOKEN_BYTES) {
    throw new CoexError(
      "invalid-state",
      `the random source returned ${bytes.length} bytes instead of ${TOKEN_BYTES}`,
      "inject a RandomBytes function that returns exactly the requested length",
    );
  }
  return base64url(bytes);
}

export function isWellFormedToken(value: string): boolean {
  return TOKEN_RE.test(value);
}

/** Throws a CoexError naming `field` unless `value` is a well-formed token. */
export function assertToken(value: string, field: string): string {
  if (!isWellFormedToken(value)) {
    throw new CoexError(
      "malformed-token",
      `${field} is not a profile token: ${JSON.stringify(value.slice(0, 40))}`,
      "a token is 22 base64url characters (128 random bits, no padding)",
    );
  }
  return value;
}

/**
 * Compares two strings in time that depends only on their lengths, never on where they first
 * differ (PROFILE.md §3, §6), so that an attacker timing our answers learns nothing about a
 * stored token. Written out here rather than imported so that it works in browsers too.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < length; i++) {
    diff |= (a.charCodeAt(i % (a.length || 1)) || 0) ^ (b.charCodeAt(i % (b.length || 1)) || 0);
  }
  return diff === 0;
}
