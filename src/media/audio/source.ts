// Where outgoing audio comes from. A source is pulled one frame at a time at the codec's clock
// rate, so one source serves G.711 (8 kHz) and Opus (48 kHz) alike.

export interface AudioSource {
  /** The next `samples` samples of mono 16-bit PCM at `rate` Hz. */
  read(samples: number, rate: number): Int16Array;
}

/** Digital silence. */
export class SilenceSource implements AudioSource {
  read(samples: number): Int16Array {
    return new Int16Array(samples);
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** A steady sine tone; the phase carries over between frames so the tone has no clicks. */
export class ToneSource implements AudioSource {
  private phase = 0;
  private table: { rate: number; period: number; samples: Int16Array; at: number } | undefined;

  constructor(
    readonly frequency: number,
    /** Peak amplitude as a fraction of full scale; -10 dBFS by default. */
    readonly amplitude = 0.316,
  ) {}

  read(samples: number, rate: number): Int16Array {
    // A whole-hertz tone repeats exactly every rate/gcd(rate, f) samples: compute that period
    // once, repeated to cover a frame from any phase, and copy a frame from it in one go, which
    // costs far less than a sine (or a loop) per sample on a busy server.
    if (Number.isInteger(this.frequency) && this.frequency > 0) {
      let t = this.table;
      if (t?.rate !== rate || t.samples.length < t.period + samples) {
        const period = rate / gcd(rate, this.frequency);
        const one = this.compute(period, rate);
        const copies = Math.ceil((period + samples) / period);
        const long = new Int16Array(copies * period);
        for (let i = 0; i < copies; i++) long.set(one, i * period);
        t = { rate, period, samples: long, at: t?.rate === rate ? t.at % period : 0 };
        this.table = t;
      }
      const out = t.samples.slice(t.at, t.at + samples);
      t.at = (t.at + samples) % t.period;
      return out;
    }
    return this.compute(samples, rate);
  }

  private compute(samples: number, rate: number): Int16Array {
    const out = new Int16Array(samples);
    const step = (2 * Math.PI * this.frequency) / rate;
    const peak = this.amplitude * 32767;
    for (let i = 0; i < samples; i++) {
      out[i] = Math.round(peak * Math.sin(this.phase));
      this.phase += step;
    }
    this.phase %= 2 * Math.PI;
    return out;
  }
}
