// Persistence (issue 6): a snapshot taken after the chat, restored in a new engine, still
// verifies bob's call in the same conversation; policy, bindings and history survive.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoexEngine } from "../../src/coex/engine.js";
import { readSnapshot } from "../../src/coex/snapshot.js";
import {
  ALICE,
  BOB,
  deliverAll,
  eventsOf,
  invites,
  MALLORY,
  newClock,
  party,
  ring,
} from "./harness.js";

describe("snapshot and restore", () => {
  it("a chat before the restart still gets a verified call afterwards; nothing lost", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    alice.engine.setPolicy({ discovery: { allow: ["roster", "domain:voip.example.test"] } });
    const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text: "before restart" });
    const atBob = deliverAll(alice, start.actions, bob);
    const bobConv = eventsOf(atBob, "message.received")[0]!.conversation;
    deliverAll(bob, bob.engine.sendText(bobConv, "reply"), alice);
    const stored = JSON.stringify(alice.engine.snapshot());
    clock.advance(3600_000); // the daemon was down for an hour
    const restored = {
      person: ALICE,
      engine: new CoexEngine({ self: ALICE.self, clock, snapshot: JSON.parse(stored) }),
    };
    assert.deepEqual(restored.engine.policy.discovery.allow, [
      "roster",
      "domain:voip.example.test",
    ]);
    const conv = restored.engine.conversation(start.conversation);
    assert.deepEqual(
      conv.messages.map((m) => m.text),
      ["before restart", "reply"],
    );
    const call = bob.engine.startCall(bobConv, ["audio"]);
    deliverAll(bob, call.actions, restored);
    const r = ring(bob, invites(call.actions)[0]!, restored);
    assert.equal(r.conversation, start.conversation);
    assert.deepEqual(r.correlation, { level: "verified", reason: "echo" });
    // a restored engine keeps the binding: a replay after another restart is still caught
    const again = new CoexEngine({
      self: ALICE.self,
      clock,
      snapshot: JSON.parse(JSON.stringify(restored.engine.snapshot())),
    });
    const mallory = party(MALLORY, clock);
    const replay = ring(mallory, invites(call.actions)[0]!, { person: ALICE, engine: again });
    assert.equal(replay.correlation.reason, "token-bound-elsewhere");
  });

  it("expiry survives the restart as absolute time", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text: "x" });
    const bobConv = eventsOf(deliverAll(alice, start.actions, bob), "message.received")[0]!
      .conversation;
    const stored = JSON.parse(JSON.stringify(alice.engine.snapshot()));
    clock.advance(24 * 3600_000 + 1);
    const restored = {
      person: ALICE,
      engine: new CoexEngine({ self: ALICE.self, clock, snapshot: stored }),
    };
    const r = ring(bob, invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!, restored);
    assert.equal(r.correlation.reason, "token-expired");
  });

  it("a corrupt snapshot fails with a typed error saying what is wrong", () => {
    const good = JSON.parse(JSON.stringify(party(ALICE, newClock()).engine.snapshot()));
    for (const [bad, what] of [
      [null, /not an object/],
      [{ ...good, version: 2 }, /version 2/],
      [{ ...good, tokens: "x" }, /tokens is not an array/],
      [
        {
          ...good,
          tokens: [{ value: "short", issuedOver: "sip", conversation: "c", issuedTo: "x" }],
        },
        /token/,
      ],
      [{ ...good, conversations: [{ id: "c" }] }, /conversation lacks/],
      [{ ...good, policy: null }, /policy/],
    ] as const) {
      assert.throws(
        () => readSnapshot(bad),
        (e: Error & { code?: string }) => {
          assert.equal(e.code, "malformed-snapshot");
          assert.match(e.message, what);
          return true;
        },
      );
    }
    assert.throws(
      () =>
        new CoexEngine({
          self: ALICE.self,
          clock: newClock(),
          snapshot: { ...good, policy: { discovery: { allow: ["bogus"] } } },
        }),
      {
        code: "malformed-policy",
      },
    );
  });
});
