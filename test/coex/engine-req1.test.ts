// REQ-1 (PROFILE.md §3.2): chat first, then a call that lands in the same conversation, with
// the three matching levels and the intermediaries that force each of them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ALICE,
  BOB,
  deliver,
  deliverAll,
  eventsOf,
  invites,
  newClock,
  type Party,
  party,
  ring,
  sends,
  startChat,
} from "./harness.js";

/** alice writes to bob, bob answers: both have the conversation and each other's advertisement. */
function chat() {
  const { start, ...opened } = startChat("hi bob");
  const reply = opened.bob.engine.sendText(opened.bobConv, "hi alice");
  deliverAll(opened.bob, reply, opened.alice);
  return { ...opened, first: sends(start.actions)[0]!, reply };
}

function bobCalls(bob: Party, bobConv: string) {
  const r = bob.engine.startCall(bobConv, ["audio"]);
  return { ...r, invite: invites(r.actions)[0]!, announce: sends(r.actions)[0] };
}

describe("REQ-1: IM first, then voice (PROFILE.md §3.2)", () => {
  it("step 1: the first message of the thread advertises uri, media and a token; later ones carry nothing", () => {
    const { alice, first, reply, aliceConv } = chat();
    assert.equal(first.body, "hi bob");
    assert.equal(first.payload?.uri, ALICE.self.sipUri);
    assert.deepEqual(first.payload?.media, ["audio", "video"]);
    assert.match(first.payload?.token ?? "", /^[A-Za-z0-9_-]{22}$/);
    assert.equal(first.payload?.echo, undefined);
    assert.equal(
      sends(reply)[0]!.payload?.uri,
      BOB.self.sipUri,
      "bob's first message in T advertises too",
    );
    const second = sends(alice.engine.sendText(aliceConv, "again"))[0]!;
    assert.equal(second.payload, undefined);
    assert.equal(second.thread, first.thread);
  });

  it("the advertisement is repeated only when our SIP address changes", () => {
    const { alice, aliceConv } = chat();
    alice.engine.setSelf({ ...ALICE.self, sipUri: "sip:alice@voip.example.test;gr=urn:uuid:new" });
    const p = sends(alice.engine.sendText(aliceConv, "moved"))[0]!.payload;
    assert.equal(p?.uri, "sip:alice@voip.example.test;gr=urn:uuid:new");
    assert.ok(p?.token);
    assert.equal(sends(alice.engine.sendText(aliceConv, "x"))[0]!.payload, undefined);
  });

  it("steps 2-4: pre-announce, INVITE echoing tA, matched verified in the chat's conversation, echo of tB back", () => {
    const { alice, bob, aliceConv, bobConv, first } = chat();
    const call = bobCalls(bob, bobConv);
    // step 2: the pre-announcement goes first, in T, with the Session-ID
    assert.equal(call.actions[0]!.type, "xmpp.send");
    assert.equal(call.announce?.thread, first.thread);
    assert.match(call.announce?.payload?.session ?? "", /^[0-9a-f]{32}$/);
    assert.equal(call.announce?.body, undefined);
    assert.equal(call.invite.target, ALICE.self.sipUri, "calls the advertised GRUU");
    assert.match(
      call.invite.callInfo!,
      /^<xmpp:bob@chat\.example\.test\/duet\?message;thread=[^>]+>;purpose=impp;token=[\w-]{22};echo=[\w-]{22}$/,
    );
    assert.ok(call.invite.callInfo!.includes(`echo=${first.payload!.token}`));
    assert.equal(
      call.invite.sessionId,
      `${call.announce!.payload!.session};remote=${"0".repeat(32)}`,
    );
    const announced = deliverAll(bob, call.actions, alice);
    assert.equal(eventsOf(announced, "call.announced")[0]?.conversation, aliceConv);
    // step 3
    const atAlice = ring(bob, call.invite, alice);
    assert.equal(atAlice.conversation, aliceConv);
    assert.deepEqual(atAlice.correlation, { level: "verified", reason: "echo" });
    assert.deepEqual(eventsOf(atAlice.actions, "call.incoming")[0]?.correlation, {
      level: "verified",
      reason: "echo",
    });
    assert.equal(alice.engine.conversation(aliceConv).binding.level, "verified");
    assert.equal(alice.engine.conversation(aliceConv).peer.sip, "sip:robert@voip.example.test");
    // step 4: echo of tB, no text, to bob's full JID in T
    const echo = sends(atAlice.actions);
    assert.equal(echo.length, 1);
    assert.equal(echo[0]!.to, BOB.self.jid);
    assert.equal(echo[0]!.body, undefined);
    assert.deepEqual(Object.keys(echo[0]!.payload!), ["echo"]);
    const atBob = deliverAll(alice, atAlice.actions, bob);
    assert.deepEqual(eventsOf(atBob, "binding.changed")[0]?.binding.level, "verified");
    assert.equal(bob.engine.conversation(bobConv).binding.reason, "echo");
    assert.equal(eventsOf(atBob, "conversation.created").length, 0);
  });

  it("topology hiding changes nothing: Call-ID and tags are never used", () => {
    const { alice, bob, aliceConv, bobConv } = chat();
    const call = bobCalls(bob, bobConv);
    deliverAll(bob, call.actions, alice);
    const r = ring(bob, call.invite, alice, "topoh");
    assert.equal(r.conversation, aliceConv);
    assert.equal(r.correlation.level, "verified");
  });

  it("Call-Info stripped: matched by the pre-announced Session-ID, claimed", () => {
    const { alice, bob, aliceConv, bobConv } = chat();
    const call = bobCalls(bob, bobConv);
    deliverAll(bob, call.actions, alice);
    const r = ring(bob, call.invite, alice, "strip-call-info");
    assert.equal(r.conversation, aliceConv);
    assert.deepEqual(r.correlation, { level: "claimed", reason: "session-id" });
    assert.equal(r.call.remoteSession, call.announce!.payload!.session);
    assert.notEqual(alice.engine.conversation(aliceConv).binding.level, "verified");
  });

  it("Call-Info and Session-ID stripped: matched by caller identity within 30 s, claimed", () => {
    const { clock, alice, bob, aliceConv, bobConv } = chat();
    const call = bobCalls(bob, bobConv);
    deliverAll(bob, call.actions, alice);
    clock.advance(29_000);
    const r = ring(bob, call.invite, alice, "strip-all");
    assert.equal(r.conversation, aliceConv);
    assert.deepEqual(r.correlation, { level: "claimed", reason: "caller-identity" });
  });

  it("caller identity after the 30 s window, or without an announcement, is not matched", () => {
    const { clock, alice, bob, aliceConv, bobConv } = chat();
    const late = bobCalls(bob, bobConv);
    deliverAll(bob, late.actions, alice);
    clock.advance(30_001);
    const r = ring(bob, late.invite, alice, "strip-all");
    assert.notEqual(r.conversation, aliceConv);
    assert.deepEqual(r.correlation, { level: "none", reason: "no-correlation-data" });
    // and an INVITE that was never announced (announcement lost) is not matched either
    const { alice: a2, bob: b2, aliceConv: c2, bobConv: bc2 } = chat();
    const unannounced = bobCalls(b2, bc2);
    const r2 = ring(b2, unannounced.invite, a2, "strip-all");
    assert.notEqual(r2.conversation, c2);
    assert.equal(r2.correlation.level, "none");
  });

  it("a pre-announced Session-ID is not matched once the announcement is stale", () => {
    const { clock, alice, bob, aliceConv, bobConv } = chat();
    const call = bobCalls(bob, bobConv);
    deliverAll(bob, call.actions, alice);
    clock.advance(5 * 60_000 + 1);
    const r = ring(bob, call.invite, alice, "strip-call-info");
    assert.notEqual(r.conversation, aliceConv);
  });

  it("a message that is just an unknown echo opens nothing", () => {
    const { alice, bob } = chat();
    const r = deliver(
      bob,
      {
        type: "xmpp.send",
        conversation: "x",
        to: ALICE.self.jid,
        thread: "zzz",
        payload: { echo: "AAAAAAAAAAAAAAAAAAAAAA" },
      },
      alice,
    );
    assert.equal(r.conversation, undefined);
    assert.equal(eventsOf(r.actions, "correlation.rejected")[0]?.reason, "token-unknown");
    assert.equal(eventsOf(r.actions, "conversation.created").length, 0);
  });
});

