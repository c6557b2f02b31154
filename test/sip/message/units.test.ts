// The message layer's parts: URIs (RFC 3261 §19.1, RFC 3966, RFC 5118), escaping, stream framing
// with RFC 5626 keep-alives (RFC 3261 §18.3), and serialization (§7).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatUri,
  isSipUri,
  parseDatagram,
  parseMessage,
  parseUri,
  SipParseError,
  StreamFramer,
  serializeToString,
  tagOf,
} from "../../../src/sip/message/index.js";

describe("URIs", () => {
  it("round-trips sip, sips, tel and other schemes, re-escaping only what must be", () => {
    for (const text of [
      "sip:alice@example.com",
      "sips:alice:secret@example.com:5061;transport=tcp;lr",
      "sip:[2001:db8::10]:5070;maddr=192.0.2.1",
      "sip:%22q%22@example.com?subject=hi%20there&priority=urgent",
      "tel:+1-201-555-0123;phone-context=example.com",
      "urn:service:sos",
    ]) {
      assert.equal(formatUri(parseUri(text, "test")), text);
    }
  });

  it("unescapes for comparison and escapes what the grammar does not allow", () => {
    const u = parseUri("sip:%61lice@example.com;na%6De=v%61l", "test");
    assert.ok(isSipUri(u));
    assert.equal(u.user, "alice");
    assert.deepEqual(u.params, [{ name: "name", value: "val" }]);
    const spaced = parseUri("sip:I%20have%20spaces@example.net", "test");
    assert.equal(formatUri(spaced), "sip:I%20have%20spaces@example.net");
  });

  it("refuses what is not a URI, saying why", () => {
    const cases: Array<[string, RegExp]> = [
      ["sip:2001:db8::10", /must be enclosed in \[ \]/],
      ["sip:user@[2001:db8::1", /lacks/],
      ["sip:user@example.com:99999", /port/],
      ["<sip:user@example.com>", /scheme/],
      ["sip:user@exa mple.com", /whitespace/],
      ["tel:call-me", /telephone number/],
    ];
    for (const [text, why] of cases) {
      assert.throws(
        () => parseUri(text, "test"),
        (e: unknown) => e instanceof SipParseError && why.test(e.message),
      );
    }
  });
});

