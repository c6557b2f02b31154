// Issue 6 acceptance 4-6 against the sandbox's real servers, with real daemons:
// 4. presence: during a call bob sees alice's SIP contact, media and call='busy' (and the
//    XEP-0108 activity); a plain client (slixmpp) sees dnd and "On the phone"; both revert;
// 5. discovery: bob (in alice's roster) learns alice's JID from her SIP URI; carol (not) gets
//    the same 200 OK without it and alice gets discovery.refused; after policy.set carol does;
// 6. separated peers: baresip calls alice and is called by her; slixmpp chats with her.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { addXmppAccount } from "../../../src/sandbox/index.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { Baresip } from "../../sip/support/baresip.js";
import type { DaemonProcess } from "../support/daemon-process.js";
import { Daemons, sleep } from "../support/pair.js";
import { SlixmppContact } from "../support/plain-peers.js";

describe("integrated endpoint: presence, discovery, separated peers (issue 6, 4-6)", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);
  let alice: DaemonProcess;
  let bob: DaemonProcess;
  let plain: SlixmppContact;
  let plainJid: string;

  before(
    async () => {
      const info = sandbox();
      ({ alice, bob } = await daemons.friends({ alice: { extra: ["--trace", "sip,xmpp"] } }));
      // A plain XMPP user (a fresh account: carol and mallory have roles of their own below).
      const user = `plain-${randomBytes(3).toString("hex")}`;
      plainJid = addXmppAccount(info, user, `${user}-pw`);
      const since = alice.mark;
      plain = await SlixmppContact.start(
        info,
        { jid: plainJid, password: `${user}-pw` },
        info.accounts.alice.jid,
      );
      await alice.waitFor("contact.request", (e) => e.jid === plainJid, { since });
      await alice.rpc.call("contacts.approve", { jid: plainJid, approve: true });
      await plain.line((l) => l.startsWith("PRESENCE available"), 15_000, "alice available");
    },
    { timeout: 90_000 },
  );
  after(() => plain?.stop());

  /** Alice calls bob in their chat and bob answers; `since` is bob's event mark before. */
  async function aliceCallsBob(since: number) {
    const conv = await alice.rpc.call("conversations.start", {
      peer: `xmpp:${sandbox().accounts.bob.jid}`,
    });
    const { call } = await alice.rpc.call("calls.start", {
      conversation: conv.conversation,
      media: ["audio"],
    });
    const ring = await bob.waitFor("call.incoming", () => true, { since });
    await bob.rpc.call("calls.answer", { call: ring.call });
    return { call, ring };
  }

  it("4. presence shows the SIP side and on-the-phone during a call, and reverts after", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const aliceJid = info.accounts.alice.jid;
    const idle = await bob.waitFor(
      "presence.changed",
      (e) => e.jid === aliceJid && e.presence.sip?.call === "idle",
    );
    assert.match(idle.presence.sip!.uri!, /^sip:alice@voip\.example\.test;gr=urn:uuid:/);
    assert.deepEqual(idle.presence.sip!.media, ["audio", "video"]);
    const contacts = await bob.rpc.call("contacts.list", {});
    const a = contacts.contacts.find((c) => c.jid === aliceJid);
    assert.equal(a?.integrated, true, "bob's daemon does not see alice's disco features");

    const b0 = bob.mark;
    const p0 = plain.mark;
    const { call } = await aliceCallsBob(b0);
    const busy = await bob.waitFor(
      "presence.changed",
      (e) => e.jid === aliceJid && e.presence.sip?.call === "busy",
      { since: b0 },
    );
    assert.equal(busy.presence.show, "dnd");
    assert.equal(busy.presence.status, "On the phone");
    await bob.waitFor(
      "presence.changed",
      (e) => e.jid === aliceJid && e.presence.activity === "on_the_phone",
      { since: b0 },
    );
    await plain.line(
      (l) => l.includes("show=dnd") && l.includes("status=On the phone"),
      15_000,
      "dnd / On the phone",
      p0,
    );
    const p1 = plain.mark;
    const b1 = bob.mark;
    await alice.rpc.call("calls.hangup", { call });
    await bob.waitFor(
      "presence.changed",
      (e) => e.jid === aliceJid && e.presence.sip?.call === "idle" && e.presence.show === undefined,
      { since: b1 },
    );
    await bob.waitFor(
      "presence.changed",
      (e) => e.jid === aliceJid && e.presence.activity === undefined,
      { since: b1 },
    );
    await plain.line(
      (l) => l.startsWith("PRESENCE available show=- status=-"),
      15_000,
      "plain available again",
      p1,
    );
  });

  it("4b. a state the user chose is never overridden by on-the-phone", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const aliceJid = info.accounts.alice.jid;
    await alice.rpc.call("presence.set", { show: "away", status: "lunch" });
    const b0 = bob.mark;
    const { call, ring } = await aliceCallsBob(b0);
    const busy = await bob.waitFor(
      "presence.changed",
      (e) => e.jid === aliceJid && e.presence.sip?.call === "busy",
      { since: b0 },
    );
    assert.equal(busy.presence.show, "away");
    assert.equal(busy.presence.status, "lunch");
    await alice.rpc.call("calls.hangup", { call });
    await bob.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended", {
      since: b0,
    });
    await alice.rpc.call("presence.set", { show: "available" });
  });

  it("5. discovery: a roster contact learns the JID; a stranger learns nothing until allowed", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const found = await bob.rpc.call("discover", { sip: info.accounts.alice.aor });
    assert.equal(found.jid, info.accounts.alice.jid);
    // Bob already had a verified chat with alice: what OPTIONS named agrees with her presence.
    assert.equal(found.binding.level, "verified");

    const carol = await daemons.start("carol");
    const a0 = alice.mark;
    const refused = await carol.rpc.call("discover", { sip: info.accounts.alice.aor });
    assert.equal(refused.jid, null);
    assert.equal(refused.binding.level, "none");
    const event = await alice.waitFor("discovery.refused", () => true, { since: a0 });
    assert.equal(event.asker, info.accounts.carol.aor);
    // What carol got on the wire: a normal 200 OK, with no Call-Info at all.
    const answers = alice
      .wire("sip", "out")
      .filter((m) =>
        /^SIP\/2\.0 200[^\n]*\n[\s\S]*CSeq: *\d+ OPTIONS/i.test(m.split("\n").slice(1).join("\n")),
      );
    const toCarol = answers.filter((m) => m.includes("+15550100"));
    assert.ok(toCarol.length > 0, "alice's trace has no OPTIONS answer to carol");
    for (const m of toCarol) assert.doesNotMatch(m, /^Call-Info:/im);
    assert.ok(answers.some((m) => /^Call-Info:.*xmpp:alice@chat\.example\.test/im.test(m)));

    const policy = await alice.rpc.call("policy.set", {
      discovery: { allow: ["roster", info.accounts.carol.aor] },
    });
    assert.deepEqual(policy.discovery.allow, ["roster", info.accounts.carol.aor]);
    const allowed = await carol.rpc.call("discover", { sip: info.accounts.alice.aor });
    assert.equal(allowed.jid, info.accounts.alice.jid);
    assert.equal(allowed.binding.level, "claimed");
    await daemons.stop(carol);
  });

  it("6a. a plain XMPP client chats with alice normally, with no profile payload", {
    timeout: 30_000,
  }, async () => {
    const a0 = alice.mark;
    const p0 = plain.mark;
    const conv = await alice.rpc.call("conversations.start", {
      peer: `xmpp:${plainJid}`,
      text: "hi plain client",
    });
    const got = await plain.line(
      (l) => l.startsWith("GOT hi plain client"),
      15_000,
      "alice's text",
      p0,
    );
    assert.match(got, /THREAD \S+/);
    const reply = await alice.waitFor(
      "message.received",
      (e) => e.message.text === "plain reply: hi plain client",
      { since: a0 },
    );
    assert.equal(reply.conversation, conv.conversation);
    const view = await alice.rpc.call("conversations.get", { conversation: conv.conversation });
    assert.equal(view.binding.level, "none");
    assert.equal(view.peer.sip, undefined);
    // The client sent no caps: it was taken as plain and got no <sip/> payload.
    const sent = alice.wire("xmpp", "out").find((x) => x.includes("hi plain client"));
    assert.ok(sent, "alice's trace lacks her message");
    assert.doesNotMatch(sent, /urn:x-duet:coex/);
  });

  it("6b. baresip calls alice and alice calls baresip, uncorrelated and without errors", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const phone = await Baresip.start({
      aor: info.accounts.mallory.aor,
      password: info.accounts.mallory.password,
      proxy: `sip:${info.sip.host}:${info.sip.udpPort};transport=udp`,
    });
    try {
      await phone.registered();
      const a0 = alice.mark;
      phone.command("dial", info.accounts.alice.aor);
      const ring = await alice.waitFor("call.incoming", () => true, { since: a0 });
      assert.equal(ring.from, info.accounts.mallory.aor);
      assert.deepEqual(ring.correlation, { level: "none", reason: "no-correlation-data" });
      await alice.rpc.call("calls.answer", { call: ring.call });
      await phone.event(["CALL_ESTABLISHED"]);
      await sleep(1000);
      phone.command("hangup");
      const ended = await alice.waitFor(
        "call.state",
        (e) => e.call === ring.call && e.state === "ended",
        { since: a0 },
      );
      assert.equal(ended.reason, "hangup");
      await phone.event(["CALL_CLOSED"]);

      const a1 = alice.mark;
      const conv = await alice.rpc.call("conversations.start", {
        peer: info.accounts.mallory.aor,
        media: ["audio"],
      });
      await phone.event(["CALL_ESTABLISHED"]);
      await alice.waitFor("call.state", (e) => e.call === conv.call && e.state === "active", {
        since: a1,
      });
      await sleep(1000);
      await alice.rpc.call("calls.hangup", { call: conv.call! });
      await phone.event(["CALL_CLOSED"]);
      const view = await alice.rpc.call("conversations.get", { conversation: conv.conversation });
      assert.equal(view.peer.jid, undefined, "a plain phone's call gained a JID");
      assert.equal(view.binding.level, "none");
      // Both calls with the phone are in one conversation: same SIP peer, no JID (§0).
      assert.deepEqual(
        view.calls.map((k) => [k.direction, k.state]),
        [
          ["incoming", "ended"],
          ["outgoing", "ended"],
        ],
      );
      assert.ok(!alice.stderr.some((l) => /"level":"error"/.test(l)), "alice logged an error");
    } finally {
      await phone.stop();
    }
  });
});
