import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  generateSessionUuid,
  isNullSessionUuid,
  NULL_SESSION_UUID,
  normalizeSessionUuid,
  parseSessionId,
  serializeSessionId,
} from "../../../src/coex/wire/session-id.js";

const A = "ab30317f1a784dc48ff824d0d3715d86";
const B = "47755a9de7794ba387653f2099fa1f2e";

describe("Session-ID (RFC 7989)", () => {
  it("generates version-4 UUIDs as 32 lowercase hex digits", () => {
    const u = generateSessionUuid((n) => new Uint8Array(n).fill(0xff));
    assert.equal(u, "ffffffffffff4fffbfffffffffffffff");
    const r = generateSessionUuid((n) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
    assert.match(r, /^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
  });

  it("serializes the initial INVITE form with the null remote UUID", () => {
    assert.equal(
      serializeSessionId({ local: A, remote: NULL_SESSION_UUID }),
      `${A};remote=${"0".repeat(32)}`,
    );
    assert.ok(isNullSessionUuid(NULL_SESSION_UUID));
    assert.equal(isNullSessionUuid(A), false);
  });

  it("refuses to serialize anything but lowercase 32-hex UUIDs", () => {
    assert.throws(() => serializeSessionId({ local: A.toUpperCase(), remote: B }), {
      code: "malformed-session-id",
    });
    assert.throws(() => serializeSessionId({ local: A, remote: "x" }), {
      code: "malformed-session-id",
    });
  });

  it("parses leniently: case, hyphens, spaces, missing remote, other params", () => {
    assert.deepEqual(parseSessionId(`${A};remote=${B}`), { local: A, remote: B });
    assert.deepEqual(parseSessionId(` ${A.toUpperCase()} ; Remote = ${B.toUpperCase()}`), {
      local: A,
      remote: B,
    });
    assert.deepEqual(parseSessionId(A), { local: A, remote: NULL_SESSION_UUID });
    assert.deepEqual(parseSessionId(`${A};foo=bar;remote=${B}`), { local: A, remote: B });
    assert.deepEqual(parseSessionId("ab30317f-1a78-4dc4-8ff8-24d0d3715d86"), {
      local: A,
      remote: NULL_SESSION_UUID,
    });
    assert.equal(normalizeSessionUuid("nothex"), undefined);
  });

  it("rejects a value that is not a UUID, saying what was expected", () => {
    assert.throws(
      () => parseSessionId("abc;remote=0"),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "malformed-session-id");
        assert.match(e.message, /32-hex-digit/);
        return true;
      },
    );
    assert.throws(() => parseSessionId(`${A};remote=zz`), { code: "malformed-session-id" });
  });
});
