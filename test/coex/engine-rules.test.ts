// Smaller rules of the engine not covered by the use-case files.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CoexEngine } from "../../src/coex/engine.js";
import {
  ALICE,
  answer,
  BOB,
  CAROL,
  deliverAll,
  eventsOf,
  invites,
  newClock,
  party,
  ring,
  sends,
  startChat,
} from "./harness.js";

function chat() {
  const { start: _start, ...opened } = startChat();
  deliverAll(opened.bob, opened.bob.engine.sendText(opened.bobConv, "hello"), opened.alice);
  return opened;
}

describe("engine rules", () => {
  it("after the advertised token idled out, the next message advertises a fresh one", () => {
    const { clock, alice, aliceConv } = chat();
    clock.advance(24 * 3600_000 + 1);
    const p = sends(alice.engine.sendText(aliceConv, "back"))[0]!.payload;
    assert.ok(p?.token);
    const old = alice.engine.snapshot().tokens.filter((t) => t.issuedOver === "xmpp");
    assert.equal(old.length, 2);
    assert.notEqual(old[0]!.value, p!.token);
  });

  it("and a call echoing the fresh token is verified again in the same conversation", () => {
    const { clock, alice, bob, aliceConv, bobConv } = chat();
    clock.advance(24 * 3600_000 + 1);
    deliverAll(alice, alice.engine.sendText(aliceConv, "back"), bob);
    const r = ring(bob, invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!, alice);
    assert.equal(r.conversation, aliceConv);
    assert.equal(r.correlation.level, "verified");
  });

  it("a 2xx naming some other JID than the chat peer is ignored", () => {
    const { alice, aliceConv } = chat();
    const call = alice.engine.startCall(aliceConv, ["audio"]);
    const acts = alice.engine.receiveAnswer(call.call, {
      callInfo: [
        "<xmpp:mallory@chat.example.test/x?message;thread=t>;purpose=impp;token=AAAAAAAAAAAAAAAAAAAAAA",
      ],
    });
    assert.equal(sends(acts).length, 0);
    assert.equal(alice.engine.conversation(aliceConv).peer.jid, "bob@chat.example.test");
  });

  it("held messages survive a restart and are released when the binding is verified afterwards", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const start = alice.engine.startConversation({ sip: BOB.aor }, { media: ["audio"] });
    const aliceCall = invites(start.actions)[0]!.call;
    const atBob = ring(alice, invites(start.actions)[0]!, bob);
    bob.engine.sendText(atBob.conversation, "held across restart");
    const { calleeActions, callerActions } = answer(bob, atBob.call.id, alice, aliceCall);
    deliverAll(bob, calleeActions, alice);
    const restarted = {
      person: BOB,
      engine: new CoexEngine({
        self: BOB.self,
        clock,
        snapshot: JSON.parse(JSON.stringify(bob.engine.snapshot())),
      }),
    };
    const released = deliverAll(alice, callerActions, restarted);
    assert.deepEqual(
      sends(released).map((s) => s.body),
      ["held across restart"],
    );
  });

  it("a verified conversation makes a discovery answer verified at once, and counts for the roster rule", () => {
    const { alice, bob, bobConv } = chat();
    // bob calls alice (verified echo): alice now knows bob's SIP identity for sure
    const inv = invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!;
    const r = ring(bob, inv, alice);
    deliverAll(alice, r.actions, bob);
    assert.equal(bob.engine.conversation(bobConv).binding.level, "verified");
    const learned = bob.engine.learnFromOptions(ALICE.aor, [
      "<xmpp:alice@chat.example.test>;purpose=impp",
    ]);
    assert.equal(learned.level, "verified");
    assert.equal(bob.engine.discoveredLink(ALICE.aor)?.reason, "echo");
    // alice's roster rule: bob's SIP identity is known from the verified binding alone
    alice.engine.setRoster([BOB.self.jid]);
    const fresh = party(ALICE, newClock());
    fresh.engine.setRoster([BOB.self.jid]);
    assert.ok(alice.engine.answerOptions({ fromUri: BOB.aor, viaTrustedProxy: false }).callInfo);
    assert.equal(
      fresh.engine.answerOptions({ fromUri: BOB.aor, viaTrustedProxy: false }).callInfo,
      undefined,
      "without presence or a verified binding, a roster JID's SIP address is unknown",
    );
  });

  it("a discovered JID claimed first becomes verified when a token handshake completes later", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    assert.equal(
      bob.engine.learnFromOptions(ALICE.aor, ["<xmpp:alice@chat.example.test>;purpose=impp"]).level,
      "claimed",
    );
    // bob calls alice's SIP URI (REQ-2); alice's echo verifies her JID for bob
    const start = bob.engine.startConversation({ sip: ALICE.aor }, { media: ["audio"] });
    const atAlice = ring(bob, invites(start.actions)[0]!, alice);
    const { calleeActions } = answer(alice, atAlice.call.id, bob, invites(start.actions)[0]!.call);
    const got = deliverAll(alice, calleeActions, bob);
    assert.deepEqual(eventsOf(got, "discovery.learned"), [
      {
        type: "discovery.learned",
        sip: ALICE.aor,
        jid: "alice@chat.example.test",
        level: "verified",
      },
    ]);
    assert.equal(bob.engine.discoveredLink(ALICE.aor)?.reason, "echo");
  });

  it("an outgoing call's Call-Info is well formed even for a thread id the peer chose", () => {
    const alice = party(ALICE, newClock());
    const r = alice.engine.receiveMessage({
      from: CAROL.self.jid,
      thread: "we;ird>thread id",
      body: "hi",
      payload: { uri: CAROL.self.sipUri! },
    });
    const inv = invites(alice.engine.startCall(r.conversation!, ["audio"]).actions)[0]!;
    assert.match(inv.callInfo!, /thread=we%3Bird%3Ethread%20id>;purpose=impp/);
  });

  it("events carry copies: a held message's event still says held after it is released", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const start = alice.engine.startConversation({ sip: BOB.aor }, { media: ["audio"] });
    const atBob = ring(alice, invites(start.actions)[0]!, bob);
    const held = eventsOf(bob.engine.sendText(atBob.conversation, "x"), "message.held")[0]!;
    const { callerActions } = answer(bob, atBob.call.id, alice, invites(start.actions)[0]!.call);
    deliverAll(alice, callerActions, bob);
    assert.equal(held.message.state, "held");
    assert.equal(bob.engine.conversation(atBob.conversation).messages[0]!.state, "sent");
  });
});
