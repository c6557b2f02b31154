// %-escaping of URI components (RFC 3261 §19.1.2, §25.1 "escaped"; RFC 3986 §2.1).
import { HEX } from "./charsets.js";

const utf8Decoder = new TextDecoder("utf-8", { fatal: false });
const utf8Encoder = new TextEncoder();

function hexValue(c: number): number {
  if (c <= 57) return c - 48;
  if (c <= 70) return c - 55;
  return c - 87;
}

/**
 * Decodes %HH escapes. A '%' not followed by two hex digits is kept literally: RFC 4475 §3.1.1.5
 * shows '%' used where it is not an escape, and a receiver must not fail on it.
 */
export function unescapeComponent(s: string): string {
  let pct = s.indexOf("%");
  if (pct < 0) return s;
  // Escapes of ASCII characters, the usual kind: the text between them plus each character,
  // with no byte array. An escaped octet of 0x80 or more is UTF-8, decoded below.
  let out = "";
  let from = 0;
  for (; pct >= 0; pct = s.indexOf("%", pct + 1)) {
    if (pct + 2 >= s.length) break;
    const hi = s.charCodeAt(pct + 1);
    const lo = s.charCodeAt(pct + 2);
    if (HEX[hi] !== 1 || HEX[lo] !== 1) continue;
    const octet = hexValue(hi) * 16 + hexValue(lo);
    if (octet >= 128) return unescapeBytes(s);
    out += s.slice(from, pct) + String.fromCharCode(octet);
    from = pct + 3;
    pct += 2;
  }
  return out + s.slice(from);
}

/** unescapeComponent for text with escaped UTF-8: via the octets, decoded at once. */
function unescapeBytes(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (
      c === 37 &&
      i + 2 < s.length &&
      HEX[s.charCodeAt(i + 1)] === 1 &&
      HEX[s.charCodeAt(i + 2)] === 1
    ) {
      bytes.push(hexValue(s.charCodeAt(i + 1)) * 16 + hexValue(s.charCodeAt(i + 2)));
      i += 2;
    } else if (c < 128) {
      bytes.push(c);
    } else {
      for (const b of utf8Encoder.encode(s[i] ?? "")) bytes.push(b);
    }
  }
  // Escapes of ASCII characters (the usual case) need no UTF-8 decoding.
  // (Bounded: a spread of a huge array would overflow the argument stack.)
  let ascii = bytes.length <= 1024;
  for (let i = 0; i < bytes.length; i++) {
    if ((bytes[i] as number) >= 128) {
      ascii = false;
      break;
    }
  }
  if (ascii) return String.fromCharCode(...bytes);
  return utf8Decoder.decode(Uint8Array.from(bytes));
}

const HEX_DIGITS = "0123456789ABCDEF";

/** Escapes every character outside `safe` as UTF-8 %HH (strict in what we send). */
export function escapeComponent(s: string, safe: Uint8Array): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || safe[c] === 0) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = "";
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (c < 128 && safe[c] === 1) {
      out += ch;
    } else {
      for (const b of utf8Encoder.encode(ch)) {
        out += `%${HEX_DIGITS[b >> 4]}${HEX_DIGITS[b & 15]}`;
      }
    }
  }
  return out;
}
