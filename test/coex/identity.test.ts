import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  bareJid,
  sameSipIdentity,
  sipAor,
  sipDomain,
  tryParseSipAor,
} from "../../src/coex/identity.js";

describe("identities as the profile compares them", () => {
  it("reduces a JID to its bare form", () => {
    assert.equal(bareJid("Bob@Chat.Example.Test/Desk"), "bob@chat.example.test");
    assert.equal(bareJid("chat.example.test"), "chat.example.test");
  });

  it("reduces SIP URIs and header values to the AOR, dropping GRUU, port and params", () => {
    assert.equal(
      sipAor("sip:robert@VOIP.example.test:5060;transport=tcp"),
      "sip:robert@voip.example.test",
    );
    assert.equal(
      sipAor("sip:robert@voip.example.test;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"),
      "sip:robert@voip.example.test",
    );
    assert.equal(
      sipAor('"Bob" <sip:robert@voip.example.test>;tag=1'),
      "sip:robert@voip.example.test",
    );
    assert.equal(sipAor("sip:%2B15550100@voip.example.test"), "sip:+15550100@voip.example.test");
    assert.equal(sipDomain("sip:carol@Other.Test"), "other.test");
  });

  it("keeps the user part case-sensitive (RFC 3261 §19.1.4)", () => {
    assert.equal(sameSipIdentity("sip:Bob@voip.example.test", "sip:bob@voip.example.test"), false);
    assert.equal(
      sameSipIdentity("<sip:bob@voip.example.test>", "sip:bob@VOIP.example.test;gr"),
      true,
    );
  });

  it("rejects what is not a SIP URI with a user", () => {
    for (const bad of [
      "tel:+1555",
      "sip:voip.example.test",
      "xmpp:bob@chat.example.test",
      "<sip:a@b",
      "sip:%ZZ@x.test",
      "",
    ]) {
      assert.equal(tryParseSipAor(bad), undefined, bad);
    }
    assert.throws(() => sipAor("mailto:x@y"), { code: "malformed-uri" });
  });
});
