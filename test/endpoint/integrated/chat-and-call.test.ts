// Issue 6 acceptance 1-3, against the sandbox's real Prosody and Kamailio, with two real
// `duet daemon` processes driven only through their API:
// 1. chat first, then bob adds audio: the call rings at alice in the same conversation,
//    verified on both sides, each recording holds the other's tone, and the <sip/> payload is
//    in the first message of the thread only;
// 2. call first by SIP URI: after answer both sides show the peer's JID, verified, and text
//    lands in the call's conversation;
// 3. everything at once, then video added and dropped in the running call.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { parseIvf, serializeIvf } from "../../../src/media/video/ivf.js";
import { useSandbox } from "../../helpers/sandbox.js";
import type { DaemonProcess } from "../support/daemon-process.js";
import { Daemons, sleep, TONES, toneShare } from "../support/pair.js";
import { callThenChat } from "../support/scenarios.js";

const VIDEO = {
  fourcc: "VP80",
  width: 320,
  height: 240,
  timebaseNumerator: 1,
  timebaseDenominator: 25,
  frames: Array.from({ length: 25 }, (_, i) => ({ pts: i, data: randomBytes(200 + i * 37) })),
};
const videoFile = (root: string) => join(root, "bob-video.ivf");

describe("integrated endpoint: chat, calls, media (issue 6, 1-3)", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);
  let alice: DaemonProcess;
  let bob: DaemonProcess;

  before(
    async () => {
      mkdirSync(daemons.root, { recursive: true });
      writeFileSync(videoFile(daemons.root), serializeIvf(VIDEO));
      ({ alice, bob } = await daemons.friends({
        bob: { extra: ["--trace", "xmpp", "--video", `file:${videoFile(daemons.root)}`] },
      }));
    },
    { timeout: 60_000 },
  );

  it("1. chat first: bob adds audio, it rings in the same conversation, verified", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const a0 = alice.mark;
    const b0 = bob.mark;
    const started = await alice.rpc.call("conversations.start", {
      peer: `xmpp:${info.accounts.bob.jid}`,
      text: "hello bob",
    });
    const got = await bob.waitFor("message.received", (e) => e.message.text === "hello bob", {
      since: b0,
    });
    const bobConv = got.conversation;
    // The payload advertised alice's SIP side: bob knows her SIP address now, as a claim.
    const bobView = await bob.rpc.call("conversations.get", { conversation: bobConv });
    assert.equal(bobView.peer.jid, info.accounts.alice.jid);
    assert.equal(bobView.peer.sip, info.accounts.alice.aor);
    await alice.rpc.call("messages.send", { conversation: started.conversation, text: "second" });
    const second = await bob.waitFor("message.received", (e) => e.message.text === "second", {
      since: b0,
    });
    assert.equal(second.conversation, bobConv);
    // On the wire as bob's daemon read it: the <sip/> payload (uri, media, token) is in the
    // first message of the thread only.
    const chats = bob
      .wire("xmpp", "in")
      .filter((x) => x.startsWith("<message") && x.includes("<body>"));
    const first = chats.find((x) => x.includes("hello bob"));
    const later = chats.find((x) => x.includes(">second<"));
    assert.ok(first && later, "bob's trace lacks the two messages");
    const payload = /<sip [^>]*>/.exec(first)?.[0] ?? "";
    assert.match(payload, /xmlns="urn:x-duet:coex:0"/);
    assert.match(payload, /token="[A-Za-z0-9_-]{22}"/);
    assert.match(payload, /uri="sip:alice@voip\.example\.test;gr=/);
    assert.doesNotMatch(later, /<sip /);

    const { call: bobCall } = await bob.rpc.call("calls.start", {
      conversation: bobConv,
      media: ["audio"],
    });
    const ring = await alice.waitFor("call.incoming", () => true, { since: a0 });
    assert.equal(ring.conversation, started.conversation, "the call rang in another conversation");
    assert.deepEqual(ring.correlation, { level: "verified", reason: "echo" });
    assert.equal(ring.from, info.accounts.bob.aor);
    await alice.rpc.call("calls.answer", { call: ring.call });
    await bob.waitFor("call.state", (e) => e.call === bobCall && e.state === "active", {
      since: b0,
    });
    // Bob's side becomes verified by alice's echo (§3.2 step 4).
    await bob.waitFor(
      "binding.changed",
      (e) => e.conversation === bobConv && e.binding.level === "verified",
      { since: b0 },
    );
    const bobCallView = (
      await bob.rpc.call("conversations.get", { conversation: bobConv })
    ).calls.find((k) => k.call === bobCall);
    assert.ok(bobCallView);
    await sleep(4000);
    await bob.rpc.call("calls.hangup", { call: bobCall });
    await alice.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended", {
      since: a0,
    });
    await bob.waitFor("call.state", (e) => e.call === bobCall && e.state === "ended", {
      since: b0,
    });
    await sleep(500);
    const atAlice = toneShare(join(alice.recordDir, `${ring.call}.wav`), TONES.bob, [TONES.alice]);
    const atBob = toneShare(join(bob.recordDir, `${bobCall}.wav`), TONES.alice, [TONES.bob]);
    assert.ok(atAlice >= 0.9, `alice's recording holds bob's tone in only ${atAlice}`);
    assert.ok(atBob >= 0.9, `bob's recording holds alice's tone in only ${atBob}`);
    const aliceView = await alice.rpc.call("conversations.get", {
      conversation: started.conversation,
    });
    assert.equal(aliceView.binding.level, "verified");
    assert.equal(aliceView.calls.length, 1);
    assert.equal(aliceView.calls[0]!.reason, "hangup");
  });

  it("3. everything at once, then video added and dropped by re-INVITE", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const a0 = alice.mark;
    const b0 = bob.mark;
    const started = await bob.rpc.call("conversations.start", {
      peer: `xmpp:${info.accounts.alice.jid}`,
      text: "call you now",
      media: ["audio"],
    });
    assert.ok(started.message && started.call);
    const ring = await alice.waitFor("call.incoming", () => true, { since: a0 });
    const msg = await alice.waitFor("message.received", (e) => e.message.text === "call you now", {
      since: a0,
    });
    assert.equal(ring.conversation, msg.conversation);
    assert.equal(ring.correlation.level, "verified");
    await alice.rpc.call("calls.answer", { call: ring.call });
    await bob.waitFor("call.state", (e) => e.call === started.call && e.state === "active", {
      since: b0,
    });
    await bob.rpc.call("calls.update", { call: started.call!, media: ["audio", "video"] });
    await alice.waitFor("call.state", (e) => e.call === ring.call && e.media.includes("video"), {
      since: a0,
    });
    await sleep(2000);
    const a1 = alice.mark;
    await bob.rpc.call("calls.update", { call: started.call!, media: ["audio"] });
    await alice.waitFor(
      "call.state",
      (e) => e.call === ring.call && e.state === "active" && !e.media.includes("video"),
      { since: a1 },
    );
    const view = await alice.rpc.call("conversations.get", { conversation: ring.conversation });
    const k = view.calls.find((c) => c.call === ring.call)!;
    assert.deepEqual(k.media, ["audio"]);
    await bob.rpc.call("calls.hangup", { call: started.call! });
    await alice.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended", {
      since: a0,
    });
    // What alice recorded while video was on is bob's IVF, frame for frame (it loops).
    await sleep(500);
    const got = parseIvf(readFileSync(join(alice.recordDir, `${ring.call}.ivf`)));
    assert.ok(got.frames.length >= 20, `only ${got.frames.length} video frames arrived`);
    got.frames.forEach((f, i) => {
      assert.ok(f.data.equals(VIDEO.frames[i % 25]!.data), `video frame ${i} differs`);
    });
  });
});

describe("integrated endpoint: call first between fresh endpoints (issue 6, 2)", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);
  let alice: DaemonProcess;
  let bob: DaemonProcess;

  before(
    async () => {
      alice = await daemons.start("alice");
      bob = await daemons.start("bob");
    },
    { timeout: 60_000 },
  );

  it("2. call first by SIP URI: both sides learn the peer's JID, verified; chat joins", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    const r = await callThenChat(info, alice, bob);
    assert.equal(r.alice.level, "verified");
    assert.equal(r.bob.level, "verified");
    assert.deepEqual(r.incoming, { level: "claimed", reason: "jid-in-call-info" });
    assert.equal(r.earlyText, "held");
  });
});
