import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import wavefile from "wavefile";
import { resample } from "../../../src/media/audio/resample.js";
import { SilenceSource, ToneSource } from "../../../src/media/audio/source.js";
import { WavRecorder } from "../../../src/media/audio/wav-recorder.js";
import { readWavFile, WavFileSource } from "../../../src/media/audio/wav-source.js";
import { MediaFileError } from "../../../src/media/errors.js";
import { goertzelPower } from "../tone-analysis.js";

const dir = mkdtempSync(join(tmpdir(), "duet-media-audio-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A stereo 44.1 kHz float WAV holding `freq` Hz on both channels. */
function writeStereoWav(path: string, freq: number, seconds: number): void {
  const rate = 44100;
  const n = Math.round(rate * seconds);
  const ch = Float64Array.from(
    { length: n },
    (_, i) => 0.5 * Math.sin((2 * Math.PI * freq * i) / rate),
  );
  const wav = new wavefile.WaveFile();
  wav.fromScratch(2, rate, "32f", [ch, ch]);
  writeFileSync(path, wav.toBuffer());
}

describe("audio sources and sinks", () => {
  it("a tone keeps its phase across frames", () => {
    const t = new ToneSource(1000, 0.5);
    const a = t.read(160, 8000);
    const b = t.read(160, 8000);
    const joined = new Int16Array([...a, ...b]);
    assert.ok(goertzelPower(joined, 8000, 1000) > 0.05);
    // 1 kHz at 8 kHz repeats every 8 samples: the frame boundary is seamless.
    assert.ok(Math.abs(b[0]! - a[152]!) <= 1);
  });

  it("silence is zeros", () => {
    assert.ok(new SilenceSource().read(160).every((s) => s === 0));
  });

  it("reads a stereo 44.1 kHz float WAV as mono at 8 kHz and 48 kHz", () => {
    const path = join(dir, "stereo.wav");
    writeStereoWav(path, 700, 0.5);
    const src = new WavFileSource(path);
    const at8k = src.read(4000, 8000);
    assert.ok(goertzelPower(at8k.subarray(0, 1600), 8000, 700) > 0.03);
    const src48 = new WavFileSource(path);
    const at48k = src48.read(9600, 48000);
    assert.ok(goertzelPower(at48k, 48000, 700) > 0.03);
    // After the file: silence, unless looping.
    assert.ok(src.read(800, 8000).every((s) => s === 0));
    const looping = new WavFileSource(path, true);
    looping.read(4000, 8000);
    assert.ok(goertzelPower(looping.read(800, 8000), 8000, 700) > 0.03);
  });

  it("says which file is not a WAV", () => {
    const path = join(dir, "not.wav");
    writeFileSync(path, "hello");
    assert.throws(
      () => readWavFile(path),
      (e: unknown) => e instanceof MediaFileError && e.message.includes(path),
    );
    assert.throws(() => readWavFile(join(dir, "missing.wav")), MediaFileError);
  });

  it("records to a WAV file that reads back the same", async () => {
    const path = join(dir, "rec.wav");
    const rec = new WavRecorder(path);
    const tone = new ToneSource(440).read(8000, 8000);
    rec.write(tone, 8000);
    rec.write(new Int16Array(320), 16000); // resampled to the first rate: 160 samples
    await rec.close();
    const back = readWavFile(path);
    assert.equal(back.rate, 8000);
    assert.equal(back.samples.length, 8160);
    assert.deepEqual([...back.samples.subarray(0, 100)], [...tone.subarray(0, 100)]);
  });

  it("resamples by the rate ratio, keeping a tone", () => {
    const tone = new ToneSource(300).read(48000, 48000);
    const down = resample(tone, 48000, 8000);
    assert.equal(down.length, 8000);
    assert.ok(goertzelPower(down, 8000, 300) > 0.02);
  });
});
