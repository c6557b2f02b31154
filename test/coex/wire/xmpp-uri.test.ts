import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseXmppUri, serializeXmppUri } from "../../../src/coex/wire/xmpp-uri.js";

describe("xmpp: URI (RFC 5122, XEP-0147)", () => {
  it("writes a full JID with a message/thread query", () => {
    assert.equal(
      serializeXmppUri({
        jid: "bob@chat.example.test/desk",
        action: "message",
        params: { thread: "T1" },
      }),
      "xmpp:bob@chat.example.test/desk?message;thread=T1",
    );
    assert.equal(
      serializeXmppUri({ jid: "bob@chat.example.test", params: {} }),
      "xmpp:bob@chat.example.test",
    );
  });

  it("percent-encodes what would break the URI or a SIP header", () => {
    const uri = serializeXmppUri({
      jid: "bob@chat.example.test/my phone;1>",
      action: "message",
      params: { thread: "a;b=c?d#e f>" },
    });
    assert.equal(
      uri,
      "xmpp:bob@chat.example.test/my%20phone%3B1%3E?message;thread=a%3Bb%3Dc%3Fd%23e%20f%3E",
    );
    assert.deepEqual(parseXmppUri(uri), {
      jid: "bob@chat.example.test/my phone;1>",
      action: "message",
      params: { thread: "a;b=c?d#e f>" },
    });
  });

  it("round-trips non-ASCII resources as UTF-8 percent-encoding", () => {
    const jid = "bob@chat.example.test/téléphone";
    const uri = serializeXmppUri({ jid, params: {} });
    assert.equal(uri, "xmpp:bob@chat.example.test/t%C3%A9l%C3%A9phone");
    assert.equal(parseXmppUri(uri).jid, jid);
  });

  it("parses liberally: scheme case, authority, fragment, unknown and repeated keys", () => {
    assert.deepEqual(
      parseXmppUri(
        "XMPP://alice@chat.example.test/bob@Chat.Example.Test?message;thread=T;x=1;thread=U#frag",
      ),
      {
        jid: "bob@chat.example.test",
        action: "message",
        params: { thread: "T", x: "1" },
      },
    );
  });

  it("rejects what has no JID or bad escapes", () => {
    assert.throws(() => parseXmppUri("sip:bob@x"), { code: "malformed-uri" });
    assert.throws(() => parseXmppUri("xmpp:"), { code: "malformed-uri" });
    assert.throws(() => parseXmppUri("xmpp:@chat.example.test"), { code: "malformed-uri" });
    assert.throws(() => parseXmppUri("xmpp:bob@chat.example.test/%E0%A4%A"), {
      code: "malformed-uri",
    });
    assert.throws(() => serializeXmppUri({ jid: "", params: {} }), { code: "malformed-uri" });
  });
});
