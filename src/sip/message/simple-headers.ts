// Small scalar headers: CSeq (§20.16), Max-Forwards (§20.22), Content-Length (§20.14),
// Expires (§20.19), Call-ID (§20.8), and comma-separated token lists (Allow, Supported, Require).
import { isDigits, isToken } from "./charsets.js";
import { fail } from "./parse-error.js";

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** CSeq numbers must be less than 2**31 (RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.4). */
export const MAX_CSEQ = 2 ** 31 - 1;

const isLws = (c: number) => c === 32 || c === 9 || c === 13 || c === 10;

export function parseCSeq(value: string): CSeq {
  // digits LWS method, scanned by hand (this runs for every message).
  const v = value.trim();
  let i = 0;
  let number = 0;
  for (; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    number = number * 10 + d;
  }
  const digitsEnd = i;
  while (i < v.length && isLws(v.charCodeAt(i))) i++;
  const methodStart = i;
  while (i < v.length && !isLws(v.charCodeAt(i))) i++;
  if (digitsEnd === 0 || methodStart === digitsEnd || methodStart === i || i !== v.length) {
    fail("cseq", `"${value}" is not "number METHOD"`, "CSeq");
  }
  const method = v.slice(methodStart);
  // Summed as read (exact up to 12 digits); a longer run is too large in any case.
  const seq = digitsEnd > 12 ? Number.POSITIVE_INFINITY : number;
  if (seq > MAX_CSEQ) {
    fail("cseq", `sequence number ${v.slice(0, digitsEnd)} is not below 2^31`, "CSeq");
  }
  if (!isToken(method)) fail("cseq", `"${method}" is not a method token`, "CSeq");
  return { seq, method };
}

export function parseMaxForwards(value: string): number {
  const v = value.trim();
  // RFC 4475 §3.1.2.4: Max-Forwards is 0..255.
  if (!isDigits(v) || v.length > 5 || Number(v) > 255) {
    fail("header-value", `"${value}" is not a number from 0 to 255`, "Max-Forwards");
  }
  return Number(v);
}

/** delta-seconds; values past 2^32-1 are refused rather than silently wrapped. */
export function parseDeltaSeconds(value: string, header: string): number {
  const v = value.trim();
  if (!isDigits(v) || v.length > 10 || Number(v) > 0xffffffff) {
    fail("header-value", `"${value}" is not a number of seconds below 2^32`, header);
  }
  return Number(v);
}

export function parseContentLength(value: string): number {
  const v = value.trim();
  if (!isDigits(v) || v.length > 9) {
    fail("content-length", `"${value}" is not a non-negative number of octets`, "Content-Length");
  }
  return Number(v);
}

export function parseCallId(value: string): string {
  const v = value.trim();
  if (v.length === 0 || /[\s]/.test(v)) {
    fail("header-value", `"${value}" is not a Call-ID (word ["@" word])`, "Call-ID");
  }
  return v;
}

/** Splits a comma-separated value, ignoring commas inside quotes and <>. */
export function splitCommaList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  let angle = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 92) i++;
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 60) angle = true;
    else if (c === 62) angle = false;
    else if (c === 44 && !angle) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out.filter((s) => s.length > 0);
}
