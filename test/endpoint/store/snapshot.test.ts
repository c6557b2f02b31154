// The coex engine's state through the store (issue 6, acceptance 10 in miniature): a chat
// before the restart, the snapshot saved in the store, the file closed and reopened, a new
// engine built from loadSnapshot(): bob's call lands in the same conversation, verified by the
// token alice issued before the restart, and a replay of that token is still caught. What was
// recorded after the last snapshot (messages, a new conversation, a call's end, the policy)
// is part of what loadSnapshot() gives back.

import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CoexEngine } from "../../../src/coex/index.js";
import { DuetStore, StoreError } from "../../../src/endpoint/store/index.js";
import {
  ALICE,
  BOB,
  CAROL,
  deliverAll,
  eventsOf,
  invites,
  MALLORY,
  newClock,
  type Party,
  party,
  ring,
} from "../../coex/harness.js";
import { withRawDatabase } from "./raw-db.js";
import { useTempDir } from "./temp-dir.js";

const dir = useTempDir("store-snapshot");

describe("coex snapshot through the store", () => {
  it("restores an engine whose tokens still verify, after close and reopen", () => {
    const path = join(dir(), "alice.sqlite");
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    let store = DuetStore.open(path, { clock });

    const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text: "before restart" });
    const atBob = deliverAll(alice, start.actions, bob);
    const bobConv = eventsOf(atBob, "message.received")[0]!.conversation;
    store.saveSnapshot(alice.engine.snapshot());
    // after the snapshot: bob's reply is recorded on arrival only
    const atAlice = deliverAll(bob, bob.engine.sendText(bobConv, "reply"), alice);
    const received = eventsOf(atAlice, "message.received")[0]!;
    store.recordIncoming(alice.engine.conversation(received.conversation), received.message);
    store.close();

    clock.advance(3600_000); // the daemon was down for an hour
    store = DuetStore.open(path, { clock });
    const restored: Party = {
      person: ALICE,
      engine: new CoexEngine({ self: ALICE.self, clock, snapshot: store.loadSnapshot() }),
    };
    assert.deepEqual(
      restored.engine.conversation(start.conversation).messages.map((m) => [m.text, m.state]),
      [
        ["before restart", "sent"],
        ["reply", "received"],
      ],
    );
    assert.deepEqual(
      store.unshown().map((m) => m.text),
      ["reply"],
    );

    const call = bob.engine.startCall(bobConv, ["audio"]);
    deliverAll(bob, call.actions, restored);
    const r = ring(bob, invites(call.actions)[0]!, restored);
    assert.equal(r.conversation, start.conversation);
    assert.deepEqual(r.correlation, { level: "verified", reason: "echo" });

    // the token is now bound to bob's SIP identity; after another save/restart a replay from
    // mallory is still refused
    store.saveSnapshot(restored.engine.snapshot());
    store.close();
    store = DuetStore.open(path, { clock });
    try {
      const again: Party = {
        person: ALICE,
        engine: new CoexEngine({ self: ALICE.self, clock, snapshot: store.loadSnapshot() }),
      };
      const replay = ring(party(MALLORY, clock), invites(call.actions)[0]!, again);
      assert.equal(replay.correlation.level, "none");
      assert.equal(replay.correlation.reason, "token-bound-elsewhere");
      assert.deepEqual(
        store.calls(start.conversation).map((k) => [k.id, k.correlation.level]),
        [[r.call.id, "verified"]],
      );
    } finally {
      store.close();
    }
  });

  it("completes the snapshot with conversations, call ends and the policy recorded after it", () => {
    const path = join(dir(), "later.sqlite");
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const carol = party(CAROL, clock);
    let store = DuetStore.open(path, { clock });

    const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text: "hi" });
    const bobConv = eventsOf(deliverAll(alice, start.actions, bob), "message.received")[0]!
      .conversation;
    const call = bob.engine.startCall(bobConv, ["audio"]);
    deliverAll(bob, call.actions, alice);
    const r = ring(bob, invites(call.actions)[0]!, alice);
    store.saveSnapshot(alice.engine.snapshot());

    // after the snapshot: the call ends, carol opens a new conversation, the policy changes
    alice.engine.endCall(r.call.id, "hangup");
    const callConv = alice.engine.conversation(r.conversation);
    store.saveCall(callConv, callConv.calls.find((k) => k.id === r.call.id)!);
    const fromCarol = deliverAll(
      carol,
      carol.engine.startConversation({ jid: ALICE.self.jid }, { text: "new here" }).actions,
      alice,
    );
    const carolMsg = eventsOf(fromCarol, "message.received")[0]!;
    store.recordIncoming(alice.engine.conversation(carolMsg.conversation), carolMsg.message);
    store.setPolicy(alice.engine.setPolicy({ discovery: { allow: ["*"] } }));
    store.close();

    store = DuetStore.open(path, { clock });
    try {
      const snapshot = store.loadSnapshot()!;
      const engine = new CoexEngine({ self: ALICE.self, clock, snapshot });
      assert.deepEqual(engine.policy.discovery.allow, ["*"]);
      const ended = engine.conversation(r.conversation).calls.find((k) => k.id === r.call.id)!;
      assert.equal(ended.state, "ended");
      assert.equal(ended.endReason, "hangup");
      assert.equal(ended.token, r.call.token, "the snapshot's call keeps its token");
      const withCarol = engine.conversation(carolMsg.conversation);
      assert.equal(withCarol.peer.jid, "carol@chat.example.test");
      assert.deepEqual(
        withCarol.messages.map((m) => m.text),
        ["new here"],
      );
      assert.equal(withCarol.thread, alice.engine.conversation(carolMsg.conversation).thread);
      assert.deepEqual(
        engine.conversations().map((c) => c.id),
        alice.engine.conversations().map((c) => c.id),
        "the engine's order of conversations is kept",
      );
    } finally {
      store.close();
    }
  });

  it("a damaged saved snapshot is reported as a corrupt store, naming the file", () => {
    const path = join(dir(), "damaged.sqlite");
    const clock = newClock();
    let store = DuetStore.open(path, { clock });
    store.saveSnapshot(party(ALICE, clock).engine.snapshot());
    store.close();
    // damage written by something else: a snapshot that is not the engine's shape
    withRawDatabase(path, (db) =>
      db.run("UPDATE engine_state SET snapshot = ?", ['{"version": 99}']),
    );
    store = DuetStore.open(path, { clock });
    try {
      assert.throws(
        () => store.loadSnapshot(),
        (e: unknown) =>
          e instanceof StoreError &&
          e.code === "corrupt" &&
          e.path === path &&
          /version 99/.test(e.message),
      );
    } finally {
      store.close();
    }
  });
});
