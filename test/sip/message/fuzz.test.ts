// Mutation fuzzing over the torture corpus (RFC 4475, RFC 5118) plus ordinary messages: the only
// outcomes allowed are a parsed message or a SipParseError — never another exception, never a
// hang. Parsed messages are also pushed through the typed views, the UAS screening, the stream
// framer and the serializer, which must hold to the same rule.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseChallenge } from "../../../src/sip/auth/index.js";
import {
  type ParseResult,
  parseDatagram,
  SipParseError,
  StreamFramer,
  serialize,
} from "../../../src/sip/message/index.js";
import { screenRequest } from "../../../src/sip/ua/index.js";
import { sharedFixtures } from "../../helpers/paths.js";

const COUNT = Number(process.env.DUET_FUZZ_COUNT ?? 100_000);
const SEED = Number(process.env.DUET_FUZZ_SEED ?? 20260101);

/** xorshift32: a reproducible stream (print the seed and index of a failure to replay it). */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

const INTERESTING = Buffer.from(' \t\r\n:;,<>"\\%[]@=?&/.-0123456789zZ\u0000\u00ff');
const TOKENS = [
  "\r\n",
  "\r\n ",
  ";;",
  ",,",
  "<",
  ">",
  '"',
  "%",
  "%0",
  "[::1",
  "]:99999",
  "4294967296",
  "-1",
  "sip:",
  "tel:",
  ";tag=",
  ";branch=",
  "Content-Length: 99999\r\n",
  "l: 0\r\n",
  "Via: SIP/2.0/UDP [",
  "\r\n\r\n",
  "SIP/2.0 ",
  "*",
].map((t) => Buffer.from(t));

function corpus(): Buffer[] {
  const out: Buffer[] = [];
  for (const dir of ["rfc4475", "rfc5118"]) {
    const d = join(sharedFixtures, dir);
    for (const f of readdirSync(d).sort()) out.push(readFileSync(join(d, f)));
  }
  out.push(
    Buffer.from(
      "REGISTER sip:voip.example.test SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKx;rport\r\n" +
        "Max-Forwards: 70\r\nFrom: <sip:alice@voip.example.test>;tag=1\r\nTo: <sip:alice@voip.example.test>\r\n" +
        'Call-ID: r1\r\nCSeq: 2 REGISTER\r\nContact: <sip:alice@127.0.0.1:5060;transport=tcp>;+sip.instance="<urn:uuid:1>";expires=60\r\n' +
        'Authorization: Digest username="alice", realm="voip.example.test", nonce="abc", uri="sip:voip.example.test", response="0123", qop=auth, nc=00000001, cnonce="x"\r\n' +
        'WWW-Authenticate: Digest realm="r", nonce="n", qop="auth,auth-int", algorithm=SHA-256, stale=true\r\n' +
        "Route: <sip:127.0.0.1;lr>, <sip:[::1]:5070;lr;transport=tcp>\r\nContent-Length: 0\r\n\r\n",
    ),
  );
  return out;
}

function mutate(input: Buffer, next: () => number, pool: Buffer[]): Buffer {
  let b = Buffer.from(input);
  const rounds = 1 + Math.floor(next() * 4);
  for (let r = 0; r < rounds; r++) {
    const at = Math.floor(next() * (b.length + 1));
    switch (Math.floor(next() * 8)) {
      case 0: // flip a byte
        if (b.length > 0) b[at % b.length] = Math.floor(next() * 256);
        break;
      case 1: // an interesting byte
        if (b.length > 0)
          b[at % b.length] = INTERESTING[Math.floor(next() * INTERESTING.length)] as number;
        break;
      case 2: // insert a token
        b = Buffer.concat([
          b.subarray(0, at),
          TOKENS[Math.floor(next() * TOKENS.length)] as Buffer,
          b.subarray(at),
        ]);
        break;
      case 3: {
        // delete a range
        const len = Math.floor(next() * 40);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
        break;
      }
      case 4: {
        // duplicate a range
        const len = Math.floor(next() * 80);
        b = Buffer.concat([
          b.subarray(0, at + len),
          b.subarray(at, at + len),
          b.subarray(at + len),
        ]);
        break;
      }
      case 5: // truncate
        b = b.subarray(0, at);
        break;
      case 6: {
        // splice a slice of another message in
        const other = pool[Math.floor(next() * pool.length)] as Buffer;
        const from = Math.floor(next() * other.length);
        b = Buffer.concat([
          b.subarray(0, at),
          other.subarray(from, from + Math.floor(next() * 120)),
          b.subarray(at),
        ]);
        break;
      }
      default: {
        // replace a digit run by a huge number
        const s = b.toString("latin1");
        const m = /[0-9]+/g;
        m.lastIndex = at;
        const hit = m.exec(s);
        if (hit) {
          b = Buffer.from(
            s.slice(0, hit.index) +
              "9".repeat(1 + Math.floor(next() * 30)) +
              s.slice(hit.index + hit[0].length),
            "latin1",
          );
        }
      }
    }
  }
  return b;
}

/** Everything a receiver does with a message; only SipParseError may escape. */
function exercise(result: ParseResult): void {
  if (!result.ok) {
    assert.ok(result.error instanceof SipParseError);
    assert.ok(result.error.message.length > 0);
    return;
  }
  const m = result.message;
  const guarded = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
    }
  };
  // From and To URIs are parsed on first use: that too may only end in a SipParseError.
  guarded(() => m.from());
  guarded(() => m.to());
  guarded(() => m.contacts());
  guarded(() => m.routes());
  guarded(() => m.recordRoutes());
  guarded(() => m.contentLength());
  guarded(() => m.list("Supported"));
  for (const h of ["WWW-Authenticate", "Proxy-Authenticate", "Authorization"]) {
    for (const v of m.getAll(h)) guarded(() => parseChallenge(v, h));
  }
  if (m.kind === "request") guarded(() => screenRequest(m));
  // What we serialize from a message we accepted must parse again.
  const again = parseDatagram(serialize(m));
  assert.ok(
    again.ok,
    again.ok ? "" : `re-serialized message does not parse: ${again.error.message}`,
  );
}

describe("mutation fuzzing of the parser", () => {
  it(`${COUNT} mutated messages end as a message or a SipParseError`, { timeout: 600_000 }, () => {
    const pool = corpus();
    const next = rng(SEED);
    let parsed = 0;
    let refused = 0;
    for (let i = 0; i < COUNT; i++) {
      const input = mutate(pool[i % pool.length] as Buffer, next, pool);
      let result: ParseResult;
      try {
        result = parseDatagram(input);
        exercise(result);
        // Every 16th input also goes through the stream framer in random chunks.
        if (i % 16 === 0) {
          const framer = new StreamFramer();
          let off = 0;
          while (off < input.length) {
            const n = 1 + Math.floor(next() * 200);
            for (const ev of framer.push(input.subarray(off, off + n))) {
              if (ev.type === "message") exercise(ev.result);
            }
            off += n;
          }
        }
      } catch (e) {
        assert.fail(
          `input #${i} (seed ${SEED}) threw ${(e as Error).name}: ${(e as Error).message}\n` +
            `base64: ${input.toString("base64")}`,
        );
      }
      if (result.ok) parsed++;
      else refused++;
    }
    // Both outcomes must occur, or the mutations are not reaching the parser's depths.
    assert.ok(parsed > COUNT / 20, `only ${parsed} parsed`);
    assert.ok(refused > COUNT / 20, `only ${refused} refused`);
  });
});
