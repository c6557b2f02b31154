// Randomness is injected so that tests can be deterministic where they need to be; the
// default is the platform CSPRNG (Web Crypto, present in Node >= 20 and in browsers).

export type RandomBytes = (length: number) => Uint8Array;

export const cryptoRandomBytes: RandomBytes = (length) => {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
};

export function randomHex(random: RandomBytes, bytes: number): string {
  return [...random(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
