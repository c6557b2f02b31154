// The two basic use cases as steps on two running daemons, shared by the plain run and the
// runs through intermediaries (topology hiding, header stripping).

import assert from "node:assert/strict";
import type { CorrelationView } from "../../../src/endpoint/api/index.js";
import type { SandboxInfo } from "../../../src/sandbox/index.js";
import type { DaemonProcess } from "./daemon-process.js";

/**
 * Chat first (REQ-1): alice writes to bob, bob calls in that conversation; returns how the
 * call was correlated at alice (it rang in the chat's conversation, checked here).
 */
export async function chatThenCall(
  info: SandboxInfo,
  alice: DaemonProcess,
  bob: DaemonProcess,
): Promise<{ atAlice: CorrelationView; bobBinding: CorrelationView }> {
  const a0 = alice.mark;
  const b0 = bob.mark;
  const started = await alice.rpc.call("conversations.start", {
    peer: `xmpp:${info.accounts.bob.jid}`,
    text: "chat first",
  });
  const got = await bob.waitFor("message.received", (e) => e.message.text === "chat first", {
    since: b0,
  });
  const { call } = await bob.rpc.call("calls.start", {
    conversation: got.conversation,
    media: ["audio"],
  });
  const ring = await alice.waitFor("call.incoming", () => true, { since: a0 });
  assert.equal(ring.conversation, started.conversation, "the call rang in another conversation");
  await alice.rpc.call("calls.answer", { call: ring.call });
  await bob.waitFor("call.state", (e) => e.call === call && e.state === "active", { since: b0 });
  // Give the echo (if any) time to arrive before reading bob's binding.
  await new Promise((r) => setTimeout(r, 500));
  const bobView = await bob.rpc.call("conversations.get", { conversation: got.conversation });
  await bob.rpc.call("calls.hangup", { call });
  await alice.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended", {
    since: a0,
  });
  return {
    atAlice: ring.correlation,
    bobBinding: { level: bobView.binding.level, reason: bobView.binding.reason },
  };
}

/**
 * Call first (REQ-2): alice calls bob's SIP URI; after the answer both learn the peer's JID;
 * alice's text lands in bob's call conversation. Returns both bindings.
 */
export async function callThenChat(
  info: SandboxInfo,
  alice: DaemonProcess,
  bob: DaemonProcess,
): Promise<{
  alice: CorrelationView;
  bob: CorrelationView;
  /** How bob's daemon correlated the incoming call. */
  incoming: CorrelationView;
  /** The state bob's text sent before the answer got. */
  earlyText: string;
}> {
  const a0 = alice.mark;
  const b0 = bob.mark;
  const started = await alice.rpc.call("conversations.start", {
    peer: info.accounts.bob.aor,
    media: ["audio"],
  });
  const ring = await bob.waitFor("call.incoming", () => true, { since: b0 });
  assert.equal(ring.from, info.accounts.alice.aor);
  // Before the handshake the caller's JID is only claimed: bob's text is held (§3.3 step 3)
  // and released once the binding is verified; it lands in alice's call conversation.
  const early = await bob.rpc.call("messages.send", {
    conversation: ring.conversation,
    text: "held until verified",
  });
  await bob.rpc.call("calls.answer", { call: ring.call });
  const released = await bob.waitFor(
    "message.released",
    (e) => e.message.text === "held until verified",
    { since: b0 },
  );
  assert.equal(released.conversation, ring.conversation);
  const arrived = await alice.waitFor(
    "message.received",
    (e) => e.message.text === "held until verified",
    { since: a0 },
  );
  assert.equal(arrived.conversation, started.conversation);
  await alice.waitFor(
    "binding.changed",
    (e) => e.conversation === started.conversation && e.binding.level === "verified",
    { since: a0 },
  );
  await bob.waitFor(
    "binding.changed",
    (e) => e.conversation === ring.conversation && e.binding.level === "verified",
    { since: b0 },
  );
  const aView = await alice.rpc.call("conversations.get", { conversation: started.conversation });
  assert.equal(aView.peer.jid, info.accounts.bob.jid);
  const bView = await bob.rpc.call("conversations.get", { conversation: ring.conversation });
  assert.equal(bView.peer.jid, info.accounts.alice.jid);
  await alice.rpc.call("messages.send", { conversation: started.conversation, text: "chat joins" });
  const msg = await bob.waitFor("message.received", (e) => e.message.text === "chat joins", {
    since: b0,
  });
  assert.equal(msg.conversation, ring.conversation);
  await alice.rpc.call("calls.hangup", { call: started.call! });
  await bob.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended", {
    since: b0,
  });
  return {
    alice: { level: aView.binding.level, reason: aView.binding.reason },
    bob: { level: bView.binding.level, reason: bView.binding.reason },
    incoming: ring.correlation,
    earlyText: early.message.state,
  };
}
