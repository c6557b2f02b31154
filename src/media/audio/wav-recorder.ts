// Records received audio to a 16-bit mono WAV file. Samples are kept in memory and written on
// close(), at the rate of the first audio written (later audio at another rate, after a codec
// change, is resampled to it).

import { writeFile } from "node:fs/promises";
import wavefile from "wavefile";
import { MediaFileError } from "../errors.js";
import { resample } from "./resample.js";

export interface AudioSink {
  /** One frame of playout. The array is reused for the next frame: copy what you keep. */
  write(samples: Int16Array, rate: number): void;
  close(): Promise<void>;
}

export class WavRecorder implements AudioSink {
  private readonly chunks: Int16Array[] = [];
  private rate = 0;
  private closed = false;

  constructor(readonly path: string) {}

  write(samples: Int16Array, rate: number): void {
    if (this.closed) return;
    if (this.rate === 0) this.rate = rate;
    this.chunks.push(rate === this.rate ? samples.slice() : resample(samples, rate, this.rate));
  }

  /** Samples recorded so far and their rate. */
  get recorded(): { rate: number; samples: Int16Array } {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const samples = new Int16Array(total);
    let at = 0;
    for (const c of this.chunks) {
      samples.set(c, at);
      at += c.length;
    }
    return { rate: this.rate || 8000, samples };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const { rate, samples } = this.recorded;
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, rate, "16", samples);
    try {
      await writeFile(this.path, wav.toBuffer());
    } catch (cause) {
      throw new MediaFileError(`cannot write WAV recording ${this.path}: ${String(cause)}`, {
        cause,
      });
    }
  }
}
