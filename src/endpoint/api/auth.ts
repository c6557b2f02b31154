// Bearer-token check for both routes (RFC 6750 §2.1). Both sides are hashed first so that the
// comparison is constant-time even when the lengths differ (timingSafeEqual needs equal
// lengths, and comparing lengths first would reveal the token's length).

import { createHash, timingSafeEqual } from "node:crypto";

export class BearerCheck {
  private readonly expected: Buffer;

  constructor(token: string) {
    if (token.length === 0) {
      throw new RangeError("the API token must not be empty (set --api-token or api.token)");
    }
    this.expected = digest(token);
  }

  /** Whether an Authorization header carries the token. */
  accepts(header: string | undefined): boolean {
    if (header === undefined) return false;
    // The scheme is case-insensitive (RFC 9110 §11.1); one or more spaces follow it.
    const m = /^bearer +(\S+) *$/i.exec(header);
    if (!m) return false;
    return timingSafeEqual(digest(m[1]!), this.expected);
  }
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
