// Frequency analysis of recorded audio: the Goertzel algorithm measures the power of one
// frequency in a block of samples, which is all a "does this recording hold a 440 Hz tone" check
// needs. Used by `duet demo` to check each call recording for the other side's tone, and by the
// media tests.

/** Power of `frequency` in `samples` (normalised to full scale and block length). */
export function goertzelPower(samples: Int16Array, rate: number, frequency: number): number {
  const k = 2 * Math.cos((2 * Math.PI * frequency) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < samples.length; i++) {
    const s0 = samples[i]! / 32768 + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / (samples.length * samples.length);
}

function energy(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += (samples[i]! / 32768) ** 2;
  return sum / Math.max(1, samples.length);
}

/**
 * Splits the recording into 20 ms windows and counts those where `frequency` carries most of the
 * window's energy and dominates each of `others` tenfold. Returns the count and window length.
 */
export function toneWindows(
  samples: Int16Array,
  rate: number,
  frequency: number,
  others: readonly number[],
): { windows: number; withTone: number; windowMs: number } {
  const size = Math.round(rate * 0.02);
  let windows = 0;
  let withTone = 0;
  for (let at = 0; at + size <= samples.length; at += size) {
    const w = samples.subarray(at, at + size);
    windows++;
    const p = goertzelPower(w, rate, frequency);
    const e = energy(w);
    // A pure sine of mean power e shows as Goertzel power about e/2 here; noise far less.
    if (e < 1e-5 || p < e / 8) continue;
    if (others.some((f) => goertzelPower(w, rate, f) * 10 > p)) continue;
    withTone++;
  }
  return { windows, withTone, windowMs: 20 };
}

/**
 * Share (0 to 1) of a call recording's 20 ms windows in which `frequency` dominates, leaving out
 * `trimMs` at each end (where media starts before symmetric RTP latches and stops at the BYE).
 * 0 when nothing is left to analyse.
 */
export function toneShare(
  samples: Int16Array,
  rate: number,
  frequency: number,
  others: readonly number[],
  trimMs = 200,
): number {
  const trim = Math.round((rate * trimMs) / 1000);
  const inner = samples.subarray(trim, Math.max(trim, samples.length - trim));
  const r = toneWindows(inner, rate, frequency, others);
  return r.windows === 0 ? 0 : r.withTone / r.windows;
}
