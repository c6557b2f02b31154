// Issue 6 acceptance 7, 8 and 10 against the sandbox's real servers, with real daemons:
// 7. hostile peers (mallory has valid accounts): a replayed token from mallory's SIP identity
//    is not correlated and raises security.alert; an INVITE in which mallory claims bob's JID
//    makes no text go to bob's JID (it is never verified); a guessed token never matches;
// 8. late: an INVITE echoing a token after the thread's idle expiry is an uncorrelated call
//    with the reason; a message echoing an ended call's token after the grace period opens IM
//    only;
// 10. restart: alice's daemon is SIGKILLed after the chat and restarted; bob's call still lands
//    in the same conversation, verified, and no message is lost.

import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { XmppClient } from "../../../src/xmpp/index.js";
import { xml } from "../../../src/xmpp/xml.js";
import { useSandbox } from "../../helpers/sandbox.js";
import type { DaemonProcess } from "../support/daemon-process.js";
import { befriend, Daemons, sleep } from "../support/pair.js";
import { guessedToken, SipPeer } from "../support/sip-peer.js";

const TOKEN = /token="([A-Za-z0-9_-]{22})"/;

describe("integrated endpoint: hostile peers (issue 6, 7)", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);
  let alice: DaemonProcess;
  let bob: DaemonProcess;
  let mallory: SipPeer;
  let aliceConv: string;
  let tokenForBob: string;

  before(
    async () => {
      const info = sandbox();
      ({ alice, bob } = await daemons.friends({
        alice: { extra: ["--trace", "xmpp"] },
        bob: { extra: ["--trace", "xmpp"] },
      }));
      mallory = await SipPeer.start(info, info.accounts.mallory);
      // Alice chats with bob: her first message carries the token she issued to him.
      const b0 = bob.mark;
      aliceConv = (
        await alice.rpc.call("conversations.start", {
          peer: `xmpp:${info.accounts.bob.jid}`,
          text: "hi bob, token inside",
        })
      ).conversation;
      await bob.waitFor("message.received", (e) => e.message.text === "hi bob, token inside", {
        since: b0,
      });
      const first = bob.wire("xmpp", "in").find((x) => x.includes("hi bob, token inside"))!;
      tokenForBob = TOKEN.exec(first)![1]!;
    },
    { timeout: 90_000 },
  );
  after(() => mallory?.stop());

  it("7a. a token replayed from mallory's SIP identity is not correlated and raises an alert", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    // Bob uses the token first, as intended: his call is verified.
    const a0 = alice.mark;
    const bobConv = (await bob.rpc.call("conversations.list", {})).conversations[0]!.conversation;
    const { call: bobCall } = await bob.rpc.call("calls.start", {
      conversation: bobConv,
      media: ["audio"],
    });
    const legit = await alice.waitFor("call.incoming", () => true, { since: a0 });
    assert.equal(legit.correlation.level, "verified");
    assert.equal(legit.conversation, aliceConv);
    await bob.rpc.call("calls.hangup", { call: bobCall });
    await alice.waitFor("call.state", (e) => e.call === legit.call && e.state === "ended", {
      since: a0,
    });

    // Mallory replays it (as if she had read bob's message on the way).
    const a1 = alice.mark;
    const call = await mallory.invite(info.accounts.alice.aor, [
      `<xmpp:mallory@chat.example.test/evil?message;thread=t1>;purpose=impp;token=${guessedToken()};echo=${tokenForBob}`,
    ]);
    const ring = await alice.waitFor("call.incoming", () => true, { since: a1 });
    assert.equal(ring.from, info.accounts.mallory.aor);
    assert.equal(ring.correlation.level, "none");
    assert.equal(ring.correlation.reason, "token-bound-elsewhere");
    assert.notEqual(ring.conversation, aliceConv, "mallory's call joined alice's chat with bob");
    const alert = await alice.waitFor("security.alert", () => true, { since: a1 });
    assert.equal(alert.kind, "token-replay");
    assert.equal(alert.from, info.accounts.mallory.aor);
    assert.equal(alert.conversation, aliceConv);
    await alice.rpc.call("calls.reject", { call: ring.call, reason: "decline" });
    await call.ended;
  });

  it("7b. mallory claiming bob's JID gets no text sent to bob's JID; it stays claimed", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const a0 = alice.mark;
    const b0 = bob.mark;
    const call = await mallory.invite(info.accounts.alice.aor, [
      `<xmpp:${info.accounts.bob.jid}/duet?message;thread=forged-thread>;purpose=impp;token=${guessedToken()}`,
    ]);
    const ring = await alice.waitFor("call.incoming", () => true, { since: a0 });
    assert.equal(ring.correlation.level, "claimed");
    assert.equal(ring.correlation.reason, "jid-in-call-info");
    await alice.rpc.call("calls.answer", { call: ring.call });
    await call.accepted;
    const sent = await alice.rpc.call("messages.send", {
      conversation: ring.conversation,
      text: "secret for the caller",
    });
    assert.equal(sent.message.state, "held");
    await alice.waitFor("message.held", (e) => e.message.text === "secret for the caller", {
      since: a0,
    });
    await sleep(2000);
    assert.ok(
      !bob.events
        .slice(b0)
        .some(
          (x) =>
            x.event.type === "message.received" && x.event.message.text === "secret for the caller",
        ),
      "the held text reached bob",
    );
    assert.ok(
      !alice.wire("xmpp", "out").some((x) => x.includes("secret for the caller")),
      "the held text went out on the wire",
    );
    const view = await alice.rpc.call("conversations.get", { conversation: ring.conversation });
    assert.equal(view.binding.level, "claimed");
    assert.equal(view.messages.find((m) => m.text === "secret for the caller")?.state, "held");
    // Only the user's explicit choice sends to the merely claimed JID (§3.3 step 3).
    const forced = await alice.rpc.call("messages.send", {
      conversation: ring.conversation,
      text: "sent on purpose",
      force: true,
    });
    assert.equal(forced.message.state, "sent");
    await bob.waitFor("message.received", (e) => e.message.text === "sent on purpose", {
      since: b0,
    });
    await call.bye();
  });

  it("7c. a guessed token never matches", { timeout: 30_000 }, async () => {
    const info = sandbox();
    const a0 = alice.mark;
    const call = await mallory.invite(info.accounts.alice.aor, [
      `<xmpp:mallory@chat.example.test/x?message;thread=t3>;purpose=impp;token=${guessedToken()};echo=${guessedToken()}`,
    ]);
    const ring = await alice.waitFor("call.incoming", () => true, { since: a0 });
    assert.deepEqual(ring.correlation, { level: "none", reason: "token-unknown" });
    assert.notEqual(ring.conversation, aliceConv);
    await alice.rpc.call("calls.reject", { call: ring.call, reason: "busy" });
    const end = await call.ended;
    assert.equal(end.status, 486);
  });
});