const OPTIONS = (n: number, body = "") =>
  `OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK${n}\r\n` +
  `Max-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:bob@example.com>\r\n` +
  `Call-ID: c${n}\r\nCSeq: ${n} OPTIONS\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe("stream framing (RFC 3261 §18.3, RFC 5626 §3.5.1)", () => {
  it("frames messages split at every byte, back to back, with keep-alives between", () => {
    const stream = Buffer.from(`\r\n\r\n${OPTIONS(1, "hello")}${OPTIONS(2)}\r\n`);
    const framer = new StreamFramer();
    const events = [];
    for (const byte of stream) events.push(...framer.push(Uint8Array.of(byte)));
    // The trailing lone CRLF (a pong) waits for its next byte, so it is not reported yet.
    assert.deepEqual(
      events.map((e) => e.type),
      ["ping", "message", "message"],
    );
    const [, a, b] = events;
    assert.ok(a?.type === "message" && a.result.ok && a.result.message.bodyText() === "hello");
    assert.ok(b?.type === "message" && b.result.ok && b.result.message.callId() === "c2");
  });

  it("gives up on a stream whose Content-Length cannot be read", () => {
    const framer = new StreamFramer();
    const events = framer.push(
      Buffer.from(OPTIONS(3).replace("Content-Length: 0", "Content-Length: x")),
    );
    assert.equal(events[0]?.type, "fatal");
    assert.deepEqual(framer.push(Buffer.from(OPTIONS(4))), []);
  });
});

describe("serialization (RFC 3261 §7)", () => {
  it("writes canonical names, no folding, and the body's true Content-Length", () => {
    const r = parseMessage(
      "INVITE sip:b@example.com SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\ni: x\r\nf: <sip:a@e>;tag=1\r\n" +
        "t: <sip:b@e>\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nSubject: a\r\n  folded\r\nl: 2\r\n\r\nhi",
    );
    assert.ok(r.ok);
    const text = serializeToString(r.message);
    assert.match(text, /^INVITE sip:b@example.com SIP\/2.0\r\nVia: /);
    assert.match(text, /\r\nCall-ID: x\r\n/);
    assert.match(text, /\r\nSubject: a folded\r\n/);
    assert.match(text, /\r\nContent-Length: 2\r\n\r\nhi$/);
  });
});

const withAddresses = (from: string, to: string) =>
  `MESSAGE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKa\r\n` +
  `Max-Forwards: 70\r\nFrom: ${from}\r\nTo: ${to}\r\nCall-ID: f1\r\nCSeq: 1 MESSAGE\r\n` +
  "Content-Length: 0\r\n\r\n";

describe("From and To (RFC 3261 §20.20, §20.39): tags now, URIs on first use", () => {
  it("reads the same tag and display name as the full parse, in every form of address", () => {
    for (const [value, displayName, tag] of [
      [
        '"J Rosenberg \\\\\\""  <sip:jdrosen@example.com>;tag=98asjd8',
        'J Rosenberg \\"',
        "98asjd8",
      ],
      ["Bob  Tok\t en <sip:bob@example.com> ; tag = x1", "Bob Tok en", "x1"],
      ["caller<sip:caller@example.com>;tag=323", "caller", "323"],
      ["<sip:a@example.com;lr>;x=1;tag=t", undefined, "t"],
      ["sip:user@example.com;tag=11141343", undefined, "11141343"],
      ["sip:user@example.com", undefined, undefined],
    ] as Array<[string, string | undefined, string | undefined]>) {
      const r = parseMessage(withAddresses(value, value));
      assert.ok(r.ok, r.ok ? "" : r.error.message);
      const m = r.message;
      assert.equal(m.fromTag(), tag, value);
      assert.equal(m.toTag(), tag, value);
      assert.equal(tagOf(m.from()), tag, value);
      assert.equal(m.to().displayName, displayName, value);
      // Once the full address is known, the tag comes from it (the same one).
      assert.equal(m.fromTag(), tag, value);
    }
  });

  it("refuses a bad display name or parameter at parse time, as before", () => {
    for (const [value, why] of [
      ["Bell, Alexander <sip:a.g.bell@example.com>;tag=43", /quoted string/],
      ['"Mr. J. User <sip:j.user@example.com>', /unterminated/],
      ["<sip:a@example.com>;;tag=1", /stray/],
      ["<sip:a@example.com>;tag=1 junk", /after the address/],
    ] as Array<[string, RegExp]>) {
      const r = parseMessage(withAddresses("<sip:a@example.com>;tag=1", value));
      assert.ok(!r.ok, value);
      assert.equal(r.error.code, "header-value");
      assert.equal(r.error.header, "To");
      assert.match(r.error.message, why);
    }
  });

  it("leaves a malformed URI to from() and to(), which raise SipParseError naming the header", () => {
    const r = parseMessage(withAddresses("<sip:a@exa mple.com>;tag=1", "<sip:[2001:db8::1>"));
    assert.ok(r.ok, r.ok ? "" : r.error.message);
    assert.equal(r.message.fromTag(), "1");
    assert.equal(r.message.toTag(), undefined);
    for (const [read, header, why] of [
      [() => r.message.from(), "From", /whitespace/],
      [() => r.message.to(), "To", /lacks/],
    ] as Array<[() => unknown, string, RegExp]>) {
      assert.throws(
        read,
        (e: unknown) =>
          e instanceof SipParseError &&
          e.code === "uri" &&
          e.header === header &&
          why.test(e.message),
      );
    }
  });
});

describe("datagrams as Node Buffers and as plain Uint8Arrays", () => {
  it("parse alike, with any line endings, the first blank line ending the head", () => {
    const body = "body\n\nmore\r\n\r\nend";
    const head = (OPTIONS(7, body).split("\r\n\r\n")[0] as string).split("\r\n");
    const request = (eol: string, blank: string) => `${head.join(eol)}${blank}${body}`;
    const bad = [0xd0, 0xbf, 0xff, 0xc3, 0x28, 0xe2, 0x82];
    const inputs = [
      Buffer.from(request("\r\n", "\r\n\r\n")),
      // Bare LF lines: the LF LF must win over the CRLF CRLF further on, in the body.
      Buffer.from(request("\n", "\n\n")),
      // Bare LF lines ended by CR LF: LF CR LF is the blank line.
      Buffer.from(request("\n", "\n\r\n")),
      Buffer.concat([
        Buffer.from(`${head.join("\r\n")}\r\nSubject: `),
        Buffer.from(bad),
        Buffer.from(`\r\n\r\n${body}`),
      ]),
      Buffer.from("OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKx"),
    ];
    for (const buffer of inputs) {
      const plain = new Uint8Array(buffer.length);
      plain.set(buffer);
      const a = parseDatagram(buffer);
      const b = parseDatagram(plain);
      assert.equal(a.ok, b.ok);
      if (a.ok && b.ok) {
        assert.deepEqual(a.message.headerFields, b.message.headerFields);
        assert.deepEqual(Array.from(a.message.body), Array.from(b.message.body));
      } else if (!a.ok && !b.ok) {
        assert.equal(a.error.message, b.error.message);
      }
    }
    for (const input of inputs.slice(0, 4)) {
      const r = parseDatagram(input);
      assert.ok(r.ok, r.ok ? "" : r.error.message);
      assert.equal(r.message.bodyText(), body);
    }
    const subject = parseDatagram(inputs[3] as Buffer);
    assert.ok(subject.ok);
    // Invalid sequences become U+FFFD, as TextDecoder (fatal: false) makes them.
    assert.equal(subject.message.get("Subject"), new TextDecoder().decode(Uint8Array.from(bad)));
  });
});

describe("typed views after a parsed message is changed", () => {
  it("read the changed fields, not the positions the parser found", () => {
    const r = parseMessage(OPTIONS(8).replace("Max-Forwards: 70\r\n", ""));
    assert.ok(r.ok);
    const m = r.message;
    assert.equal(m.topVia().host.name, "192.0.2.1");
    assert.equal(m.maxForwards(), undefined);
    m.append("Max-Forwards", "70");
    assert.equal(m.maxForwards(), 70);
    m.prepend("Via", "SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bKtop");
    assert.equal(m.topVia().host.name, "198.51.100.7");
    assert.equal(m.vias().length, 2);
    m.remove("Max-Forwards");
    assert.equal(m.maxForwards(), undefined);
    m.append("Max-Forwards", "12");
    assert.equal(m.maxForwards(), 12);
    m.set("Call-ID", "changed");
    assert.equal(m.callId(), "changed");
    m.removeFirstValue("Via");
    assert.equal(m.topVia().host.name, "192.0.2.1");
    assert.match(serializeToString(m), /\r\nMax-Forwards: 12\r\n/);
  });
});
