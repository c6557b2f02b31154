// A WAV file as an audio source: any sample rate, channel count and PCM/float format wavefile
// reads, mixed down to mono and resampled to what the codec asks for.

import { readFileSync } from "node:fs";
import wavefile from "wavefile";
import { MediaFileError } from "../errors.js";
import { resample } from "./resample.js";
import type { AudioSource } from "./source.js";

export interface DecodedWav {
  readonly rate: number;
  readonly samples: Int16Array;
}

/** Reads a WAV file into mono 16-bit PCM at its own rate. */
export function readWavFile(path: string): DecodedWav {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (cause) {
    throw new MediaFileError(`cannot read WAV file ${path}: ${String(cause)}`, { cause });
  }
  const wav = new wavefile.WaveFile();
  try {
    wav.fromBuffer(bytes);
    // Converts µ-law, A-law, 8/24/32-bit and float data alike to 16-bit linear.
    wav.toBitDepth("16");
  } catch (cause) {
    throw new MediaFileError(
      `${path} is not a WAV file wavefile can read (${String(cause)}); use PCM, float, A-law or µ-law`,
      { cause },
    );
  }
  const fmt = wav.fmt as { numChannels: number; sampleRate: number };
  const channels = wav.getSamples(false, Int16Array) as unknown as Int16Array[] | Int16Array;
  const planes = fmt.numChannels > 1 ? (channels as Int16Array[]) : [channels as Int16Array];
  const length = planes[0]?.length ?? 0;
  const mono = new Int16Array(length);
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (const plane of planes) sum += plane[i]!;
    mono[i] = Math.round(sum / planes.length);
  }
  return { rate: fmt.sampleRate, samples: mono };
}

/** Plays a WAV file, then silence (or loops it). Resampled once per codec rate and cached. */
export class WavFileSource implements AudioSource {
  private readonly decoded: DecodedWav;
  private readonly byRate = new Map<number, Int16Array>();
  private position = 0; // in seconds-independent units: samples at the last rate used
  private lastRate = 0;

  constructor(
    path: string,
    private readonly loop = false,
  ) {
    this.decoded = readWavFile(path);
  }

  read(samples: number, rate: number): Int16Array {
    let data = this.byRate.get(rate);
    if (!data) {
      data = resample(this.decoded.samples, this.decoded.rate, rate);
      this.byRate.set(rate, data);
    }
    if (this.lastRate !== 0 && this.lastRate !== rate) {
      // A codec change mid-call: carry on from the same moment in the file.
      this.position = Math.round((this.position * rate) / this.lastRate);
    }
    this.lastRate = rate;
    const out = new Int16Array(samples);
    for (let i = 0; i < samples; i++) {
      if (this.position >= data.length) {
        if (!this.loop || data.length === 0) break;
        this.position = 0;
      }
      out[i] = data[this.position++]!;
    }
    return out;
  }
}
