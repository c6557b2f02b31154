// Identifiers the UA invents: tags (§19.3, ≥32 bits of randomness), branches with the magic
// cookie (§8.1.1.7), Call-IDs (§8.1.1.4), Session-IDs (RFC 7989 §4: 32 lower-case hex digits)
// and instance UUIDs (RFC 5626 §4.1). WebCrypto's getRandomValues exists in Node and browsers.
import { BRANCH_COOKIE } from "../message/index.js";

export function randomHex(bytes: number): string {
  const b = new Uint8Array(bytes);
  globalThis.crypto.getRandomValues(b);
  let out = "";
  for (const x of b) out += x.toString(16).padStart(2, "0");
  return out;
}

export const newTag = (): string => randomHex(6);
export const newBranch = (): string => `${BRANCH_COOKIE}${randomHex(10)}`;
export const newCallId = (): string => randomHex(12);
export const newSessionId = (): string => randomHex(16);
/** RFC 7989 §7: the null UUID stands for a remote Session-ID not known yet. */
export const NULL_SESSION_ID = "00000000000000000000000000000000";

export function newUuid(): string {
  const h = randomHex(16).split("");
  h[12] = "4";
  h[16] = ((Number.parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16);
  const s = h.join("");
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