describe("§3.4 multimedia from the start", () => {
  it("text and call back to back: advertisement + pre-announce, then an INVITE that alice can verify", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    // bob's presence told alice his SIP address (REQ-3); alice starts chat + audio at once
    alice.engine.receivePresence({
      from: BOB.self.jid,
      sip: { uri: BOB.self.sipUri!, media: ["audio"], call: "idle" },
    });
    const start = alice.engine.startConversation(
      { jid: BOB.self.jid },
      { text: "call?", media: ["audio"] },
    );
    const kinds = start.actions.filter((a) => a.type !== "event").map((a) => a.type);
    assert.deepEqual(kinds, ["xmpp.send", "xmpp.send", "sip.invite"]);
    const [text, announce] = sends(start.actions);
    assert.ok(text!.payload?.token);
    assert.equal(
      announce!.payload?.token,
      undefined,
      "the advertisement is not repeated in the pre-announce",
    );
    assert.ok(announce!.payload?.session);
    assert.equal(invites(start.actions)[0]!.target, BOB.self.sipUri);
    deliverAll(alice, start.actions, bob);
    const r = ring(alice, invites(start.actions)[0]!, bob);
    assert.equal(
      r.correlation.level,
      "claimed",
      "bob never issued a token to alice yet: Session-ID match",
    );
    assert.equal(r.correlation.reason, "session-id");
    // bob already echoed alice's SIP-issued token (§3.2 step 4): alice verifies bob
    const atAlice = deliverAll(bob, r.actions, alice);
    assert.equal(eventsOf(atAlice, "binding.changed")[0]?.binding.level, "verified");
    // bob's 2xx carries a token of his, which alice echoes: bob verifies alice too
    const aliceCall = invites(start.actions)[0]!.call;
    const ok = bob.engine.answerCall(r.call.id);
    assert.match(
      ok.callInfo ?? "",
      /^<xmpp:bob@chat\.example\.test\/duet\?message;thread=[^>]+>;purpose=impp;token=[\w-]{22}$/,
    );
    const aliceActions = alice.engine.receiveAnswer(aliceCall, {
      callInfo: [ok.callInfo!],
      sessionId: ok.sessionId,
    });
    const atBob = deliverAll(alice, aliceActions, bob);
    assert.equal(eventsOf(atBob, "binding.changed")[0]?.binding.level, "verified");
    assert.equal(bob.engine.conversation(r.conversation).binding.level, "verified");
  });

  it("a call with no known SIP address is refused with a typed error", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const { conversation } = alice.engine.startConversation({ jid: BOB.self.jid });
    assert.throws(() => alice.engine.startCall(conversation, ["audio"]), {
      code: "no-sip-address",
    });
    assert.throws(() => alice.engine.startCall("nope", ["audio"]), {
      code: "unknown-conversation",
    });
  });
});
