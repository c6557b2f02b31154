// The value parsers shared by the file and the daemon flags, and the commented writer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  parseBareJid,
  parseHostPort,
  parseJsonWithComments,
  parseSipAor,
  parseSipProxy,
  parseXmppService,
  renderCommentedConfig,
  validateEndpointConfig,
} from "../../../src/endpoint/config/index.js";

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T => {
  if (!r.ok) assert.fail(r.message);
  return r.value;
};

describe("config value parsers", () => {
  it("parses host:port with IPv4, IPv6 in brackets and names", () => {
    assert.deepEqual(value(parseHostPort("127.0.0.1:0")), { host: "127.0.0.1", port: 0 });
    assert.deepEqual(value(parseHostPort("[::1]:8080")), { host: "::1", port: 8080 });
    assert.deepEqual(value(parseHostPort("LocalHost:1")), { host: "localhost", port: 1 });
    assert.equal(parseHostPort("::1:8080").ok, false, "IPv6 needs brackets");
    assert.equal(parseHostPort("[nope]:1").ok, false);
    assert.equal(parseHostPort("host:-1").ok, false);
  });

  it("gives each proxy transport its default port and keeps an explicit one", () => {
    assert.equal(
      value(parseSipProxy("sip:p.example;transport=UDP")).uri,
      "sip:p.example:5060;transport=udp",
    );
    assert.equal(value(parseSipProxy("sip:p.example;transport=tls")).port, 5061);
    assert.equal(value(parseSipProxy("sips:p.example")).uri, "sips:p.example:5061;transport=tls");
    assert.equal(
      value(parseSipProxy("sip:[2001:db8::1]:5080;lr;transport=tcp")).host,
      "[2001:db8::1]",
    );
    assert.equal(parseSipProxy("sip:p.example:0;transport=udp").ok, false);
  });

  it("accepts telephone-number and dotted user parts, refuses localparts with forbidden characters", () => {
    assert.equal(value(parseSipAor("sip:+15550100@voip.example.test")).user, "+15550100");
    assert.equal(value(parseSipAor("SIP:a.b@Example.COM")).uri, "sip:a.b@example.com");
    assert.equal(value(parseBareJid("o.brien+x@Example.com")), "o.brien+x@example.com");
  });

  it("refuses localparts RFC 7622 forbids and two @ signs", () => {
    for (const jid of [
      "a b@example.com",
      "a<b@example.com",
      "a@b@example.com",
      "@example.com",
      "a@",
    ]) {
      assert.equal(parseBareJid(jid).ok, false, jid);
    }
  });

  it("defaults the XMPP port by scheme", () => {
    assert.equal(value(parseXmppService("xmpp://example.com")).port, 5222);
    assert.equal(value(parseXmppService("xmpps://example.com/")).port, 5223);
    assert.equal(parseXmppService("xmpp://example.com:abc").ok, false);
  });
});

describe("the commented config writer", () => {
  it("writes JSON with comments that reads back to the same config", () => {
    const input = {
      version: 1 as const,
      xmpp: { jid: "a@b.example", service: "xmpp://b.example:5222", passwordFile: "a.password" },
      sip: {
        aor: "sip:a@c.example",
        proxy: "sip:c.example;transport=tcp",
        passwordEnv: "SIP_PW",
        instanceId: "urn:uuid:8a1b2c3d-1111-4222-8333-444455556666",
      },
      media: { codecs: { audio: ["PCMU", "opus"] as ("PCMU" | "opus")[] } },
      policy: { discovery: { allow: ["sip:x@y.example", "*"] } },
    };
    const text = renderCommentedConfig(input, ["heading line"]);
    assert.match(
      text,
      /^\/\/ heading line\n\{\n {2}\/\/ Config format version\.\n {2}"version": 1,\n/,
    );
    assert.match(text, /"audio": \["PCMU", "opus"\]/);
    const back = parseJsonWithComments(text);
    assert.ok(back.ok);
    if (back.ok) {
      assert.deepEqual(back.value, input);
      assert.equal(validateEndpointConfig(back.value).ok, true);
    }
  });
});
