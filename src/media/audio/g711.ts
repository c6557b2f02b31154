// G.711 (ITU-T G.711, 1988) µ-law and A-law companding between 16-bit linear PCM and 8-bit
// codes, the payloads of RTP payload types 0 (PCMU) and 8 (PCMA) (RFC 3551 §4.5.14).
// Encoding uses full 64 K tables (one byte per 16-bit sample) because a server runs hundreds of
// streams and a lookup is the cheapest encode there is.

const MULAW_BIAS = 0x84;
const MULAW_CLIP = 32635;

function linearToMulaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let magnitude = Math.min(sign ? -sample : sample, MULAW_CLIP) + MULAW_BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (magnitude & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (magnitude >> (exponent + 3)) & 0x0f;
  magnitude = sign | (exponent << 4) | mantissa;
  return ~magnitude & 0xff;
}

function mulawToLinear(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + MULAW_BIAS) << exponent) - MULAW_BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

function linearToAlaw(sample: number): number {
  // A-law works on 13-bit magnitudes; even bits are inverted on the wire (G.711 §A.2).
  const sign = sample >= 0 ? 0x80 : 0;
  let magnitude = sample >= 0 ? sample : -sample - 1;
  magnitude = Math.min(magnitude, 32767) >> 3;
  let code: number;
  if (magnitude < 32) {
    code = magnitude >> 1;
  } else {
    let exponent = 1;
    while (magnitude >= 64 << (exponent - 1) && exponent < 7) exponent++;
    code = (exponent << 4) | ((magnitude >> exponent) & 0x0f);
  }
  return (code | sign) ^ 0x55;
}

function alawToLinear(code: number): number {
  const a = code ^ 0x55;
  const exponent = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  let magnitude: number;
  if (exponent === 0) magnitude = (mantissa << 4) + 8;
  else magnitude = ((mantissa << 4) + 0x108) << (exponent - 1);
  return a & 0x80 ? magnitude : -magnitude;
}

function buildEncodeTable(encode: (s: number) => number): Uint8Array {
  const table = new Uint8Array(65536);
  for (let i = 0; i < 65536; i++) table[i] = encode(i < 32768 ? i : i - 65536);
  return table;
}

function buildDecodeTable(decode: (c: number) => number): Int16Array {
  const table = new Int16Array(256);
  for (let i = 0; i < 256; i++) table[i] = decode(i);
  return table;
}

const MULAW_ENCODE = buildEncodeTable(linearToMulaw);
const MULAW_DECODE = buildDecodeTable(mulawToLinear);
const ALAW_ENCODE = buildEncodeTable(linearToAlaw);
const ALAW_DECODE = buildDecodeTable(alawToLinear);

export type G711Law = "PCMU" | "PCMA";

export function encodeG711(law: G711Law, pcm: Int16Array): Buffer {
  const table = law === "PCMU" ? MULAW_ENCODE : ALAW_ENCODE;
  const out = Buffer.allocUnsafe(pcm.length);
  for (let i = 0; i < pcm.length; i++) out[i] = table[pcm[i]! & 0xffff]!;
  return out;
}

export function decodeG711(law: G711Law, payload: Uint8Array): Int16Array {
  const table = law === "PCMU" ? MULAW_DECODE : ALAW_DECODE;
  const out = new Int16Array(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = table[payload[i]!]!;
  return out;
}
