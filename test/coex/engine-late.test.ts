// Late and stale correlation, replay and guessing (PROFILE.md §5, §6; acceptance 7 and 8).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ALICE,
  answer,
  BOB,
  deliverAll,
  eventsOf,
  invites,
  MALLORY,
  newClock,
  party,
  ring,
  sends,
  startChat,
} from "./harness.js";

function chat() {
  const { start: _start, ...opened } = startChat();
  return opened;
}

describe("§5 late INVITE after the thread's idle expiry", () => {
  it("within 24 h of the last activity: verified", () => {
    const { clock, alice, bob, aliceConv, bobConv } = chat();
    clock.advance(23 * 3600_000);
    const r = ring(bob, invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!, alice);
    assert.equal(r.conversation, aliceConv);
    assert.equal(r.correlation.level, "verified");
  });

  it("activity in the thread keeps the token alive", () => {
    const { clock, alice, bob, aliceConv, bobConv } = chat();
    clock.advance(20 * 3600_000);
    deliverAll(bob, bob.engine.sendText(bobConv, "still here"), alice);
    clock.advance(20 * 3600_000);
    const r = ring(bob, invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!, alice);
    assert.equal(r.conversation, aliceConv);
    assert.equal(r.correlation.level, "verified");
  });

  it("after 24 h idle: offered uncorrelated (never rejected), the event says token-expired", () => {
    const { clock, alice, bob, aliceConv, bobConv } = chat();
    clock.advance(24 * 3600_000 + 1);
    const call = bob.engine.startCall(bobConv, ["audio"]);
    // the pre-announce is lost (bob's message arrives late), only SIP arrives in time
    const r = ring(bob, invites(call.actions)[0]!, alice);
    assert.notEqual(r.conversation, aliceConv);
    assert.deepEqual(r.correlation, { level: "none", reason: "token-expired" });
    const incoming = eventsOf(r.actions, "call.incoming")[0]!;
    assert.deepEqual(incoming.correlation, { level: "none", reason: "token-expired" });
    assert.equal(eventsOf(r.actions, "correlation.rejected")[0]?.reason, "token-expired");
    assert.equal(sends(r.actions).length, 0, "no echo for an uncorrelated call");
    assert.equal(r.call.state, "ringing");
    assert.equal(
      alice.engine.conversation(r.conversation).peer.jid,
      undefined,
      "the stale Call-Info JID is not trusted",
    );
  });

  it("the idle expiry is the policy's", () => {
    const { clock, alice, bob, bobConv } = chat();
    alice.engine.setPolicy({ expiry: { threadIdleMs: 60_000 } });
    // the token issued before the change keeps its expiry; activity now applies the new one
    deliverAll(bob, bob.engine.sendText(bobConv, "x"), alice);
    clock.advance(60_001);
    const r = ring(bob, invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!, alice);
    assert.equal(r.correlation.reason, "token-expired");
  });
});

describe("§5 late XMPP echo of a SIP-issued token", () => {
  function callFirst() {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const start = alice.engine.startConversation({ sip: BOB.aor }, { media: ["audio"] });
    const aliceCall = invites(start.actions)[0]!.call;
    const atBob = ring(alice, invites(start.actions)[0]!, bob);
    const { calleeActions } = answer(bob, atBob.call.id, alice, aliceCall);
    // bob's handshake is delayed: held back here, delivered later by each test
    return { clock, alice, bob, aliceConv: start.conversation, aliceCall, bobEcho: calleeActions };
  }

  it("within dialog + 15 min grace: verified, IM continues, the ended call stays ended", () => {
    const { clock, alice, bob, aliceConv, aliceCall, bobEcho } = callFirst();
    alice.engine.endCall(aliceCall, "bye");
    clock.advance(15 * 60_000 - 1);
    const got = deliverAll(bob, bobEcho, alice);
    assert.equal(eventsOf(got, "binding.changed")[0]?.binding.level, "verified");
    const conv = alice.engine.conversation(aliceConv);
    assert.equal(conv.calls[0]!.state, "ended");
    assert.equal(eventsOf(got, "call.state").length, 0, "nothing revives the call");
  });

  it("after the grace period: IM only, in a new conversation, with the reason", () => {
    const { clock, alice, bob, aliceConv, aliceCall, bobEcho } = callFirst();
    alice.engine.endCall(aliceCall, "bye");
    clock.advance(15 * 60_000);
    const hs = sends(bobEcho)[0]!;
    const r = alice.engine.receiveMessage({
      from: BOB.self.jid,
      thread: hs.thread,
      body: "sorry, late",
      payload: hs.payload!,
    });
    assert.equal(eventsOf(r.actions, "correlation.rejected")[0]?.reason, "token-expired");
    assert.notEqual(r.conversation, aliceConv);
    assert.equal(eventsOf(r.actions, "message.received")[0]?.message.text, "sorry, late");
    assert.equal(alice.engine.conversation(aliceConv).binding.level, "claimed");
    assert.equal(alice.engine.conversation(aliceConv).calls[0]!.state, "ended");
    assert.equal(alice.engine.conversation(r.conversation!).calls.length, 0);
    assert.ok(bob);
  });

  it("a long call keeps its token valid however long it lasts", () => {
    const { clock, alice, bob, aliceConv, bobEcho } = callFirst();
    clock.advance(48 * 3600_000);
    deliverAll(bob, bobEcho, alice);
    assert.equal(alice.engine.conversation(aliceConv).binding.level, "verified");
  });
});

