// What clients see of the engine: the API events and views made from real coex runs (the coex
// test harness carries messages and INVITEs through the real wire formats). Tokens and session
// ids never appear in any of them.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Action } from "../../../src/coex/index.js";
import {
  type ApiEvent,
  apiEventFrom,
  conversationDetail,
} from "../../../src/endpoint/api/index.js";
import {
  ALICE,
  answer,
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

function apiEvents(p: Party, actions: readonly Action[]): ApiEvent[] {
  return actions.flatMap((a) => {
    if (a.type !== "event") return [];
    const e = apiEventFrom(a.event, (id) => p.engine.conversation(id));
    return e ? [e] : [];
  });
}

const TOKENISH = /[A-Za-z0-9_-]{21}[AQgw]/;

describe("API views of coex", () => {
  it("chat first, then a call: call.incoming with the conversation and correlation, call.state through to ended", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text: "hi" });
    assert.deepEqual(
      apiEvents(alice, start.actions).map((e) => e.type),
      ["conversation.created", "message.sent"],
    );
    const created = apiEvents(alice, start.actions)[0]!;
    assert.deepEqual(created, {
      type: "conversation.created",
      conversation: start.conversation,
      thread: alice.engine.conversation(start.conversation).thread,
      peer: { jid: "bob@chat.example.test" },
    });
    const bobConv = eventsOf(deliverAll(alice, start.actions, bob), "message.received")[0]!
      .conversation;
    const placed = bob.engine.startCall(bobConv, ["audio"]);
    deliverAll(bob, placed.actions, alice);
    const rung = ring(bob, invites(placed.actions)[0]!, alice);
    const atAlice = apiEvents(alice, rung.actions);
    const incoming = atAlice.find((e) => e.type === "call.incoming");
    assert.deepEqual(incoming, {
      type: "call.incoming",
      conversation: start.conversation,
      call: rung.call.id,
      from: "sip:robert@voip.example.test",
      media: ["audio"],
      correlation: { level: "verified", reason: "echo" },
    });
    const answered = answer(alice, rung.call.id, bob, placed.call);
    assert.deepEqual(
      apiEvents(alice, answered.calleeActions).find((e) => e.type === "call.state"),
      {
        type: "call.state",
        conversation: start.conversation,
        call: rung.call.id,
        state: "active",
        media: ["audio"],
      },
    );
    const ended = apiEvents(alice, alice.engine.endCall(rung.call.id, "hangup"));
    assert.deepEqual(ended, [
      {
        type: "call.state",
        conversation: start.conversation,
        call: rung.call.id,
        state: "ended",
        media: ["audio"],
        reason: "hangup",
      },
    ]);
    const detail = conversationDetail(alice.engine.conversation(start.conversation), (id) =>
      id === alice.engine.conversation(start.conversation).messages[0]!.id ? "sent" : undefined,
    );
    assert.deepEqual(detail.binding.level, "verified");
    assert.deepEqual(detail.peer, {
      jid: "bob@chat.example.test",
      sip: "sip:robert@voip.example.test",
    });
    assert.deepEqual(detail.activeCalls, []);
    assert.deepEqual(detail.calls[0], {
      call: rung.call.id,
      direction: "incoming",
      state: "ended",
      reason: "hangup",
      media: ["audio"],
      peer: "sip:robert@voip.example.test",
      correlation: { level: "verified", reason: "echo" },
      startedAt: rung.call.startedAt,
      answeredAt: detail.calls[0]!.answeredAt,
      endedAt: detail.calls[0]!.endedAt,
    });
    const everything = JSON.stringify([detail, ...atAlice, ...ended]);
    assert.ok(!TOKENISH.test(everything), "no token in what the API shows");
    assert.ok(!everything.includes(rung.call.localSession), "no Session-ID either");
  });

  it("call first: held text shows as message.held, then binding.changed and message.released", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const start = alice.engine.startConversation(
      { sip: "sip:robert@voip.example.test" },
      { media: ["audio"] },
    );
    const rung = ring(alice, invites(start.actions)[0]!, bob);
    const held = apiEvents(bob, bob.engine.sendText(rung.conversation, "secret"));
    assert.equal(held[0]!.type, "message.held");
    assert.equal((held[0] as { reason: string }).reason, "peer JID only claimed");
    const answered = answer(bob, rung.call.id, alice, invites(start.actions)[0]!.call);
    const backAtBob = deliverAll(alice, answered.callerActions, bob);
    assert.deepEqual(
      apiEvents(bob, backAtBob).map((e) => e.type),
      ["binding.changed", "message.released"],
    );
  });

  it("a replayed token raises security.alert; a refused OPTIONS asker discovery.refused", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const mallory = party(MALLORY, clock);
    const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text: "hi" });
    const bobConv = eventsOf(deliverAll(alice, start.actions, bob), "message.received")[0]!
      .conversation;
    const invite = invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!;
    ring(bob, invite, alice);
    const replay = apiEvents(alice, ring(mallory, invite, alice).actions);
    const alert = replay.find((e) => e.type === "security.alert");
    assert.ok(alert && alert.type === "security.alert");
    assert.equal(alert.kind, "token-replay");
    assert.equal(alert.from, "sip:mallory@voip.example.test");
    assert.equal(alert.conversation, start.conversation);
    const incoming = replay.find((e) => e.type === "call.incoming");
    assert.deepEqual(incoming && "correlation" in incoming && incoming.correlation, {
      level: "none",
      reason: "token-bound-elsewhere",
    });
    const refused = apiEvents(
      alice,
      alice.engine.answerOptions({ fromUri: `<${CAROL.aor}>`, viaTrustedProxy: false }).actions,
    );
    assert.deepEqual(refused, [{ type: "discovery.refused", asker: CAROL.aor }]);
  });
});
