// Issue 8 acceptance on a running endpoint: with the profile's mechanisms switched off by
// configuration (`coex.enabled: false`), alice's daemon does not know bob's SIP address from
// his JID, nor his JID from his SIP address, although bob's own daemon speaks the profile and
// the two are contacts who chat and call. Nothing maps one address to the other.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { useSandbox } from "../../helpers/sandbox.js";
import type { DaemonProcess } from "../support/daemon-process.js";
import { Daemons } from "../support/pair.js";

describe("the profile switched off (issue 8)", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);
  let alice: DaemonProcess;
  let bob: DaemonProcess;

  before(
    async () => {
      const info = sandbox();
      const config = JSON.parse(readFileSync(info.accounts.alice.config, "utf8")) as object;
      const off = join(daemons.root, "alice-profile-off.json");
      writeFileSync(off, JSON.stringify({ ...config, coex: { enabled: false } }), { mode: 0o600 });
      ({ alice, bob } = await daemons.friends({ alice: { config: off } }));
    },
    { timeout: 60_000 },
  );

  it("chat: alice learns bob's JID only; presence shows her nothing of his SIP side", {
    timeout: 30_000,
  }, async () => {
    const info = sandbox();
    const a0 = alice.mark;
    const bobConv = await bob.rpc.call("conversations.start", {
      peer: `xmpp:${info.accounts.alice.jid}`,
      text: "my SIP address is in this message's payload",
    });
    assert.ok(bobConv.message);
    const got = await alice.waitFor("message.received", () => true, { since: a0 });
    const view = await alice.rpc.call("conversations.get", { conversation: got.conversation });
    assert.equal(view.peer.jid, info.accounts.bob.jid);
    assert.equal(view.peer.sip, undefined, "alice learned bob's SIP address from his chat");
    const { contacts } = await alice.rpc.call("contacts.list", {});
    const b = contacts.find((c) => c.jid === info.accounts.bob.jid)!;
    assert.equal(b.presence?.available, true);
    assert.equal(b.presence?.sip, undefined, "alice took bob's SIP address from his presence");
    // Without a SIP address alice cannot call him from the chat: the error says why.
    await assert.rejects(
      alice.rpc.call("calls.start", { conversation: got.conversation, media: ["audio"] }),
      /SIP address is not known/,
    );
  });

  it("calls: bob's call and his Call-Info teach alice nothing of his JID", {
    timeout: 30_000,
  }, async () => {
    const info = sandbox();
    const a0 = alice.mark;
    const b0 = bob.mark;
    // Bob knows alice's SIP address only from her SIP URI given by the user.
    const call = await bob.rpc.call("conversations.start", {
      peer: info.accounts.alice.aor,
      media: ["audio"],
    });
    const ring = await alice.waitFor("call.incoming", () => true, { since: a0 });
    assert.deepEqual(ring.correlation, { level: "none", reason: "no-correlation-data" });
    await alice.rpc.call("calls.answer", { call: ring.call });
    await bob.waitFor("call.state", (e) => e.call === call.call && e.state === "active", {
      since: b0,
    });
    const view = await alice.rpc.call("conversations.get", { conversation: ring.conversation });
    assert.equal(view.peer.sip, info.accounts.bob.aor);
    assert.equal(view.peer.jid, undefined, "alice learned bob's JID from his INVITE");
    assert.equal(view.binding.level, "none");
    await bob.rpc.call("calls.hangup", { call: call.call! });
    await alice.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended", {
      since: a0,
    });
    // And asking: OPTIONS to bob's SIP URI gives alice no JID either.
    const found = await alice.rpc.call("discover", { sip: info.accounts.bob.aor });
    assert.equal(found.jid, null);
    // The conversations stay apart: no conversation holds both of bob's addresses.
    const all = await alice.rpc.call("conversations.list", {});
    assert.ok(all.conversations.every((c) => !(c.peer.jid && c.peer.sip)));
  });
});
