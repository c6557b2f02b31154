// The daemon API's methods and errors on real daemons (issue 6, "The daemon"): status,
// contacts, conversations, DTMF, reject and cancel, policy, and JSON-RPC errors that say what
// is wrong, all through HTTP against `duet daemon` processes on the real sandbox.

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { RpcCallError } from "../../../src/cli/tui/rpc-client.js";
import { useSandbox } from "../../helpers/sandbox.js";
import type { DaemonProcess } from "../support/daemon-process.js";
import { Daemons } from "../support/pair.js";

async function rpcError(p: Promise<unknown>): Promise<RpcCallError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RpcCallError) return e;
    throw e;
  }
  throw new Error("the call succeeded");
}

describe("the daemon API on real daemons", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);
  let alice: DaemonProcess;
  let bob: DaemonProcess;

  before(
    async () => {
      ({ alice, bob } = await daemons.friends());
    },
    { timeout: 60_000 },
  );

  it("status and contacts.list tell the bound addresses and the contact's SIP side", async () => {
    const info = sandbox();
    const s = await alice.rpc.call("status", {});
    assert.equal(s.xmpp.connected, true);
    assert.equal(s.xmpp.jid, `${info.accounts.alice.jid}/duet`);
    assert.equal(s.sip.registered, true);
    assert.equal(s.sip.aor, info.accounts.alice.aor);
    assert.match(s.sip.gruu ?? "", /^sip:alice@voip\.example\.test;gr=urn:uuid:/);
    assert.deepEqual(s.media, ["audio", "video"]);
    assert.equal(s.activeCalls, 0);
    const { contacts } = await alice.rpc.call("contacts.list", {});
    const b = contacts.find((c) => c.jid === info.accounts.bob.jid);
    assert.ok(b);
    assert.equal(b.subscription, "both");
    assert.equal(b.presence?.available, true);
    assert.match(b.presence?.sip?.uri ?? "", /^sip:robert@voip\.example\.test/);
  });

  it("calls.dtmf: the digits arrive at the peer in order", { timeout: 30_000 }, async () => {
    const info = sandbox();
    const b0 = bob.mark;
    const conv = await alice.rpc.call("conversations.start", {
      peer: `xmpp:${info.accounts.bob.jid}`,
      media: ["audio"],
    });
    const ring = await bob.waitFor("call.incoming", () => true, { since: b0 });
    await bob.rpc.call("calls.answer", { call: ring.call });
    await alice.waitFor("call.state", (e) => e.call === conv.call && e.state === "active");
    await alice.rpc.call("calls.dtmf", { call: conv.call!, digits: "159#" });
    const dtmf = () =>
      bob.events
        .slice(b0)
        .flatMap((x) =>
          x.event.type === "call.dtmf" && x.event.call === ring.call ? [x.event.digit] : [],
        );
    const deadline = Date.now() + 10_000;
    while (dtmf().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const digits = dtmf();
    assert.equal(digits.join(""), "159#");
    const { conversations } = await alice.rpc.call("conversations.list", {});
    const summary = conversations.find((c) => c.conversation === conv.conversation);
    assert.deepEqual(summary?.activeCalls, [conv.call]);
    await alice.rpc.call("calls.hangup", { call: conv.call! });
    await bob.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended");
  });

  it("calls.reject with busy ends the caller's call as busy; hangup while ringing cancels", {
    timeout: 30_000,
  }, async () => {
    const info = sandbox();
    const b0 = bob.mark;
    const conv = await alice.rpc.call("conversations.start", {
      peer: `xmpp:${info.accounts.bob.jid}`,
    });
    const first = await alice.rpc.call("calls.start", {
      conversation: conv.conversation,
      media: ["audio"],
    });
    const ring = await bob.waitFor("call.incoming", () => true, { since: b0 });
    await bob.rpc.call("calls.reject", { call: ring.call, reason: "busy" });
    const ended = await alice.waitFor(
      "call.state",
      (e) => e.call === first.call && e.state === "ended",
    );
    assert.equal(ended.reason, "busy");

    const b1 = bob.mark;
    const second = await alice.rpc.call("calls.start", {
      conversation: conv.conversation,
      media: ["audio"],
    });
    const ring2 = await bob.waitFor("call.incoming", () => true, { since: b1 });
    await alice.rpc.call("calls.hangup", { call: second.call });
    const gone = await bob.waitFor(
      "call.state",
      (e) => e.call === ring2.call && e.state === "ended",
      { since: b1 },
    );
    assert.equal(gone.reason, "cancelled");
  });

  it("bad requests get JSON-RPC errors that name the problem", async () => {
    const unknown = await rpcError(alice.rpc.call("calls.answer", { call: "call-nope" }));
    assert.equal(unknown.kind, "unknown-call");
    assert.match(unknown.message, /call-nope/);
    const badPeer = await rpcError(
      alice.rpc.call("conversations.start", { peer: "mailto:bob@example.com" }),
    );
    assert.match(badPeer.message, /xmpp: or sip: URI/);
    const badPolicy = await rpcError(
      alice.rpc.call("policy.set", { discovery: { allow: ["everyone please"] } }),
    );
    assert.match(badPolicy.message, /discovery/);
    const noConv = await rpcError(
      alice.rpc.call("messages.send", { conversation: "conv-nope", text: "x" }),
    );
    assert.equal(noConv.kind, "unknown-conversation");
    // A SIP-only conversation has no XMPP address to write to.
    const sipOnly = await alice.rpc.call("conversations.start", {
      peer: "sip:nobody-here@voip.example.test",
    });
    const noJid = await rpcError(
      alice.rpc.call("messages.send", { conversation: sipOnly.conversation, text: "x" }),
    );
    assert.equal(noJid.kind, "no-xmpp-address");
    const policy = await alice.rpc.call("policy.get", {});
    assert.deepEqual(policy.discovery.allow, ["roster"]);
  });
});
