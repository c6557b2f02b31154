// Two of our endpoints (src/sip UserAgents, each with a MediaSession behind its hook) call each
// other through Kamailio over UDP: DTMF digits arrive in order; hold and resume by re-INVITE stop
// and restart media in the right direction; video is added to the audio call by re-INVITE and
// the received IVF recording holds the frames sent.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SystemClock } from "../../../src/common/clock.js";
import { ToneSource } from "../../../src/media/audio/source.js";
import { MediaSession } from "../../../src/media/session/media-session.js";
import { OfferAnswerAdapter } from "../../../src/media/session/offer-answer-adapter.js";
import { IvfRecorder, parseIvf, serializeIvf } from "../../../src/media/video/ivf.js";
import { locate, NodeTransportLayer } from "../../../src/sip/transport/index.js";
import { IncomingCall, OutgoingCall, Registration, UserAgent } from "../../../src/sip/ua/index.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { sleep } from "../connect.js";

const dir = mkdtempSync(join(tmpdir(), "duet-media-endpoints-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const frames = Array.from({ length: 25 }, (_, i) => ({
  pts: i,
  data: randomBytes(300 + ((i * 911) % 3000)),
}));
const video = parseIvf(
  serializeIvf({
    fourcc: "VP80",
    width: 320,
    height: 240,
    timebaseNumerator: 1,
    timebaseDenominator: 25,
    frames,
  }),
);

describe("two of our endpoints through Kamailio", () => {
  const sandbox = useSandbox();
  const clock = new SystemClock();
  const recording = join(dir, "bob-received.ivf");
  const aliceMedia = new MediaSession({
    clock,
    audioSource: new ToneSource(440),
    videoSource: video,
    opus: false,
  });
  const bobRecorder = new IvfRecorder(recording, 320, 240);
  const bobMedia = new MediaSession({
    clock,
    audioSource: new ToneSource(1000),
    videoRecorder: bobRecorder,
    opus: false,
  });
  const sides: { ua: UserAgent; transport: NodeTransportLayer }[] = [];
  let bobReg: Registration;
  let call: OutgoingCall;
  let bobCall: IncomingCall | undefined;

  before(
    async () => {
      const info = sandbox();
      const proxy = `sip:${info.sip.host}:${info.sip.udpPort};transport=udp;lr`;
      for (const [who, media] of [
        ["alice", aliceMedia],
        ["bob", bobMedia],
      ] as const) {
        const transport = await NodeTransportLayer.start({ clock, udp: 0, tcp: 0 });
        const acct = info.accounts[who];
        const hook = new OfferAnswerAdapter(media);
        const ua = new UserAgent({
          transport,
          clock,
          aor: acct.aor,
          credentials: { username: acct.sipUser, password: acct.password },
          outboundProxy: proxy,
          resolver: (uri, preferred) => locate(uri, preferred),
          sessionDescription: () => hook,
        });
        sides.push({ ua, transport });
      }
      const bobUa = sides[1]!.ua;
      bobUa.onRequest = (ctx) => {
        if (ctx.request.method === "INVITE") {
          const incoming = new IncomingCall(bobUa, ctx);
          bobCall = incoming;
          void incoming.accept();
        } else ctx.reply(200);
      };
      bobReg = new Registration(bobUa, { expires: 120 });
      await bobReg.register();
      call = await OutgoingCall.start(sides[0]!.ua, info.accounts.bob.aor);
      await call.accepted;
    },
    { timeout: 30_000 },
  );

  // Runs after the sandbox's own after() has stopped Kamailio: local clean-up only.
  after(async () => {
    bobReg?.stop();
    aliceMedia.close();
    bobMedia.close();
    for (const side of sides) {
      await side.ua.close();
      await side.transport.close();
    }
  });

  it("reports DTMF digits in the order sent", { timeout: 30_000 }, async () => {
    const digits: string[] = [];
    bobMedia.on("dtmf", (d) => digits.push(d));
    aliceMedia.sendDtmf("2580*#");
    while (aliceMedia.sendingDtmf) await sleep(20);
    await sleep(150);
    assert.equal(digits.join(""), "2580*#");
  });

  it("holds and resumes by re-INVITE, stopping the right direction", {
    timeout: 30_000,
  }, async () => {
    const received = () => ({
      atAlice: aliceMedia.statistics().audio!.packetsReceived,
      atBob: bobMedia.statistics().audio!.packetsReceived,
    });
    aliceMedia.hold();
    assert.equal((await call.reinvite()).status, 200);
    assert.equal(aliceMedia.negotiated[0]?.direction, "sendonly");
    assert.equal(bobMedia.negotiated[0]?.direction, "recvonly");
    await sleep(100);
    const held = received();
    await sleep(400);
    const later = received();
    assert.equal(later.atAlice, held.atAlice, "bob kept sending while alice held the call");
    assert.ok(later.atBob >= held.atBob + 15, "alice stopped sending on her own hold");

    aliceMedia.resume();
    assert.equal((await call.reinvite()).status, 200);
    assert.equal(aliceMedia.negotiated[0]?.direction, "sendrecv");
    await sleep(400);
    const resumed = received();
    assert.ok(resumed.atAlice >= later.atAlice + 15, "bob did not resume sending");
  });

  it("adds video by re-INVITE and bob records the frames alice sent", {
    timeout: 30_000,
  }, async () => {
    aliceMedia.addVideo();
    assert.equal((await call.reinvite()).status, 200);
    assert.deepEqual(
      aliceMedia.negotiated.map((p) => [p.media, p.accepted]),
      [
        ["audio", true],
        ["video", true],
      ],
    );
    const end = Date.now() + 5000;
    while ((bobMedia.statistics().video?.framesReceived ?? 0) < frames.length && Date.now() < end)
      await sleep(50);
    const got = bobRecorder.recordedFrames;
    assert.equal(got.length, frames.length);
    got.forEach((f, i) => {
      assert.ok(f.data.equals(frames[i]!.data), `frame ${i} differs`);
    });
  });

  it("hangs up: bob sees the BYE and both media sessions end", { timeout: 30_000 }, async () => {
    assert.ok(bobCall, "bob never saw the call");
    assert.equal(await call.bye(), 200);
    assert.deepEqual(await bobCall.ended, { reason: "remote-bye" });
    // The SIP stack closes the hook when a call ends, which ends the media (RTCP BYE, sockets)
    // and writes the recordings.
    assert.equal(aliceMedia.isClosed, true);
    assert.equal(bobMedia.isClosed, true);
    await bobMedia.whenClosed();
    const written = parseIvf(readFileSync(recording));
    assert.equal(written.frames.length, frames.length);
    assert.ok(written.frames.every((f, i) => f.data.equals(frames[i]!.data)));
  });
});