describe("integrated endpoint: late correlation (issue 6, 8)", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);

  it("8a. an INVITE echoing a token after the thread idled out is a normal, uncorrelated call", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const alice = await daemons.start("alice", { tag: "alice-8a" });
    const bob = await daemons.start("bob", { tag: "bob-8a" });
    await alice.rpc.call("policy.set", { expiry: { threadIdleMs: 1500 } });
    const b0 = bob.mark;
    const conv = await alice.rpc.call("conversations.start", {
      peer: `xmpp:${info.accounts.bob.jid}`,
      text: "talk later",
    });
    const got = await bob.waitFor("message.received", (e) => e.message.text === "talk later", {
      since: b0,
    });
    await sleep(2500);
    const a0 = alice.mark;
    const { call } = await bob.rpc.call("calls.start", {
      conversation: got.conversation,
      media: ["audio"],
    });
    const ring = await alice.waitFor("call.incoming", () => true, { since: a0 });
    assert.deepEqual(ring.correlation, { level: "none", reason: "token-expired" });
    assert.notEqual(ring.conversation, conv.conversation);
    // Still a normal call: it can be answered and hung up.
    await alice.rpc.call("calls.answer", { call: ring.call });
    await bob.waitFor("call.state", (e) => e.call === call && e.state === "active", { since: b0 });
    await bob.rpc.call("calls.hangup", { call });
    await alice.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended", {
      since: a0,
    });
    await daemons.stopAll();
  });

  it("8b. a message echoing an ended call's token after the grace period opens IM only", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const alice = await daemons.start("alice", { tag: "alice-8b", extra: ["--trace", "sip"] });
    await alice.rpc.call("policy.set", { expiry: { dialogGraceMs: 1500 } });
    // Bob's SIP side is a phone that never echoes; bob's XMPP side is a client the test drives.
    const phone = await SipPeer.start(info, info.accounts.bob, true);
    const bobXmpp = new XmppClient({
      jid: info.accounts.bob.jid,
      password: info.accounts.bob.password,
      resource: "late",
      service: info.xmpp.tcpUrl,
      tls: "none",
    });
    try {
      await bobXmpp.connect();
      const a0 = alice.mark;
      const started = await alice.rpc.call("conversations.start", {
        peer: info.accounts.bob.aor,
        media: ["audio"],
      });
      await alice.waitFor("call.state", (e) => e.call === started.call && e.state === "active", {
        since: a0,
      });
      const invite = alice.wire("sip", "out").find((m) => /^INVITE /.test(m.split("\n")[1] ?? ""))!;
      const info1 =
        /^Call-Info: *<xmpp:([^?>]+)\?message;thread=([^>]+)>;purpose=impp;token=([A-Za-z0-9_-]{22})/im.exec(
          invite,
        );
      assert.ok(info1, "alice's INVITE carried no profile Call-Info");
      const [, aliceJid, thread, token] = info1;
      await alice.rpc.call("calls.hangup", { call: started.call! });
      await alice.waitFor("call.state", (e) => e.call === started.call && e.state === "ended", {
        since: a0,
      });
      await sleep(2500);
      const a1 = alice.mark;
      bobXmpp.messaging.send({
        to: aliceJid!,
        type: "chat",
        body: "sorry, missed you",
        thread: { id: thread! },
        extensions: [xml("sip", { xmlns: "urn:x-duet:coex:0", echo: token! })],
      });
      const msg = await alice.waitFor(
        "message.received",
        (e) => e.message.text === "sorry, missed you",
        {
          since: a1,
        },
      );
      const view = await alice.rpc.call("conversations.get", { conversation: msg.conversation });
      // IM only: the ended call is not revived and the late echo verified nothing.
      assert.ok(view.calls.every((k) => k.state === "ended"));
      assert.equal(view.activeCalls.length, 0);
      assert.notEqual(view.binding.level, "verified");
      assert.ok(
        !alice.events
          .slice(a1)
          .some((x) => x.event.type === "call.state" && x.event.state !== "ended"),
        "a call came back to life",
      );
    } finally {
      await bobXmpp.disconnect();
      await phone.stop();
      await daemons.stopAll();
    }
  });
});

