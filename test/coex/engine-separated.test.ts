// Separated peers (PROFILE.md §0) and the rule that no address is ever derived from the other
// protocol's (seed draft §1): everything must work normally, with no correlation.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
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

describe("separated peers", () => {
  it("a plain SIP phone calling alice: uncorrelated, no XMPP traffic, no Call-Info in the 2xx", () => {
    const alice = party(ALICE, newClock());
    const r = alice.engine.receiveInvite({
      fromUri: "<sip:robert@voip.example.test>;tag=abc",
      viaTrustedProxy: false,
      callInfo: [],
      media: ["audio"],
    });
    assert.deepEqual(r.correlation, { level: "none", reason: "no-correlation-data" });
    assert.equal(sends(r.actions).length, 0);
    const ok = alice.engine.answerCall(r.call.id);
    assert.equal(ok.callInfo, undefined);
    assert.match(ok.sessionId, /^[0-9a-f]{32};remote=0{32}$/);
    assert.equal(sends(ok.actions).length, 0);
    alice.engine.endCall(r.call.id, "bye");
    // calling back lands in the same SIP-only conversation (one conversation per peer)
    const again = alice.engine.startConversation(
      { sip: "sip:robert@voip.example.test" },
      { media: ["audio"] },
    );
    assert.equal(again.conversation, r.conversation);
    assert.equal(alice.engine.conversation(r.conversation).calls.length, 2);
  });

  it("alice calling a plain phone: the 2xx without Call-Info changes nothing", () => {
    const alice = party(ALICE, newClock());
    const start = alice.engine.startConversation(
      { sip: "sip:+15550100@voip.example.test" },
      { media: ["audio"] },
    );
    const acts = alice.engine.receiveAnswer(invites(start.actions)[0]!.call, {
      callInfo: ["<http://x.test/a.png>;purpose=icon"],
    });
    assert.equal(sends(acts).length, 0);
    assert.equal(eventsOf(acts, "call.state")[0]?.state, "active");
  });

  it("a plain XMPP client chatting (no thread, no payload): one conversation, replies carry no payload once disco says so", () => {
    const alice = party(ALICE, newClock());
    alice.engine.setPeerFeatures("dave@chat.example.test/slixmpp", [
      "http://jabber.org/protocol/disco#info",
    ]);
    const a = alice.engine.receiveMessage({
      from: "dave@chat.example.test/slixmpp",
      body: "hello",
    });
    const b = alice.engine.receiveMessage({
      from: "dave@chat.example.test/slixmpp",
      body: "again",
    });
    assert.equal(a.conversation, b.conversation);
    const reply = sends(alice.engine.sendText(a.conversation!, "hi dave"));
    assert.equal(reply[0]!.to, "dave@chat.example.test/slixmpp");
    assert.equal(reply[0]!.payload, undefined);
    assert.equal(alice.engine.conversation(a.conversation!).binding.level, "none");
  });

  it("malformed payload values from a peer are ignored, never trusted", () => {
    const alice = party(ALICE, newClock());
    const r = alice.engine.receiveMessage({
      from: "bob@chat.example.test/x",
      body: "hi",
      payload: {},
    });
    assert.equal(alice.engine.conversation(r.conversation!).binding.level, "none");
  });
});

describe("no address is derived from the other protocol's", () => {
  it("bob chatting from a plain client and calling from a plain phone stay two unlinked conversations", () => {
    const alice = party(ALICE, newClock());
    const chat = alice.engine.receiveMessage({ from: BOB.self.jid, thread: "t1", body: "hi" });
    const call = alice.engine.receiveInvite({
      fromUri: "<sip:robert@voip.example.test>;tag=1",
      assertedIdentity: "<sip:robert@voip.example.test>",
      viaTrustedProxy: true,
      callInfo: [],
      media: ["audio"],
    });
    assert.notEqual(chat.conversation, call.conversation);
    const snap = alice.engine.snapshot();
    for (const c of snap.conversations) {
      const text = JSON.stringify(c);
      assert.ok(
        !(text.includes("bob@chat.example.test") && text.includes("robert@voip.example.test")),
        text,
      );
    }
    for (const c of snap.contacts) assert.doesNotMatch(JSON.stringify(c), /robert/);
    assert.equal(snap.discovered.length, 0);
    assert.equal(snap.tokens.length, 0);
  });

  it("a caller whose SIP user part equals bob's JID local part is not matched to bob, even right after bob's announcement", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text: "hi" });
    const atBob = deliverAll(alice, start.actions, bob);
    const bobConv = eventsOf(atBob, "message.received")[0]!.conversation;
    // bob pre-announces a call; he has advertised no SIP address of his own to alice...
    deliverAll(
      bob,
      [
        {
          type: "xmpp.send",
          conversation: bobConv,
          to: ALICE.self.jid,
          thread: sends(start.actions)[0]!.thread,
          payload: { session: "ab30317f1a784dc48ff824d0d3715d86" },
        },
      ],
      alice,
    );
    // ...and a sip:bob@voip.example.test (someone else) calls with everything stripped
    const r = alice.engine.receiveInvite({
      fromUri: "<sip:bob@voip.example.test>;tag=1",
      assertedIdentity: "<sip:bob@voip.example.test>",
      viaTrustedProxy: true,
      callInfo: [],
      media: ["audio"],
    });
    assert.notEqual(r.conversation, start.conversation);
    assert.equal(r.correlation.level, "none");
    assert.equal(alice.engine.conversation(start.conversation).peer.sip, undefined);
  });

  it("bob is learned as sip:robert@… only through the profile's mechanisms", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text: "hi" });
    assert.equal(alice.engine.conversation(start.conversation).peer.sip, undefined);
    const atBob = deliverAll(alice, start.actions, bob);
    const bobConv = eventsOf(atBob, "message.received")[0]!.conversation;
    deliverAll(bob, bob.engine.sendText(bobConv, "hello"), alice);
    const peer = alice.engine.conversation(start.conversation).peer;
    assert.equal(peer.sip, "sip:robert@voip.example.test");
    assert.equal(peer.sipSource, "advertised");
    const r = ring(bob, invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!, alice);
    assert.equal(alice.engine.conversation(r.conversation).peer.sipSource, "sip");
  });
});
