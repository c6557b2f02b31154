// Golden-file tests over the RFC 4475 and RFC 5118 torture messages: for each one the parse
// result (test/golden/sip/<rfc>/<name>.json) and, sent over UDP to a running UA of ours, the
// answer it sends. DUET_UPDATE_GOLDEN=1 rewrites the golden files (review the diff!).
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import {
  parseDatagram,
  parseMessage,
  type SipResponse,
  serialize,
} from "../../src/sip/message/index.js";
import { sharedFixtures, testData } from "../helpers/paths.js";
import { parsePicture } from "./support/snapshot.js";
import { startUa, type TestUa } from "./support/ua-factory.js";
import { TORTURE_CASES, type TortureCase } from "./torture-cases.js";

const update = process.env.DUET_UPDATE_GOLDEN === "1";

function goldenPath(tc: TortureCase): string {
  return testData("golden", "sip", tc.rfc, `${tc.name}.json`);
}

function checkGolden(tc: TortureCase, actual: unknown): void {
  const path = goldenPath(tc);
  const json = `${JSON.stringify(actual, null, 2)}\n`;
  if (update) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, json);
    return;
  }
  const expected = JSON.parse(readFileSync(path, "utf8"));
  assert.deepEqual(actual, expected, `${tc.rfc} §${tc.section} ${tc.name}: differs from ${path}`);
}

const readFixture = (tc: TortureCase) => readFileSync(join(sharedFixtures, tc.rfc, tc.file));

/** What came back: the parsed response, or for an unparseable one the reason it failed. */
interface Answer {
  readonly status: number;
  readonly callId: string | undefined;
  readonly cseq: string | undefined;
  readonly response: SipResponse | undefined;
  readonly parseError: string | undefined;
  readonly raw: string;
}

/** A UDP peer that sends raw datagrams to the UA and collects what comes back. */
class Peer {
  readonly inbox: Answer[] = [];
  private waiters: Array<() => void> = [];
  constructor(readonly socket: Socket) {
    socket.on("message", (data) => {
      const r = parseDatagram(data);
      const raw = data.toString("utf8");
      const status = Number(/^SIP\/2\.0 (\d{3}) /.exec(raw)?.[1] ?? 0);
      this.inbox.push({
        status,
        callId: header(raw, ["call-id", "i"]),
        cseq: header(raw, ["cseq"]),
        response: r.ok && r.message.kind === "response" ? r.message : undefined,
        parseError: r.ok ? undefined : `${r.error.code}: ${r.error.message}`,
        raw,
      });
      for (const w of this.waiters.splice(0)) w();
    });
  }

  /** Waits for a final answer after `from` matching `match`; fails after 5 s (a hang guard). */
  async final(from: number, match: (a: Answer) => boolean, what: string): Promise<Answer> {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = this.inbox.slice(from).find((a) => match(a) && a.status >= 200);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no final answer for ${what}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }
}

function header(raw: string, names: string[]): string | undefined {
  for (const line of raw.replace(/\r\n[ \t]+/g, " ").split("\r\n")) {
    const m = /^([A-Za-z-]+)\s*:\s*(.*)$/.exec(line);
    if (m && names.includes((m[1] as string).toLowerCase())) return (m[2] as string).trim();
    if (line === "") break;
  }
  return undefined;
}

function answerPicture(all: Answer[], final: Answer) {
  const res = final.response;
  const pick = (n: string) => res?.get(n) ?? null;
  return {
    provisional: all.filter((a) => a.status < 200).map((a) => a.status),
    status: final.status,
    reason: res?.reason ?? null,
    parsesBack: res !== undefined,
    toTagAdded: res ? /;\s*tag=/.test(res.get("To") ?? "") : null,
    allow: pick("Allow"),
    accept: pick("Accept"),
    supported: pick("Supported"),
    unsupported: pick("Unsupported"),
    acceptEncoding: pick("Accept-Encoding"),
    contentType: pick("Content-Type"),
    warning: /\r\nWarning: 399 \S+ (.*)\r\n/.exec(final.raw)?.[1] ?? null,
  };
}

