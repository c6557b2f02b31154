// Issue 6 acceptance 9 (PROFILE.md §7): the use cases through intermediaries, real Kamailio
// configured as a topology-hiding SBC (Call-ID, Via and Contact masked), as one that strips
// Call-Info, and as one that strips Call-Info and Session-ID.
// - topoh: chat first and call first are still verified;
// - strip-call-info: chat first is correlated claimed through the pre-announced Session-ID;
// - strip-all: chat first is correlated claimed by the caller's identity within the window.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { useSandbox } from "../../helpers/sandbox.js";
import { Daemons } from "../support/pair.js";
import { callThenChat, chatThenCall } from "../support/scenarios.js";

describe("through a topology-hiding SBC (topoh)", () => {
  const sandbox = useSandbox({ sbc: "topoh" });
  const daemons = new Daemons(sandbox);

  it("chat first is verified", { timeout: 60_000 }, async () => {
    const alice = await daemons.start("alice", { tag: "alice-t1" });
    const bob = await daemons.start("bob", { tag: "bob-t1" });
    const r = await chatThenCall(sandbox(), alice, bob);
    assert.deepEqual(r.atAlice, { level: "verified", reason: "echo" });
    assert.equal(r.bobBinding.level, "verified");
    await daemons.stopAll();
  });

  it("call first is verified on both sides", { timeout: 60_000 }, async () => {
    const alice = await daemons.start("alice", { tag: "alice-t2" });
    const bob = await daemons.start("bob", { tag: "bob-t2" });
    const r = await callThenChat(sandbox(), alice, bob);
    assert.equal(r.alice.level, "verified");
    assert.equal(r.bob.level, "verified");
    await daemons.stopAll();
  });
});

describe("through an SBC that strips Call-Info", () => {
  const sandbox = useSandbox({ sbc: "strip-call-info" });
  const daemons = new Daemons(sandbox);

  it("chat first is claimed through the Session-ID", { timeout: 60_000 }, async () => {
    const alice = await daemons.start("alice", { tag: "alice-s1" });
    const bob = await daemons.start("bob", { tag: "bob-s1" });
    const r = await chatThenCall(sandbox(), alice, bob);
    assert.deepEqual(r.atAlice, { level: "claimed", reason: "session-id" });
    await daemons.stopAll();
  });
});

describe("through an SBC that strips Call-Info and Session-ID", () => {
  const sandbox = useSandbox({ sbc: "strip-all" });
  const daemons = new Daemons(sandbox);

  it("chat first is claimed by the caller's identity in the time window", {
    timeout: 60_000,
  }, async () => {
    const alice = await daemons.start("alice", { tag: "alice-a1" });
    const bob = await daemons.start("bob", { tag: "bob-a1" });
    const r = await chatThenCall(sandbox(), alice, bob);
    assert.deepEqual(r.atAlice, { level: "claimed", reason: "caller-identity" });
    await daemons.stopAll();
  });
});
