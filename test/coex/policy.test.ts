import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_POLICY, parsePolicy } from "../../src/coex/policy.js";

describe("policy", () => {
  it("defaults to roster-only discovery, 24 h thread idle, 15 min dialog grace, 30 s window", () => {
    assert.deepEqual(DEFAULT_POLICY.discovery.allow, ["roster"]);
    assert.equal(DEFAULT_POLICY.expiry.threadIdleMs, 24 * 3600_000);
    assert.equal(DEFAULT_POLICY.expiry.dialogGraceMs, 15 * 60_000);
    assert.equal(DEFAULT_POLICY.expiry.identityWindowMs, 30_000);
  });

  it("accepts every rule kind and fills the rest from the base", () => {
    const p = parsePolicy({
      discovery: { allow: ["roster", "domain:Voip.Example.Test", "sip:carol@x.test", "*"] },
    });
    assert.deepEqual(p.discovery.allow, [
      "roster",
      "domain:voip.example.test",
      "sip:carol@x.test",
      "*",
    ]);
    assert.deepEqual(p.expiry, DEFAULT_POLICY.expiry);
    const q = parsePolicy({ expiry: { dialogGraceMs: 1000 } }, p);
    assert.equal(q.expiry.dialogGraceMs, 1000);
    assert.deepEqual(q.discovery.allow, p.discovery.allow);
  });

  it("rejects unknown rules and settings with a message saying what is allowed", () => {
    for (const bad of [
      null,
      { discovery: { allow: "roster" } },
      { discovery: { allow: ["friends"] } },
      { discovery: { allow: [3] } },
      { expiry: { threadIdleMs: -1 } },
      { expiry: { forever: 1 } },
      { expiry: 5 },
    ]) {
      assert.throws(
        () => parsePolicy(bad),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, "malformed-policy");
          assert.match(e.message, /roster/);
          return true;
        },
      );
    }
  });
});
