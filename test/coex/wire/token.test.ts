import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { RandomBytes } from "../../../src/coex/random.js";
import {
  assertToken,
  base64url,
  constantTimeEqual,
  generateToken,
  isWellFormedToken,
  TOKEN_LENGTH,
} from "../../../src/coex/wire/token.js";

const fixed =
  (byte: number): RandomBytes =>
  (n) =>
    new Uint8Array(n).fill(byte);

describe("token wire format", () => {
  it("encodes base64url without padding (RFC 4648 §10 test vectors, URL alphabet)", () => {
    const enc = (s: string) => base64url(new TextEncoder().encode(s));
    assert.equal(enc(""), "");
    assert.equal(enc("f"), "Zg");
    assert.equal(enc("fo"), "Zm8");
    assert.equal(enc("foo"), "Zm9v");
    assert.equal(enc("foob"), "Zm9vYg");
    assert.equal(enc("fooba"), "Zm9vYmE");
    assert.equal(enc("foobar"), "Zm9vYmFy");
    assert.equal(base64url(new Uint8Array([0xfb, 0xff])), "-_8");
  });

  it("draws 16 bytes and writes 22 characters that the validator accepts", () => {
    let asked = 0;
    const t = generateToken((n) => {
      asked = n;
      return new Uint8Array(n).fill(0xff);
    });
    assert.equal(asked, 16);
    assert.equal(t.length, TOKEN_LENGTH);
    assert.equal(t, "_____________________w");
    assert.ok(isWellFormedToken(t));
    for (let i = 0; i < 50; i++) {
      const real = generateToken((n) => globalThis.crypto.getRandomValues(new Uint8Array(n)));
      assert.ok(isWellFormedToken(real), real);
    }
  });

  it("refuses a random source that returns the wrong length", () => {
    assert.throws(() => generateToken(() => new Uint8Array(8)), { code: "invalid-state" });
  });

  it("rejects malformed token values", () => {
    const good = generateToken(fixed(7));
    assert.ok(isWellFormedToken(good));
    for (const bad of [
      "",
      good.slice(0, 21),
      `${good}A`,
      `${good.slice(0, 21)}B`, // last char carries non-zero padding bits: not 128 bits
      `${good.slice(0, 20)}+A`, // standard base64 alphabet
      `${good.slice(0, 20)}=A`,
      ` ${good.slice(1)}`,
    ]) {
      assert.equal(isWellFormedToken(bad), false, bad);
    }
    assert.throws(
      () => assertToken("abc", "echo"),
      (e: Error & { code?: string }) => {
        assert.equal(e.code, "malformed-token");
        assert.match(e.message, /echo is not a profile token.*22 base64url/);
        return true;
      },
    );
  });

  it("compares equal strings as equal and any difference as different, at any position", () => {
    const a = generateToken(fixed(1));
    assert.ok(constantTimeEqual(a, a.slice()));
    for (let i = 0; i < a.length; i++) {
      const b = `${a.slice(0, i)}${a[i] === "x" ? "y" : "x"}${a.slice(i + 1)}`;
      assert.equal(constantTimeEqual(a, b), false, `differs at ${i}`);
    }
    assert.equal(constantTimeEqual(a, a.slice(0, 21)), false);
    assert.equal(constantTimeEqual(a, ""), false);
    assert.equal(constantTimeEqual("", ""), true);
    assert.equal(constantTimeEqual("ab", "abab"), false);
  });
});
