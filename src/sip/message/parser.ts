// Parsing whole messages (RFC 3261 §7, §18.3): start line, header fields with folding, body by
// Content-Length, then the checks every element must make before using a message. Only
// SipParseError leaves here; a result, never an exception, is what callers get.
import { isToken } from "./charsets.js";
import { headerKey, knownHeader, knownKey, knownSlot, knownSpelling } from "./header-names.js";
import {
  type FieldSpans,
  type HeaderField,
  type SipMessage,
  SipRequest,
  SipResponse,
  spanFields,
} from "./message.js";
import { fail, SipParseError } from "./parse-error.js";
import { parseUri } from "./uri.js";

/** What could be read of a message that failed, enough to answer a request with 400. */
export interface PartialMessage {
  readonly kind: "request" | "response";
  readonly method?: string;
  readonly headers: readonly HeaderField[];
}

export type ParseResult =
  | { readonly ok: true; readonly message: SipMessage }
  | { readonly ok: false; readonly error: SipParseError; readonly partial?: PartialMessage };

const utf8 = new TextDecoder("utf-8", { fatal: false });
const utf8Encoder = new TextEncoder();

/** Index of the blank line ending the header section: returns [headEnd, bodyStart] or null. */
export function findHeaderEnd(data: Uint8Array, from: number): [number, number] | null {
  for (let i = data.indexOf(10, from); i >= 0 && i < data.length - 1; i = data.indexOf(10, i + 1)) {
    // LF LF or LF CR LF ends the head (bare LF accepted: liberal in what we accept).
    if (data[i + 1] === 10) return [i, i + 2];
    if (data[i + 1] === 13 && data[i + 2] === 10) return [i, i + 3];
  }
  return null;
}

/** UTF-8 text of data[start, end) (invalid sequences become U+FFFD). */
function decodeText(data: Uint8Array, start: number, end: number): string {
  // A plain view, not subarray (which for a Node Buffer builds a Buffer, a visible cost).
  return utf8.decode(new Uint8Array(data.buffer, data.byteOffset + start, end - start));
}

/** Leading CRLFs before a start line are ignored (§7.5). */
export function skipLeadingCrlf(data: Uint8Array): number {
  let i = 0;
  while (i < data.length && (data[i] === 13 || data[i] === 10)) i++;
  return i;
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (§25.1; "SIP" in any case), without a regex. */
function isVersion(s: string): boolean {
  if (s.length < 7) return false;
  if ((s.charCodeAt(0) | 0x20) !== 115 || (s.charCodeAt(1) | 0x20) !== 105) return false;
  if ((s.charCodeAt(2) | 0x20) !== 112 || s.charCodeAt(3) !== 47) return false;
  let i = 4;
  const majorStart = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === majorStart || s.charCodeAt(i) !== 46) return false;
  const minorStart = ++i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return i > minorStart && i === s.length;
}

/** The version in upper case; the usual one without building a copy. */
const upperVersion = (v: string): string => (v === "SIP/2.0" ? "SIP/2.0" : v.toUpperCase());

interface Head {
  startLine: string;
  fields: FieldSpans;
  keys: string[];
  /** How many fields of each COUNTED header (header-names.ts), by slot. */
  counts: number[];
}

/**
 * Header names seen before, already checked to be tokens, with their headerKey(): one lookup
 * instead of a scan and a lookup per field. Bounded, as a peer may invent names endlessly.
 */
const tokenNameKeys = new Map<string, string>();

function fieldKey(name: string): string {
  let key = tokenNameKeys.get(name);
  if (key === undefined) {
    if (!isToken(name)) fail("header-line", `"${name.slice(0, 40)}" is not a header name`);
    key = headerKey(name);
    if (tokenNameKeys.size < 4096) tokenNameKeys.set(name, key);
  }
  return key;
}

