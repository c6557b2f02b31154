// Parser throughput: our SIP parser against the npm `sip` package's on the same corpus (the valid
// RFC 4475 §3.1.1 messages, a typical INVITE with SDP and its 200), in the same process. What
// each parser does with a message is printed with the figures (WORK below): both leave the
// URIs of From, To and Contact as delimited text, which our UA parses on receipt where it or
// the application may need them (src/sip/ua/user-agent.ts).
// Run: npx tsc -p tsconfig.json && node dist/bench/sip-parse.js
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDatagram } from "../src/sip/message/index.js";

const require = createRequire(import.meta.url);
const npmSip = require("sip") as { parse(data: Buffer | string): unknown };

const root = resolve(fileURLToPath(import.meta.url), "..", "..", "..");
const fixtures = resolve(root, "..", "shared", "fixtures", "rfc4475");
// RFC 4475 §3.1.1: the valid messages.
const VALID = [
  "wsinv",
  "intmeth",
  "esc01",
  "escnull",
  "esc02",
  "lwsdisp",
  "longreq",
  "dblreq",
  "semiuri",
  "transports",
  "mpart01",
  "unreason",
  "noreason",
];

const crlf = (s: string) => Buffer.from(s.replace(/\n/g, "\r\n"));
const SDP = `v=0
o=alice 2890844526 2890844526 IN IP4 192.0.2.10
s=-
c=IN IP4 192.0.2.10
t=0 0
m=audio 49170 RTP/AVP 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=sendrecv
`.replace(/\n/g, "\r\n");
const INVITE = crlf(
  `INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Contact: <sip:alice@pc33.atlanta.example.com:5060>
Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, MESSAGE
Supported: gruu, path
User-Agent: Duet bench
Content-Type: application/sdp
Content-Length: ${Buffer.byteLength(SDP)}

`.concat(SDP.replace(/\r\n/g, "\n")),
);
const OK = crlf(
  `SIP/2.0 200 OK
Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;received=192.0.2.10;rport=5060
Record-Route: <sip:proxy.biloxi.example.com;lr>
To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf
From: Alice <sip:alice@atlanta.example.com>;tag=1928301774
Call-ID: a84b4c76e66710@pc33.atlanta.example.com
CSeq: 314159 INVITE
Contact: <sip:bob@192.0.2.4:5060>
Content-Type: application/sdp
Content-Length: ${Buffer.byteLength(SDP)}

`.concat(SDP.replace(/\r\n/g, "\n")),
);

const corpus: Buffer[] = [
  ...VALID.map((n) => readFileSync(join(fixtures, `${n}.dat`))),
  INVITE,
  OK,
];

/** Messages per second of one timed slice (~50 ms) of whole passes over the corpus. */
function slice(parse: (b: Buffer) => unknown): number {
  let messages = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < 50) {
    for (let i = 0; i < 10; i++) {
      for (const m of corpus) parse(m);
      messages += corpus.length;
    }
    elapsed = performance.now() - start;
  }
  return (messages / elapsed) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * The two parsers take turns, slice by slice, for about 4 s in all, the one going first
 * alternating from round to round (so neither always inherits the other's garbage to collect).
 * Each one's median slice is reported, and as the ratio the median of the rounds' ratios: a
 * machine whose load changes during the run then affects both alike.
 */
function race(ours: (b: Buffer) => unknown, theirs: (b: Buffer) => unknown): void {
  for (const parse of [ours, theirs])
    for (let i = 0; i < 2000; i++) for (const m of corpus) parse(m);
  const a: number[] = [];
  const b: number[] = [];
  for (let round = 0; round < 40; round++) {
    if (round % 2 === 0) {
      a.push(slice(ours));
      b.push(slice(theirs));
    } else {
      b.push(slice(theirs));
      a.push(slice(ours));
    }
  }
  const rate = (x: number) => Math.round(x).toLocaleString("en").padStart(12);
  console.log(`${"duet (src/sip)".padEnd(22)} ${rate(median(a))} messages/s`);
  console.log(`${"npm sip 0.0.6".padEnd(22)} ${rate(median(b))} messages/s`);
  const ratios = a.map((x, i) => x / (b[i] as number));
  const sorted = [...ratios].sort((x, y) => x - y);
  const q = (f: number) => (sorted[Math.floor(f * (sorted.length - 1))] as number).toFixed(2);
  console.log(
    `ratio duet / npm sip: ${median(ratios).toFixed(2)}x (target ≥ 1.5x; ` +
      `rounds' quartiles ${q(0.25)}–${q(0.75)})`,
  );
}

// Every message must parse with both, or the comparison is not like for like.
for (const m of corpus) {
  const ours = parseDatagram(m);
  if (!ours.ok) throw new Error(`our parser refused a valid message: ${ours.error.message}`);
  if (!npmSip.parse(m)) throw new Error("npm sip refused a corpus message");
}

/** What each side does per message, as far as this benchmark measures it. */
const WORK = [
  "duet:    start line with the Request-URI parsed and checked (RFC 3261 §19.1, RFC 5118); every",
  "         header line split, unfolded, its name recognised; top Via (sent-by, params), From/To",
  "         (display name, params, tag; URI delimited), Call-ID, CSeq (< 2^31, method = request's),",
  "         Max-Forwards (0-255), Content-Length; required and single headers counted; Contact of",
  "         INVITE/REGISTER and of dialog-forming responses (params; URIs delimited), Route of",
  "         requests and Record-Route of dialog-forming messages with URIs; any defect a typed",
  "         error; other values kept as text, cut out when first read",
  "npm sip: start line (Request-URI a string); every header line split; all Vias; From/To/",
  "         Contact/Refer-To as display name + URI string + params; Route/Record-Route/Path",
  "         with URIs; CSeq; Content-Length; auth headers; other headers as strings; a defect in",
  "         a header value ignored",
];

console.log(
  `corpus: ${corpus.length} messages (RFC 4475 §3.1.1 valid set, INVITE with SDP, its 200)`,
);
for (const line of WORK) console.log(line);
race(
  (b) => parseDatagram(b),
  (b) => npmSip.parse(b),
);