describe("integrated endpoint: restart (issue 6, 10)", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);

  it("10. after SIGKILL and restart, bob's call lands in the same conversation, verified, nothing lost", {
    timeout: 90_000,
  }, async () => {
    const info = sandbox();
    const store = join(daemons.root, "alice-store.sqlite");
    let alice = await daemons.start("alice", { tag: "alice-10", store });
    const bob = await daemons.start("bob", { tag: "bob-10" });
    await befriend(alice, bob);
    const a0 = alice.mark;
    const b0 = bob.mark;
    const conv = await alice.rpc.call("conversations.start", {
      peer: `xmpp:${info.accounts.bob.jid}`,
      text: "before the crash",
    });
    const got = await bob.waitFor(
      "message.received",
      (e) => e.message.text === "before the crash",
      {
        since: b0,
      },
    );
    await bob.rpc.call("messages.send", { conversation: got.conversation, text: "reply 1" });
    await alice.waitFor("message.received", (e) => e.message.text === "reply 1", { since: a0 });

    await alice.kill();
    // While alice's daemon is dead: bob writes again.
    await bob.rpc.call("messages.send", {
      conversation: got.conversation,
      text: "while you were down",
    });
    await sleep(1000);
    alice = await daemons.start("alice", { tag: "alice-10", store });

    await alice.waitFor("message.received", (e) => e.message.text === "while you were down", {
      ms: 20_000,
    });
    const b1 = bob.mark;
    const { call } = await bob.rpc.call("calls.start", {
      conversation: got.conversation,
      media: ["audio"],
    });
    const ring = await alice.waitFor("call.incoming", () => true);
    assert.equal(ring.conversation, conv.conversation);
    assert.deepEqual(ring.correlation, { level: "verified", reason: "echo" });
    await alice.rpc.call("calls.answer", { call: ring.call });
    await bob.waitFor("call.state", (e) => e.call === call && e.state === "active", { since: b1 });
    await bob.rpc.call("calls.hangup", { call });
    await alice.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended");
    const view = await alice.rpc.call("conversations.get", { conversation: conv.conversation });
    const texts = view.messages.map((m) => m.text);
    for (const t of ["before the crash", "reply 1", "while you were down"]) {
      assert.equal(
        texts.filter((x) => x === t).length,
        1,
        `"${t}" is not there exactly once: ${JSON.stringify(texts)}`,
      );
    }
  });
});