/** Splits the header section into the start line and unfolded fields, in one pass. */
function splitHead(head: string): Head {
  let pos = 0;
  let startLine: string | undefined;
  const names: string[] = [];
  const spans: number[] = [];
  let unfolded: Map<number, string> | undefined;
  const keys: string[] = [];
  // Every spelling of a COUNTED header is a known one, so counting those is complete.
  const counts = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const firsts = [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
  const n = head.length;
  while (pos <= n) {
    let nl = head.indexOf("\n", pos);
    if (nl < 0) nl = n;
    const end = nl > pos && head.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    const first = head.charCodeAt(pos);
    if (end > pos) {
      if (startLine === undefined) {
        startLine = head.slice(pos, end);
      } else if (first === 32 || first === 9) {
        // Folded continuation (§7.3.1): equivalent to a single SP.
        const last = names.length - 1;
        if (last < 0) fail("header-line", "a folded line follows the start line");
        const prev = unfolded?.get(last) ?? head.slice(spans[2 * last], spans[2 * last + 1]);
        unfolded ??= new Map();
        unfolded.set(last, `${prev} ${head.slice(pos, end).trim()}`.trim());
        spans[2 * last] = -1;
      } else {
        const colon = head.indexOf(":", pos);
        if (colon < 0 || colon > end) {
          fail(
            "header-line",
            `line "${head.slice(pos, Math.min(end, pos + 40))}" is neither a header field nor folded`,
          );
        }
        let nameEnd = colon;
        while (
          nameEnd > pos &&
          (head.charCodeAt(nameEnd - 1) === 32 || head.charCodeAt(nameEnd - 1) === 9)
        ) {
          nameEnd--;
        }
        const known = knownHeader(head, pos, nameEnd);
        let name: string;
        let key: string;
        if (known < 0) {
          name = head.slice(pos, nameEnd);
          key = fieldKey(name);
        } else {
          // The usual spelling as received: the constant, not a copy (one allocation less).
          name = (known & 1) === 1 ? knownSpelling(known) : head.slice(pos, nameEnd);
          key = knownKey(known);
          const slot = knownSlot(known);
          if ((counts[slot] as number)++ === 0) firsts[slot] = names.length;
        }
        // The value without the LWS around it (§7.3.1).
        let vs = colon + 1;
        let ve = end;
        while (vs < ve && (head.charCodeAt(vs) === 32 || head.charCodeAt(vs) === 9)) vs++;
        while (ve > vs && (head.charCodeAt(ve - 1) === 32 || head.charCodeAt(ve - 1) === 9)) ve--;
        // Where the value is, not yet the value: most fields are never read (FieldSpans).
        names.push(name);
        spans.push(vs, ve);
        keys.push(key);
      }
    }
    pos = nl + 1;
  }
  if (startLine === undefined) fail("empty", "no start line");
  return { startLine, fields: { text: head, names, spans, unfolded, firsts }, keys, counts };
}

/** Splits on runs of SP/HTAB (liberal: RFC 4475 §3.1.2.9, §3.1.2.10). */
function words(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = line.length;
  if (line.indexOf("\t") < 0) {
    // The usual line, spaces only: indexOf finds each end instead of a per-character loop.
    for (;;) {
      while (line.charCodeAt(i) === 32) i++;
      if (i >= n) return out;
      let end = line.indexOf(" ", i);
      if (end < 0) end = n;
      out.push(line.slice(i, end));
      i = end;
    }
  }
  while (i < n) {
    while (i < n && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && line.charCodeAt(i) !== 32 && line.charCodeAt(i) !== 9) i++;
    out.push(line.slice(start, i));
  }
  return out;
}

/** "SIP/" in any case starts a Status-Line (§7.2); compared in place, as for every message. */
function isResponseLine(line: string): boolean {
  return (
    line.length > 4 &&
    (line.charCodeAt(0) | 0x20) === 115 &&
    (line.charCodeAt(1) | 0x20) === 105 &&
    (line.charCodeAt(2) | 0x20) === 112 &&
    line.charCodeAt(3) === 47
  );
}

function parseStartLine(line: string, fields: FieldSpans, keys: string[]): SipMessage {
  // Extra SP between elements and trailing SP are invalid but harmless (RFC 4475 §3.1.2.9,
  // §3.1.2.10): we read past them and never send them.
  if (isResponseLine(line)) {
    const sp = line.indexOf(" ");
    const version = sp < 0 ? line : line.slice(0, sp);
    if (!isVersion(version)) fail("version", `"${version.slice(0, 20)}" is not a SIP version`);
    let i = sp < 0 ? line.length : sp;
    while (i < line.length && line.charCodeAt(i) === 32) i++;
    const codeEnd = line.indexOf(" ", i);
    const end = codeEnd < 0 ? line.length : codeEnd;
    // Status-Code: three digits, 100 to 699 (§7.2, §21), read in place.
    const d0 = line.charCodeAt(i) - 48;
    const d1 = line.charCodeAt(i + 1) - 48;
    const d2 = line.charCodeAt(i + 2) - 48;
    if (end - i !== 3 || !(d0 >= 1 && d0 <= 6) || !(d1 >= 0 && d1 <= 9) || !(d2 >= 0 && d2 <= 9)) {
      fail("status-code", `status code "${line.slice(i, end).slice(0, 20)}" is not 100 to 699`);
    }
    const reason = codeEnd < 0 ? "" : line.slice(codeEnd + 1);
    return new SipResponse(
      d0 * 100 + d1 * 10 + d2,
      reason,
      fields,
      undefined,
      upperVersion(version),
      keys,
    );
  }
  const parts = words(line);
  if (parts.length !== 3) {
    fail(
      "start-line",
      `request line "${line.slice(0, 60)}" is not "METHOD Request-URI SIP/2.0" ` +
        "(a Request-URI holds no spaces)",
    );
  }
  const [method, uriText, version] = parts as [string, string, string];
  if (!isToken(method)) fail("method", `"${method.slice(0, 40)}" is not a method token`);
  if (!isVersion(version)) fail("version", `"${version.slice(0, 20)}" is not a SIP version`);
  const uri = parseUri(uriText, "Request-URI");
  return new SipRequest(method, uri, fields, undefined, upperVersion(version), keys);
}

function duplicate(name: string): never {
  return fail("duplicate-header", "appears more than once but allows one value", name);
}

/** `counts`: Head.counts, by COUNTED slot (header-names.ts). */
function checkHeaders(msg: SipMessage, counts: readonly number[]): void {
  const via = counts[1] as number;
  const from = counts[2] as number;
  const to = counts[3] as number;
  const callId = counts[4] as number;
  const cseqs = counts[5] as number;
  const maxForwards = counts[6] as number;
  const contentLength = counts[7] as number;
  const contact = counts[8] as number;
  const route = counts[9] as number;
  const recordRoute = counts[10] as number;
  // RFC 4475 §3.3.8, §3.3.9: two values where one is allowed make the message unusable.
  if (to > 1) duplicate("To");
  if (from > 1) duplicate("From");
  if (callId > 1) duplicate("Call-ID");
  if (cseqs > 1) duplicate("CSeq");
  if (maxForwards > 1) duplicate("Max-Forwards");
  if (contentLength > 1) duplicate("Content-Length");
  const missing: string[] = [];
  if (via === 0) missing.push("Via");
  if (from === 0) missing.push("From");
  if (to === 0) missing.push("To");
  if (callId === 0) missing.push("Call-ID");
  if (cseqs === 0) missing.push("CSeq");
  if (missing.length > 0) {
    fail("missing-header", `required header(s) missing: ${missing.join(", ")}`);
  }
  // What every element acts on is checked now (the top Via, From and To with their tags,
  // Call-ID, CSeq, Max-Forwards; Contact and Record-Route where they set up a dialog); the rest
  // when first used, still as SipParseError. The URIs in From, To and Contact are delimited now
  // and parsed on first use: transactions and dialogs match on tags, and the user agent reads
  // those URIs on receipt wherever it or the application may need them (UserAgent's
  // receiveRequest and receiveResponse), so a malformed one still ends as a 400 or a drop.
  msg.topVia();
  msg.fromTag();
  msg.toTag();
  msg.callId();
  const cseq = msg.cseq();
  msg.maxForwards();
  if (msg.kind === "request") {
    if (cseq.method !== msg.method) {
      fail(
        "cseq-method-mismatch",
        `CSeq method "${cseq.method}" differs from the request method "${msg.method}"`,
        "CSeq",
      );
    }
    if (contact > 0 && (msg.method === "INVITE" || msg.method === "REGISTER")) msg.checkContacts();
    if (route > 0) msg.routes();
  }
  const dialogSetup = cseq.method === "INVITE" || cseq.method === "SUBSCRIBE";
  if (recordRoute > 0 && dialogSetup) msg.recordRoutes();
  if (msg.kind === "response" && contact > 0 && dialogSetup) msg.checkContacts();
}

function partialOf(head: Head | undefined): PartialMessage | undefined {
  if (!head) return undefined;
  const headers = spanFields(head.fields);
  if (isResponseLine(head.startLine)) return { kind: "response", headers };
  const method = words(head.startLine)[0];
  return method !== undefined && isToken(method)
    ? { kind: "request", method, headers }
    : { kind: "request", headers };
}

/**
 * Parses a message whose head and body have been separated. `datagram` selects the §18.3 rule
 * for unreliable transports: the body runs to the end of the packet unless Content-Length says
 * less; on streams the caller has already cut the body to Content-Length.
 */
export function parseParts(headText: string, body: Uint8Array, datagram: boolean): ParseResult {
  let head: Head | undefined;
  try {
    head = splitHead(headText);
    const msg = parseStartLine(head.startLine, head.fields, head.keys);
    const length = msg.contentLength();
    if (length !== undefined) {
      if (length > body.length) {
        fail(
          "truncated-body",
          `Content-Length is ${length} but only ${body.length} octets follow the header`,
          "Content-Length",
        );
      }
      // Octets after Content-Length in a datagram are ignored (RFC 4475 §3.1.1.8).
      msg.body =
        length === body.length ? body : new Uint8Array(body.buffer, body.byteOffset, length);
    } else {
      msg.body = datagram ? body : new Uint8Array(0);
    }
    checkHeaders(msg, head.counts);
    return { ok: true, message: msg };
  } catch (e) {
    if (e instanceof SipParseError) {
      const partial = partialOf(head);
      return partial ? { ok: false, error: e, partial } : { ok: false, error: e };
    }
    throw e;
  }
}

/** Parses one UDP datagram (or one WebSocket message, RFC 7118 §5: one message per frame). */
export function parseDatagram(data: Uint8Array): ParseResult {
  const start = skipLeadingCrlf(data);
  if (start >= data.length) {
    return { ok: false, error: new SipParseError("empty", "no message (only CRLF or nothing)") };
  }
  const end = findHeaderEnd(data, start);
  if (!end) {
    // No blank line: treat everything as header section (liberal), there is no body.
    return parseParts(decodeText(data, start, data.length), new Uint8Array(0), true);
  }
  const body = new Uint8Array(data.buffer, data.byteOffset + end[1], data.length - end[1]);
  return parseParts(decodeText(data, start, end[0]), body, true);
}

/** Parses a message given as text (tests and tools); same rules as a datagram. */
export function parseMessage(text: string): ParseResult {
  return parseDatagram(utf8Encoder.encode(text));
}
