// Two MediaSessions on real UDP sockets (127.0.0.1), connected by exchanging their SDP directly:
// each sends its own tone and records what it receives; frequency analysis of the recordings
// must find the other side's tone in at least 95% of each recording, and the recordings must
// span the call.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import wavefile from "wavefile";
import { ToneSource } from "../../../src/media/audio/source.js";
import { WavRecorder } from "../../../src/media/audio/wav-recorder.js";
import { readWavFile, WavFileSource } from "../../../src/media/audio/wav-source.js";
import { MediaSession } from "../../../src/media/session/media-session.js";
import { negotiate, sleep } from "../connect.js";
import { toneWindows } from "../tone-analysis.js";

const dir = mkdtempSync(join(tmpdir(), "duet-media-tones-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function toneCall(opus: boolean, seconds: number) {
  const aWav = join(dir, `a-${opus}.wav`);
  const bWav = join(dir, `b-${opus}.wav`);
  const a = new MediaSession({
    audioSource: new ToneSource(440),
    audioRecorder: new WavRecorder(aWav),
    opus,
    rtcpIntervalMs: 500,
  });
  const b = new MediaSession({
    audioSource: new ToneSource(1000),
    audioRecorder: new WavRecorder(bWav),
    opus,
    rtcpIntervalMs: 500,
  });
  try {
    await negotiate(a, b);
    const started = performance.now();
    await sleep(seconds * 1000);
    const callMs = performance.now() - started;
    const stats = { a: a.statistics(), b: b.statistics() };
    a.close();
    b.close();
    await Promise.all([a.whenClosed(), b.whenClosed()]);
    return { callMs, stats, a: readWavFile(aWav), b: readWavFile(bWav) };
  } finally {
    a.close();
    b.close();
  }
}

describe("two sessions exchanging tones", () => {
  for (const opus of [false, true]) {
    it(`each recording holds the other's tone (${opus ? "Opus" : "G.711"})`, async () => {
      const call = await toneCall(opus, 4);
      assert.equal(call.stats.a.audio?.codec, opus ? "opus" : "PCMU");
      const atA = toneWindows(call.a.samples, call.a.rate, 1000, [440]);
      const atB = toneWindows(call.b.samples, call.b.rate, 440, [1000]);
      // The tone must fill 95% of each recording, and the recording must span 95% of the call.
      // Frames our own process skipped while starved of CPU by other work (the playout catches
      // up without them: the audio is delayed, not lost) count as spanned; the jitter buffer's
      // start-up delay does not.
      for (const [who, heard, stats] of [
        ["A", atA, call.stats.a.audio!],
        ["B", atB, call.stats.b.audio!],
      ] as const) {
        assert.ok(
          heard.withTone >= 0.95 * heard.windows,
          `${who} heard the tone in ${heard.withTone} of ${heard.windows} windows`,
        );
        const spanned = (heard.windows + stats.playoutSkippedFrames) * 20;
        assert.ok(
          spanned >= 0.95 * call.callMs,
          `${who} recorded ${heard.windows * 20} ms (+${stats.playoutSkippedFrames} frames skipped, worst pacing delay ${stats.maxLateMs.toFixed(0)} ms) of a ${call.callMs.toFixed(0)} ms call`,
        );
      }
      // And neither hears its own tone back.
      assert.ok(
        toneWindows(call.a.samples, call.a.rate, 440, [1000]).withTone < atA.windows * 0.05,
      );
      assert.equal(call.stats.a.audio?.packetsLost, 0);
    });
  }

  it("plays a 44.1 kHz stereo WAV file into the call, heard at 8 kHz on the other side", async () => {
    const source = join(dir, "stereo.wav");
    const rate = 44100;
    const tone = Float64Array.from(
      { length: rate * 3 },
      (_, i) => 0.4 * Math.sin((2 * Math.PI * 700 * i) / rate),
    );
    const wav = new wavefile.WaveFile();
    wav.fromScratch(2, rate, "32f", [tone, tone]);
    writeFileSync(source, wav.toBuffer());
    const heard = new WavRecorder(join(dir, "heard.wav"));
    const a = new MediaSession({ audioSource: new WavFileSource(source), opus: false });
    const b = new MediaSession({ audioRecorder: heard, opus: false });
    try {
      await negotiate(a, b);
      await sleep(2000);
      const { samples, rate: got } = heard.recorded;
      assert.equal(got, 8000);
      const windows = toneWindows(samples, got, 700, [440, 1000]);
      assert.ok(
        windows.withTone >= 0.95 * windows.windows,
        `700 Hz in ${windows.withTone} of ${windows.windows}`,
      );
    } finally {
      a.close();
      b.close();
    }
  });
});