describe("RFC 4475 / RFC 5118 torture messages", () => {
  let socket: Socket;
  let peer: Peer;
  before(async () => {
    socket = createSocket("udp4");
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
    peer = new Peer(socket);
  });
  after(async () => {
    await new Promise<void>((r) => socket.close(() => r()));
  });
  // Each message meets a fresh UA: several reuse one branch and sent-by, which would make them
  // retransmissions of one another for a UA that saw them all (§17.2.3).
  let ua: TestUa | undefined;
  let uaPort = 0;
  beforeEach(async () => {
    ua = await startUa({ aor: "sip:user@example.com", autoAnswer: true, forceRport: true });
    uaPort = ua.transport.localAddress("UDP")?.port ?? 0;
  });
  afterEach(async () => {
    await ua?.stop();
  });

  it("has all 49 RFC 4475 and 12 RFC 5118 messages", () => {
    assert.equal(TORTURE_CASES.filter((t) => t.rfc === "rfc4475").length, 49);
    assert.equal(TORTURE_CASES.filter((t) => t.rfc === "rfc5118").length, 12);
  });

  let probes = 0;
  for (const tc of TORTURE_CASES) {
    it(`${tc.rfc} §${tc.section} ${tc.title} (${tc.name})`, async () => {
      const raw = readFixture(tc);
      const result = parseDatagram(raw);
      // What the RFC section says about parsing.
      assert.equal(
        result.ok ? "ok" : result.error.code,
        tc.parse,
        result.ok ? "" : result.error.message,
      );
      if (result.ok) {
        // Strict in what we send: our serialization parses back to the same message.
        const again = parseDatagram(serialize(result.message));
        assert.ok(again.ok, again.ok ? "" : again.error.message);
        assert.equal(again.message.callId(), result.message.callId());
        assert.deepEqual(again.message.vias(), result.message.vias());
        assert.deepEqual(again.message.from(), result.message.from());
        assert.deepEqual(again.message.to(), result.message.to());
        assert.ok(Buffer.from(again.message.body).equals(Buffer.from(result.message.body)));
      }

      // What our UA answers when the message arrives over UDP.
      const text = raw.toString("latin1");
      const callId = header(text, ["call-id", "i"]);
      const cseq = header(text, ["cseq"]);
      const matches = (a: Answer) =>
        (callId === undefined || a.callId === callId) && a.cseq === cseq;
      const before = peer.inbox.length;
      socket.send(raw, uaPort, "127.0.0.1");
      let answer: unknown;
      if (tc.answer === "none") {
        // Dropped: an OPTIONS probe sent after it is answered, and nothing came for it first.
        const probeId = `probe-${++probes}-${tc.name}`;
        const probe = parseMessage(
          [
            "OPTIONS sip:user@127.0.0.1 SIP/2.0",
            `Via: SIP/2.0/UDP 127.0.0.1:${(socket.address() as { port: number }).port};branch=z9hG4bK${probeId};rport`,
            "Max-Forwards: 70",
            "From: <sip:probe@example.com>;tag=p",
            "To: <sip:user@example.com>",
            `Call-ID: ${probeId}`,
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
            "",
            "",
          ].join("\r\n"),
        );
        assert.ok(probe.ok);
        socket.send(serialize(probe.message), uaPort, "127.0.0.1");
        await peer.final(before, (a) => a.callId === probeId, "the probe");
        const got = peer.inbox.slice(before).filter(matches);
        assert.deepEqual(
          got.map((a) => a.status),
          [],
          "the message must be dropped",
        );
        answer = "none";
      } else {
        const final = await peer.final(before, matches, tc.name);
        assert.equal(final.status, tc.answer, final.raw.split("\r\n\r\n")[0]);
        if (!final.response) {
          // Strict in what we send: the only defects an answer may have are the ones it copies
          // from the request, as §8.2.6.2 requires (Via, From, To, Call-ID, CSeq verbatim).
          assert.equal(final.status, 400, final.parseError);
          assert.equal(result.ok, false);
          if (!result.ok)
            assert.equal(final.parseError, `${result.error.code}: ${result.error.message}`);
        }
        answer = answerPicture(peer.inbox.slice(before).filter(matches), final);
      }
      checkGolden(tc, {
        source: `../shared/fixtures/${tc.rfc}/${tc.file}`,
        rfc: `${tc.rfc.toUpperCase().replace("RFC", "RFC ")} §${tc.section}`,
        title: tc.title,
        parse: parsePicture(result),
        answerOverUdp: answer,
      });
    });
  }
});
