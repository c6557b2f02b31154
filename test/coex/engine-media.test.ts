// §3.5 adding/dropping media and new dialogs in a conversation; §2 presence fed by the calls.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { composePresence } from "../../src/coex/presence.js";
import {
  ALICE,
  BOB,
  deliverAll,
  eventsOf,
  invites,
  newClock,
  party,
  ring,
  sends,
} from "./harness.js";

function verifiedCall() {
  const clock = newClock();
  const alice = party(ALICE, clock);
  const bob = party(BOB, clock);
  const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text: "hi" });
  const atBob = deliverAll(alice, start.actions, bob);
  const bobConv = eventsOf(atBob, "message.received")[0]!.conversation;
  const call = bob.engine.startCall(bobConv, ["audio"]);
  deliverAll(bob, call.actions, alice);
  const r = ring(bob, invites(call.actions)[0]!, alice);
  const ok = alice.engine.answerCall(r.call.id);
  bob.engine.receiveAnswer(call.call, {
    callInfo: ok.callInfo ? [ok.callInfo] : [],
    sessionId: ok.sessionId,
  });
  return {
    clock,
    alice,
    bob,
    aliceConv: start.conversation,
    bobConv,
    aliceCall: r.call.id,
    bobCall: call.call,
  };
}

describe("§3.5 adding or dropping media", () => {
  it("adding video is a re-INVITE in the same dialog; the peer's side records it; dropping it again", () => {
    const { alice, bob, aliceConv, aliceCall, bobCall } = verifiedCall();
    const add = bob.engine.updateCallMedia(bobCall, ["audio", "video"], "local");
    assert.deepEqual(
      add.filter((a) => a.type === "sip.reinvite"),
      [
        {
          type: "sip.reinvite",
          conversation: add.find((a) => a.type === "sip.reinvite")!.conversation,
          call: bobCall,
          media: ["audio", "video"],
        },
      ],
    );
    const seen = alice.engine.updateCallMedia(aliceCall, ["audio", "video"], "remote");
    assert.equal(seen.filter((a) => a.type === "sip.reinvite").length, 0);
    assert.deepEqual(eventsOf(seen, "call.state")[0]?.media, ["audio", "video"]);
    const conv = alice.engine.conversation(aliceConv);
    assert.equal(conv.calls.length, 1);
    assert.equal(conv.binding.level, "verified");
    assert.equal(sends(add).length, 0, "no new token or announcement for a re-INVITE");
    const drop = bob.engine.updateCallMedia(bobCall, ["audio"], "local");
    assert.deepEqual(eventsOf(drop, "call.state")[0]?.media, ["audio"]);
  });

  it("a call after an ended one is a new dialog in the same conversation, correlated again", () => {
    const { alice, bob, aliceConv, bobConv, aliceCall, bobCall } = verifiedCall();
    alice.engine.endCall(aliceCall, "bye");
    bob.engine.endCall(bobCall, "bye");
    assert.throws(() => bob.engine.updateCallMedia(bobCall, ["audio", "video"], "local"), {
      code: "invalid-state",
    });
    const second = bob.engine.startCall(bobConv, ["audio", "video"]);
    const inv = invites(second.actions)[0]!;
    assert.notEqual(second.call, bobCall);
    deliverAll(bob, second.actions, alice);
    const r = ring(bob, inv, alice);
    assert.equal(r.conversation, aliceConv);
    assert.equal(r.correlation.level, "verified");
    assert.equal(alice.engine.conversation(aliceConv).calls.length, 2);
    assert.equal(bob.engine.conversation(bobConv).calls.length, 2);
  });

  it("answering twice or an unknown call is a typed error", () => {
    const { alice, aliceCall } = verifiedCall();
    assert.throws(() => alice.engine.answerCall(aliceCall), { code: "invalid-state" });
    assert.throws(() => alice.engine.endCall("call-nope", "x"), { code: "unknown-call" });
    assert.throws(
      () =>
        alice.engine.receiveInvite({
          call: aliceCall,
          fromUri: BOB.aor,
          viaTrustedProxy: false,
          callInfo: [],
          media: ["audio"],
        }),
      { code: "invalid-state" },
    );
  });
});

describe("§2 presence from the engine's calls", () => {
  it("ringing, busy with video, back to the user's own state after the last call", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const self = { uri: ALICE.self.sipUri!, aor: ALICE.aor, media: ALICE.self.media };
    const own = { status: "working" };
    const r = alice.engine.receiveInvite({
      fromUri: "<sip:robert@voip.example.test>",
      viaTrustedProxy: false,
      callInfo: [],
      media: ["audio", "video"],
    });
    assert.equal(composePresence(own, alice.engine.activeCalls(), self).sip.call, "ringing");
    alice.engine.answerCall(r.call.id);
    const busy = composePresence(own, alice.engine.activeCalls(), self);
    assert.equal(busy.sip.call, "busy");
    assert.equal(busy.activity, "on_video_phone");
    assert.equal(busy.show, "dnd");
    alice.engine.endCall(r.call.id, "bye");
    assert.deepEqual(composePresence(own, alice.engine.activeCalls(), self), {
      sip: { uri: self.uri, media: self.media, call: "idle" },
      reach: [ALICE.aor],
      status: "working",
    });
  });

  it("a peer's presence <sip uri/> is where alice calls it", () => {
    const alice = party(ALICE, newClock());
    const { conversation } = alice.engine.startConversation({ jid: BOB.self.jid });
    alice.engine.receivePresence({ from: BOB.self.jid, reach: ["sip:robert@voip.example.test"] });
    assert.equal(
      invites(alice.engine.startCall(conversation, ["audio"]).actions)[0]!.target,
      "sip:robert@voip.example.test",
    );
  });
});
