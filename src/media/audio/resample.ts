// Sample-rate conversion for mono 16-bit PCM. Linear interpolation, preceded when going down by
// a moving-average low-pass as wide as the ratio, so that a 44.1 kHz file does not fold its
// upper band into the 4 kHz telephone band. Good enough for telephony, cheap enough for many
// streams.

export function resample(input: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate || input.length === 0) return input;
  let source: Float32Array | Int16Array = input;
  if (toRate < fromRate) {
    const width = Math.max(1, Math.round(fromRate / toRate));
    if (width > 1) {
      const smoothed = new Float32Array(input.length);
      let sum = 0;
      for (let i = 0; i < input.length; i++) {
        sum += input[i]!;
        if (i >= width) sum -= input[i - width]!;
        smoothed[i] = sum / Math.min(i + 1, width);
      }
      source = smoothed;
    }
  }
  const outLength = Math.floor((input.length * toRate) / fromRate);
  const out = new Int16Array(outLength);
  const step = fromRate / toRate;
  for (let i = 0; i < outLength; i++) {
    const pos = i * step;
    const j = Math.floor(pos);
    const frac = pos - j;
    const a = source[j]!;
    const b = source[Math.min(j + 1, source.length - 1)]!;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(a + (b - a) * frac)));
  }
  return out;
}
