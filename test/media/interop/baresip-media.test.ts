// Media interop with a real peer: baresip 1.0.0 calls our MediaSession (through a minimal
// test-only SIP responder; the call through Kamailio needs our SIP stack). Each side sends its
// own tone; each side's received audio must hold the other's tone; our DTMF must reach baresip.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import wavefile from "wavefile";
import { ToneSource } from "../../../src/media/audio/source.js";
import { WavRecorder } from "../../../src/media/audio/wav-recorder.js";
import { readWavFile } from "../../../src/media/audio/wav-source.js";
import { MediaSession } from "../../../src/media/session/media-session.js";
import { sleep } from "../connect.js";
import { toneWindows } from "../tone-analysis.js";
import { startBaresip } from "./baresip.js";
import { SipResponder } from "./sip-responder.js";

const dir = mkdtempSync(join(tmpdir(), "duet-media-baresip-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("media with baresip", () => {
  for (const srtp of [false, true]) {
    it(`exchanges tones both ways and delivers DTMF${srtp ? " over SRTP (SDES)" : ""}`, {
      timeout: 30_000,
    }, async () => {
      await toneCall(srtp);
    });
  }
});

async function toneCall(srtp: boolean): Promise<void> {
  const callDir = join(dir, srtp ? "srtp" : "plain");
  mkdirSync(callDir);
  const toneWav = join(callDir, "1khz.wav");
  const wav = new wavefile.WaveFile();
  wav.fromScratch(1, 8000, "16", new ToneSource(1000).read(8000 * 10, 8000));
  writeFileSync(toneWav, wav.toBuffer());

  const recorder = new WavRecorder(join(dir, "ours.wav"));
  const media = new MediaSession({
    audioSource: new ToneSource(440),
    audioRecorder: recorder,
    opus: false,
    rtcpIntervalMs: 1000,
    // The SDP goes over plain UDP in this test; claiming TLS here exercises our SRTP against
    // libsrtp (in baresip). A real deployment sets it only for a sips:/TLS dialog.
    secureSignaling: srtp,
  });
  const sip = await SipResponder.open(media);
  const baresip = await startBaresip({
    dir: callDir,
    sourceWav: toneWav,
    srtp,
    dial: `sip:duet@127.0.0.1:${sip.port}`,
    quitAfterSeconds: 6,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      sip.once("answered", resolve);
      sip.once("rejected", reject);
      setTimeout(() => reject(new Error(`baresip did not call:\n${baresip.output()}`)), 4000);
    });
    await sleep(1500);
    media.sendDtmf("42#");
    await baresip.exited;
    const stats = media.statistics().audio!;
    media.close();
    await media.whenClosed();

    // What we heard: baresip's 1 kHz.
    const ours = recorder.recorded;
    const heard = toneWindows(ours.samples, ours.rate, 1000, [440]);
    assert.ok(heard.windows > 100, `we recorded only ${heard.windows * 20} ms`);
    assert.ok(
      heard.withTone >= 0.95 * heard.windows,
      `we heard 1 kHz in ${heard.withTone} of ${heard.windows} windows`,
    );
    assert.ok(stats.rtcpReportsReceived > 0, "baresip sent no RTCP");

    // What baresip heard: sndfile's dump of decoded audio ("-dec" file).
    const dec = readdirSync(baresip.dumpDir).find((f) => f.endsWith("-dec.wav"));
    assert.ok(dec, `no decoded dump from baresip in ${readdirSync(baresip.dumpDir).join(", ")}`);
    const theirs = readWavFile(join(baresip.dumpDir, dec));
    const theyHeard = toneWindows(theirs.samples, theirs.rate, 440, [1000]);
    assert.ok(theyHeard.windows > 100);
    // DTMF replaces audio for its duration (RFC 4733 §2.5.1.2): allow for the three digits.
    assert.ok(
      theyHeard.withTone >= 0.9 * theyHeard.windows,
      `baresip heard 440 Hz in ${theyHeard.withTone} of ${theyHeard.windows}`,
    );
    // baresip logs each RFC 4733 event it receives, start and end.
    const events = [...baresip.output().matchAll(/received event: '\\?(.)' \(end=1\)/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(events, ["4", "2", "#"]);
    assert.ok(stats.roundTripTimeMs !== undefined, "no round-trip time from baresip's reports");
    assert.equal(media.negotiated[0]?.secure, srtp);
    // Every RTP packet authenticated. (baresip 1.0.0 sends a few RTCP packets — an APP packet and
    // its BYE — without SRTCP protection; those are dropped and counted separately.)
    assert.equal(stats.authenticationFailures, 0);
  } finally {
    baresip.stop();
    await baresip.exited;
    media.close();
    sip.close();
  }
}