describe("§5/§6 replay, hijack and guessing", () => {
  it("a token replayed from another SIP identity is never correlated and raises security.alert", () => {
    const { alice, bob, aliceConv, bobConv } = chat();
    const call = bob.engine.startCall(bobConv, ["audio"]);
    const bobInvite = invites(call.actions)[0]!;
    assert.equal(ring(bob, bobInvite, alice).correlation.level, "verified");
    const mallory = party(MALLORY, newClock());
    const r = ring(mallory, bobInvite, alice);
    assert.deepEqual(r.correlation, { level: "none", reason: "token-bound-elsewhere" });
    assert.notEqual(r.conversation, aliceConv);
    const alert = eventsOf(r.actions, "security.alert")[0]!;
    assert.equal(alert.kind, "token-replay");
    assert.equal(alert.from, "sip:mallory@voip.example.test");
    assert.equal(alert.conversation, aliceConv);
    assert.equal(sends(r.actions).length, 0, "nothing sent towards the intruder or bob");
    // the thief's Call-Info (bob's JID) is not believed either
    assert.equal(alice.engine.conversation(r.conversation).peer.jid, undefined);
    // and bob himself still correlates
    assert.equal(ring(bob, bobInvite, alice).correlation.level, "verified");
  });

  it("the first SIP identity to echo binds the token, whoever it is", () => {
    const { alice, bob, bobConv } = chat();
    const bobInvite = invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!;
    const mallory = party(MALLORY, newClock());
    // mallory somehow got the token first (e.g. bob's device leaked it): bound to her
    assert.equal(ring(mallory, bobInvite, alice).correlation.level, "verified");
    const r = ring(bob, bobInvite, alice);
    assert.equal(r.correlation.reason, "token-bound-elsewhere");
    assert.equal(eventsOf(r.actions, "security.alert").length, 1);
  });

  it("once bob's JID advertised his SIP address, only that identity may echo (an on-path thief loses the race)", () => {
    const { alice, bob, aliceConv, bobConv } = chat();
    deliverAll(bob, bob.engine.sendText(bobConv, "hello"), alice); // carries bob's uri
    const bobInvite = invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!;
    const mallory = party(MALLORY, newClock());
    const stolen = ring(mallory, bobInvite, alice);
    assert.deepEqual(stolen.correlation, {
      level: "none",
      reason: "token-from-unexpected-identity",
    });
    assert.equal(
      eventsOf(stolen.actions, "security.alert")[0]?.kind,
      "token-from-unexpected-identity",
    );
    const real = ring(bob, bobInvite, alice);
    assert.equal(real.conversation, aliceConv);
    assert.deepEqual(real.correlation, { level: "verified", reason: "echo" });
  });

  it("a guessed token never matches", () => {
    const { alice, bob, aliceConv, bobConv } = chat();
    const real = invites(bob.engine.startCall(bobConv, ["audio"]).actions)[0]!;
    for (const guess of [
      "AAAAAAAAAAAAAAAAAAAAAA",
      "_____________________w",
      "abcdefghijklmnopqrstuQ",
    ]) {
      const forged = {
        ...real,
        callInfo: real.callInfo!.replace(/echo=[\w-]{22}/, `echo=${guess}`),
      };
      const r = ring(bob, forged, alice, "none");
      assert.equal(r.correlation.reason, "token-unknown");
      assert.notEqual(r.conversation, aliceConv);
    }
  });

  it("a token echoed over the protocol it was issued on is refused", () => {
    const { alice, aliceConv } = chat();
    const tokenA = alice.engine.snapshot().tokens.find((t) => t.conversation === aliceConv)!.value;
    const r = alice.engine.receiveMessage({ from: BOB.self.jid, payload: { echo: tokenA } });
    assert.equal(eventsOf(r.actions, "correlation.rejected")[0]?.reason, "token-wrong-carrier");
    assert.equal(alice.engine.conversation(aliceConv).binding.level, "none");
  });
});
