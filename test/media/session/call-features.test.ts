// Two MediaSessions on real UDP sockets, SDP exchanged directly: DTMF, hold and resume, and
// video added to an audio call by re-offer.

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ToneSource } from "../../../src/media/audio/source.js";
import { WavRecorder } from "../../../src/media/audio/wav-recorder.js";
import { MediaSession } from "../../../src/media/session/media-session.js";
import { IvfRecorder, parseIvf, serializeIvf } from "../../../src/media/video/ivf.js";
import { negotiate, sleep, within } from "../connect.js";
import { toneWindows } from "../tone-analysis.js";

const dir = mkdtempSync(join(tmpdir(), "duet-media-features-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function waitFor(what: string, check: () => boolean, limitMs = 5000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}

describe("call features between two sessions", () => {
  it("reports DTMF digits in the order sent, then RTCP BYE on hang-up", async () => {
    const a = new MediaSession({ audioSource: new ToneSource(440), opus: false });
    const b = new MediaSession({ opus: false });
    try {
      const digits: string[] = [];
      b.on("dtmf", (d) => digits.push(d));
      await negotiate(a, b);
      a.sendDtmf("159#*0D", 80);
      assert.throws(() => a.sendDtmf("x"), /not a DTMF digit/);
      await waitFor("the digits to go out", () => !a.sendingDtmf);
      await sleep(150);
      assert.equal(digits.join(""), "159#*0D");
      // Hanging up sends RTCP BYE (RFC 3550 §6.6): the other side hears of it.
      const bye = new Promise<string>((resolve) => b.once("bye", resolve));
      a.close();
      assert.equal(await within(bye, 5000, "RTCP BYE from A"), "audio");
    } finally {
      a.close();
      b.close();
    }
  });

  it("stops and restarts media in the right direction on hold and resume", async () => {
    const a = new MediaSession({ audioSource: new ToneSource(440), opus: false });
    const b = new MediaSession({ audioSource: new ToneSource(1000), opus: false });
    const received = () => ({
      atA: a.statistics().audio?.packetsReceived ?? 0,
      atB: b.statistics().audio?.packetsReceived ?? 0,
    });
    try {
      await negotiate(a, b);
      await sleep(300);
      a.hold();
      await negotiate(a, b); // A offers sendonly, B answers recvonly (RFC 3264 §8.4)
      assert.equal(a.statistics().audio?.direction, "sendonly");
      assert.equal(b.statistics().audio?.direction, "recvonly");
      await sleep(100); // packets already in flight
      const held = received();
      await sleep(400);
      const later = received();
      assert.equal(later.atA, held.atA, "B kept sending to A while A held the call");
      assert.ok(
        later.atB >= held.atB + 15,
        `A stopped sending on hold (${held.atB} → ${later.atB})`,
      );

      a.resume();
      await negotiate(a, b);
      assert.equal(a.statistics().audio?.direction, "sendrecv");
      await sleep(400);
      const resumed = received();
      assert.ok(resumed.atA >= later.atA + 15, "B did not resume sending to A");
      assert.ok(resumed.atB >= later.atB + 15, "A did not keep sending to B");

      // B holds in turn: now only B → A flows.
      b.hold();
      await negotiate(b, a);
      await sleep(100);
      const bHeld = received();
      await sleep(400);
      const bLater = received();
      assert.equal(bLater.atB, bHeld.atB, "A kept sending to B while B held the call");
      assert.ok(bLater.atA >= bHeld.atA + 15, "B stopped sending on its own hold");
    } finally {
      a.close();
      b.close();
    }
  });

  it("adds video to an audio call by re-offer and records the frames sent", async () => {
    const frames = Array.from({ length: 20 }, (_, i) => ({
      pts: i,
      // Sizes from tiny to several packets (1200-byte payloads), to exercise fragmentation.
      data: randomBytes(i === 0 ? 5000 : 200 + ((i * 377) % 2600)),
    }));
    const ivf = parseIvf(
      serializeIvf({
        fourcc: "VP80",
        width: 320,
        height: 240,
        timebaseNumerator: 1,
        timebaseDenominator: 50,
        frames,
      }),
    );
    const recording = join(dir, "received.ivf");
    const a = new MediaSession({ videoSource: ivf, opus: false });
    const b = new MediaSession({
      videoRecorder: new IvfRecorder(recording, 320, 240),
      opus: false,
    });
    try {
      await negotiate(a, b);
      assert.equal(a.negotiated.length, 1);
      a.addVideo();
      const offer = await a.getDescription();
      assert.match(offer.body, /^m=video \d+ RTP\/AVP 96\r$/m);
      assert.match(
        offer.body,
        /^o=duet \d+ 2 IN IP4/m,
        "a re-offer that changes the session bumps its version",
      );
      await b.setDescription(offer.body, offer.contentType);
      const answer = await b.getDescription();
      await a.setDescription(answer.body, answer.contentType);
      assert.deepEqual(
        a.negotiated.map((p) => [p.media, p.accepted]),
        [
          ["audio", true],
          ["video", true],
        ],
      );
      await waitFor(
        "all frames to arrive",
        () => (b.statistics().video?.framesReceived ?? 0) >= frames.length,
      );
      b.close();
      await b.whenClosed();
      const got = parseIvf(readFileSync(recording));
      assert.equal(got.frames.length, frames.length);
      got.frames.forEach((f, i) => {
        assert.ok(f.data.equals(frames[i]!.data), `frame ${i} differs`);
        // 50 frames/s on a 90 kHz clock: 1800 ticks apart.
        assert.equal(f.pts, i * 1800);
      });

      // And removed again: the m-line stays with port 0 (RFC 3264 §8.2).
      a.removeVideo();
      const third = await a.getDescription();
      assert.match(third.body, /^m=video 0 RTP\/AVP/m);
    } finally {
      a.close();
      b.close();
    }
  });

  it("switches from Opus to G.711 by re-offer and keeps the audio flowing", async () => {
    const heard = new WavRecorder(join(dir, "switch.wav"));
    const a = new MediaSession({ audioSource: new ToneSource(1000) });
    const b = new MediaSession({ audioRecorder: heard });
    try {
      await negotiate(a, b);
      assert.equal(b.statistics().audio?.codec, "opus");
      await sleep(800);
      // A re-offers without Opus (as if its configuration changed): PCMU from then on.
      const offer = await a.getDescription();
      const withoutOpus = offer.body
        .replace(/^(m=audio \d+ RTP\/AVP) 111 /m, "$1 ")
        .replace(/^a=(rtpmap|fmtp):111 .*\r\n/gm, "");
      await b.setDescription(withoutOpus, offer.contentType);
      await a.setDescription((await b.getDescription()).body, "application/sdp");
      assert.equal(a.statistics().audio?.codec, "PCMU");
      const before = b.statistics().audio!.packetsReceived;
      await sleep(800);
      assert.ok(
        b.statistics().audio!.packetsReceived > before + 20,
        "no G.711 packets after the switch",
      );
      const { samples, rate } = heard.recorded;
      assert.equal(rate, 48000); // the recording keeps its first rate; G.711 is resampled into it
      const tail = samples.subarray(samples.length - rate / 2); // the last half second: G.711
      const windows = toneWindows(tail, rate, 1000, [440]);
      assert.ok(
        windows.withTone >= 0.9 * windows.windows,
        `1 kHz in ${windows.withTone} of ${windows.windows}`,
      );
    } finally {
      a.close();
      b.close();
    }
  });
});
