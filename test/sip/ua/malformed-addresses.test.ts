// The parser checks From, To and (in dialog-forming messages) Contact as addresses with their
// parameters but leaves their URIs for first use (src/sip/message/parser.ts). Our UA must still
// refuse a request whose From, To or Contact URI is malformed with 400 on receipt (RFC 3261 §8.2, §21.4.1), before the application could read it,
// and keep answering well-formed requests afterwards.
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { after, before, describe, it } from "node:test";
import { parseDatagram } from "../../../src/sip/message/index.js";
import { startUa, type TestUa } from "../support/ua-factory.js";

describe("requests with a malformed From, To or Contact URI", () => {
  let ua: TestUa;
  let socket: Socket;
  let uaPort = 0;
  const answers: Buffer[] = [];
  const handed: string[] = [];
  let seen = 0;
  before(async () => {
    ua = await startUa({ aor: "sip:user@example.com" });
    // The application, as the endpoint does, may take a request up later, outside its receipt:
    // it must never be handed one whose addresses it cannot read.
    ua.ua.onRequest = (ctx) => {
      handed.push(ctx.request.callId());
      ctx.reply(486);
    };
    uaPort = ua.transport.localAddress("UDP")?.port ?? 0;
    socket = createSocket("udp4");
    socket.on("message", (data) => {
      answers.push(data);
    });
    await new Promise<void>((r) => socket.bind(0, "127.0.0.1", () => r()));
  });
  after(async () => {
    await new Promise<void>((r) => socket.close(() => r()));
    await ua.stop();
  });

  /** Sends one request and returns the status of the final answer to its Call-ID (5 s guard). */
  async function finalStatus(
    method: string,
    from: string,
    to: string,
    contact = "<sip:a@127.0.0.1>",
  ): Promise<[number, string]> {
    const callId = `bad-address-${++seen}`;
    const port = (socket.address() as { port: number }).port;
    const text = [
      `${method} sip:user@127.0.0.1:${uaPort} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${callId};rport`,
      "Max-Forwards: 70",
      `From: ${from}`,
      `To: ${to}`,
      `Call-ID: ${callId}`,
      `CSeq: 1 ${method}`,
      `Contact: ${contact}`,
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n");
    socket.send(Buffer.from(text), uaPort, "127.0.0.1");
    const deadline = Date.now() + 5000;
    for (;;) {
      for (const data of answers) {
        const r = parseDatagram(data);
        if (r.ok && r.message.kind === "response" && r.message.callId() === callId) {
          if (r.message.status >= 200) return [r.message.status, r.message.get("Warning") ?? ""];
        }
      }
      if (Date.now() > deadline) throw new Error(`no final answer to ${method} ${callId}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it("answers 400 naming the header, for OPTIONS, MESSAGE and INVITE", async () => {
    const cases: Array<[string, string, string, RegExp]> = [
      ["OPTIONS", "<sip:a@exa mple.com>;tag=1", "<sip:user@example.com>", /From: .*whitespace/],
      ["MESSAGE", "<sip:a@example.com>;tag=2", "<sip:[2001:db8::1>", /To: .*lacks/],
      ["INVITE", "<sip:a@example.com:99999>;tag=3", "<sip:user@example.com>", /From: .*port/],
    ];
    for (const [method, from, to, why] of cases) {
      const [status, warning] = await finalStatus(method, from, to);
      assert.equal(status, 400, `${method} with From ${from}, To ${to}`);
      assert.match(warning, why);
    }
    assert.deepEqual(handed, []);
  });

  it("answers 400 to an INVITE whose Contact URI is malformed", async () => {
    const [status, warning] = await finalStatus(
      "INVITE",
      "<sip:a@example.com>;tag=5",
      "<sip:user@example.com>",
      "<sip:a@[::1>;expires=60",
    );
    assert.equal(status, 400);
    assert.match(warning, /Contact: .*lacks/);
    assert.deepEqual(handed, []);
  });

  it("still answers well-formed requests afterwards, handing them to the application", async () => {
    const [options] = await finalStatus(
      "OPTIONS",
      "<sip:a@example.com>;tag=4",
      "<sip:user@example.com>",
    );
    assert.equal(options, 200);
    const [message] = await finalStatus(
      "MESSAGE",
      "<sip:a@example.com>;tag=6",
      "<sip:user@example.com>",
    );
    assert.equal(message, 486);
    assert.equal(handed.length, 1);
  });
});
