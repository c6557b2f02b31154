import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCallInfo, serializeCallInfo } from "../../../src/coex/wire/call-info.js";
import { goldenPairs } from "./golden.js";

const T1 = "AAAAAAAAAAAAAAAAAAAAAA";
const T2 = "_____________________w";

describe("Call-Info purpose=impp (RFC 6993, PROFILE.md §3.1)", () => {
  const pairs = goldenPairs("call-info", "txt");
  it("has golden files", () => assert.ok(pairs.length >= 6));
  for (const { name, input, expected } of pairs) {
    it(`parses golden ${name}`, () => {
      assert.deepEqual(JSON.parse(JSON.stringify(parseCallInfo(input))), expected);
    });
  }

  it("serializes the INVITE form strictly and round-trips it", () => {
    const value = serializeCallInfo({
      jid: "bob@chat.example.test/duet",
      thread: "th 1",
      token: T1,
      echo: T2,
    });
    assert.equal(
      value,
      `<xmpp:bob@chat.example.test/duet?message;thread=th%201>;purpose=impp;token=${T1};echo=${T2}`,
    );
    assert.deepEqual(parseCallInfo(value).info, {
      jid: "bob@chat.example.test/duet",
      thread: "th 1",
      token: T1,
      echo: T2,
    });
  });

  it("serializes the OPTIONS form with a bare JID and nothing else (§4)", () => {
    assert.equal(
      serializeCallInfo({ jid: "alice@chat.example.test" }),
      "<xmpp:alice@chat.example.test>;purpose=impp",
    );
  });

  it("refuses to write a malformed token", () => {
    assert.throws(() => serializeCallInfo({ jid: "a@b.test", token: "x" }), {
      code: "malformed-token",
    });
    assert.throws(() => serializeCallInfo({ jid: "a@b.test", echo: `${T1}=` }), {
      code: "malformed-token",
    });
  });

  it("takes several header lines, the first impp entry winning", () => {
    const r = parseCallInfo([
      "<http://x.test/a.png>;purpose=icon",
      `<xmpp:a@b.test>;purpose=impp`,
      `<xmpp:c@d.test>;purpose=impp`,
    ]);
    assert.equal(r.info?.jid, "a@b.test");
  });

  it("never throws on hostile input", () => {
    for (const s of [
      "",
      "<",
      ">",
      "<<>>",
      ";;;",
      '"',
      '<xmpp:a@b>;purpose="impp',
      "<xmpp:%ZZ@b>;purpose=impp",
      "\u0000",
    ]) {
      const r = parseCallInfo(s);
      assert.equal(r.info?.token, undefined);
    }
  });
});
