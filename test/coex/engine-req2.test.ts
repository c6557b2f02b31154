// REQ-2 (PROFILE.md §3.3): call first, then IM in the same conversation; text held while the
// peer's JID is only claimed by its SIP side.
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
} from "./harness.js";

function callFirst() {
  const clock = newClock();
  const alice = party(ALICE, clock);
  const bob = party(BOB, clock);
  const start = alice.engine.startConversation(
    { sip: "sip:robert@voip.example.test" },
    { media: ["audio"] },
  );
  const invite = invites(start.actions)[0]!;
  const atBob = ring(alice, invite, bob);
  return { clock, alice, bob, start, invite, atBob, aliceConv: start.conversation };
}

describe("REQ-2: call first, then IM (PROFILE.md §3.3)", () => {
  it("step 1: INVITE carries Call-Info with alice's full JID, a fresh thread and a token, and a Session-ID", () => {
    const { start, invite, alice, aliceConv } = callFirst();
    assert.equal(sends(start.actions).length, 0, "no XMPP message to anyone: alice knows no JID");
    const thread = alice.engine.conversation(aliceConv).thread;
    assert.ok(
      invite.callInfo?.startsWith(
        `<xmpp:alice@chat.example.test/duet?message;thread=${thread}>;purpose=impp;token=`,
      ),
    );
    assert.ok(!invite.callInfo?.includes("echo="));
    assert.match(invite.sessionId, /^[0-9a-f]{32};remote=0{32}$/);
    assert.equal(invite.target, "sip:robert@voip.example.test");
  });

  it("bob sees the call in a new conversation with alice's JID claimed", () => {
    const { atBob, bob, alice, aliceConv } = callFirst();
    assert.deepEqual(atBob.correlation, { level: "claimed", reason: "jid-in-call-info" });
    const conv = bob.engine.conversation(atBob.conversation);
    assert.equal(
      conv.thread,
      alice.engine.conversation(aliceConv).thread,
      "the conversation lives in alice's thread",
    );
    assert.equal(conv.peer.jid, "alice@chat.example.test");
    assert.equal(conv.peer.jidSource, "call-info");
    assert.equal(conv.peer.sip, "sip:alice@voip.example.test");
    assert.equal(
      sends(atBob.actions).length,
      0,
      "no echo before the answer: alice is not in bob's roster",
    );
  });

  it("steps 2-3: 2xx Call-Info, echoes both ways after the answer, both sides verified", () => {
    const { alice, bob, atBob, start, aliceConv } = callFirst();
    const { ok, calleeActions, callerActions } = answer(
      bob,
      atBob.call.id,
      alice,
      invites(start.actions)[0]!.call,
    );
    assert.match(
      ok.callInfo!,
      /^<xmpp:bob@chat\.example\.test\/duet\?message;thread=[^>]+>;purpose=impp;token=[\w-]{22}$/,
    );
    assert.match(ok.sessionId, new RegExp(`^[0-9a-f]{32};remote=${atBob.call.remoteSession}$`));
    // each side's handshake: only the echo, to the other's full JID, in T
    for (const [acts, to] of [
      [calleeActions, ALICE.self.jid],
      [callerActions, BOB.self.jid],
    ] as const) {
      const hs = sends(acts);
      assert.equal(hs.length, 1);
      assert.equal(hs[0]!.to, to);
      assert.equal(hs[0]!.body, undefined);
      assert.deepEqual(Object.keys(hs[0]!.payload!), ["echo"]);
    }
    assert.deepEqual(alice.engine.conversation(aliceConv).binding, {
      ...alice.engine.conversation(aliceConv).binding,
      level: "claimed",
      reason: "jid-in-call-info",
    });
    const atAlice = deliverAll(bob, calleeActions, alice);
    const atBob2 = deliverAll(alice, callerActions, bob);
    assert.equal(eventsOf(atAlice, "binding.changed")[0]?.binding.level, "verified");
    assert.equal(eventsOf(atBob2, "binding.changed")[0]?.binding.level, "verified");
    assert.equal(eventsOf(atAlice, "conversation.created").length, 0);
    // step 4: plain text in T lands in the call's conversation on both sides
    const text = alice.engine.sendText(aliceConv, "the slides are up");
    const got = deliverAll(alice, text, bob);
    assert.equal(eventsOf(got, "message.received")[0]?.conversation, atBob.conversation);
    assert.equal(bob.engine.conversation(atBob.conversation).calls.length, 1);
  });

  it("text is held until the binding is verified, then released in order", () => {
    const { alice, bob, atBob, start } = callFirst();
    const early = bob.engine.sendText(atBob.conversation, "one");
    assert.equal(sends(early).length, 0);
    assert.equal(eventsOf(early, "message.held")[0]?.message.text, "one");
    bob.engine.sendText(atBob.conversation, "two");
    const { calleeActions, callerActions } = answer(
      bob,
      atBob.call.id,
      alice,
      invites(start.actions)[0]!.call,
    );
    deliverAll(bob, calleeActions, alice);
    assert.equal(
      sends(calleeActions).every((s) => s.body === undefined),
      true,
      "the handshake itself carries no text",
    );
    const released = deliverAll(alice, callerActions, bob);
    const out = sends(released);
    assert.deepEqual(
      out.map((s) => s.body),
      ["one", "two"],
    );
    assert.equal(out[0]!.to, ALICE.self.jid);
    assert.deepEqual(
      eventsOf(released, "message.released").map((e) => e.message.text),
      ["one", "two"],
    );
    const got = deliverAll(bob, released, alice);
    assert.deepEqual(
      eventsOf(got, "message.received").map((e) => e.message.text),
      ["one", "two"],
    );
  });

  it("force sends at once to the unverified JID, and the binding stays claimed", () => {
    const { bob, atBob } = callFirst();
    const forced = bob.engine.sendText(atBob.conversation, "are you there?", { force: true });
    assert.equal(sends(forced)[0]?.to, ALICE.self.jid);
    assert.equal(eventsOf(forced, "message.sent").length, 1);
    assert.equal(bob.engine.conversation(atBob.conversation).binding.level, "claimed");
  });

  it("a roster contact gets the echo before the answer", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    bob.engine.setRoster(["alice@chat.example.test"]);
    const start = alice.engine.startConversation(
      { sip: "sip:robert@voip.example.test" },
      { media: ["audio"] },
    );
    const atBob = ring(alice, invites(start.actions)[0]!, bob);
    assert.equal(sends(atBob.actions).length, 1);
    const ok = bob.engine.answerCall(atBob.call.id);
    assert.equal(sends(ok.actions).length, 0, "echo is sent once");
  });

  it("an INVITE claiming bob's JID (from mallory) never lets text reach bob", () => {
    const clock = newClock();
    const alice = party(ALICE, clock);
    const bob = party(BOB, clock);
    const mallory = party(MALLORY, clock);
    // mallory writes bob's JID into her own Call-Info
    const forged = mallory.engine.startConversation({ sip: ALICE.aor }, { media: ["audio"] });
    const inv = invites(forged.actions)[0]!;
    const claimBob = {
      ...inv,
      callInfo: inv.callInfo!.replace(
        "mallory@chat.example.test/duet",
        "bob@chat.example.test/duet",
      ),
    };
    const atAlice = ring(mallory, claimBob, alice);
    assert.deepEqual(atAlice.correlation, { level: "claimed", reason: "jid-in-call-info" });
    const held = alice.engine.sendText(atAlice.conversation, "secret");
    assert.equal(sends(held).length, 0);
    const ok = alice.engine.answerCall(atAlice.call.id);
    // alice's handshake goes to bob's JID, carries no text; bob's endpoint cannot match it
    const hs = sends(ok.actions);
    assert.equal(hs.length, 1);
    assert.equal(hs[0]!.body, undefined);
    const atBob = deliverAll(alice, ok.actions, bob);
    assert.equal(eventsOf(atBob, "conversation.created").length, 0);
    assert.equal(eventsOf(atBob, "correlation.rejected")[0]?.reason, "token-unknown");
    // mallory has alice's 2xx token; echoing it from her own JID is refused and reported
    const token = /token=([\w-]{22})/.exec(ok.callInfo!)![1]!;
    const r = alice.engine.receiveMessage({
      from: MALLORY.self.jid,
      thread: "t",
      body: "hi",
      payload: { echo: token },
    });
    assert.equal(eventsOf(r.actions, "security.alert")[0]?.kind, "token-from-unexpected-identity");
    assert.notEqual(r.conversation, atAlice.conversation);
    assert.equal(alice.engine.conversation(atAlice.conversation).binding.level, "claimed");
    assert.equal(alice.engine.conversation(atAlice.conversation).messages[0]!.state, "held");
  });

  it("text from the claimed JID without a valid echo does not join the call's conversation", () => {
    const { alice, atBob, bob } = callFirst();
    const r = bob.engine.receiveMessage({
      from: ALICE.self.jid,
      thread: bob.engine.conversation(atBob.conversation).thread,
      body: "hello",
    });
    assert.notEqual(r.conversation, atBob.conversation);
    assert.ok(alice);
  });

  it("a separated callee (no Call-Info in the 2xx) leaves the conversation SIP-only", () => {
    const { alice, start, aliceConv } = callFirst();
    const acts = alice.engine.receiveAnswer(invites(start.actions)[0]!.call, { callInfo: [] });
    assert.equal(sends(acts).length, 0);
    assert.equal(alice.engine.conversation(aliceConv).peer.jid, undefined);
    assert.throws(() => alice.engine.sendText(aliceConv, "x"), { code: "no-xmpp-address" });
  });
});
