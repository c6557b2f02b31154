import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bareJid, formatJid, normalJid, parseJid } from "../../src/xmpp/jid.js";

describe("JIDs (RFC 7622)", () => {
  it("parses full, bare and domain JIDs, lower-casing local and domain", () => {
    assert.deepEqual(parseJid("Alice@Chat.Example.Test/Phone"), {
      local: "alice",
      domain: "chat.example.test",
      resource: "Phone",
    });
    assert.equal(formatJid(parseJid("chat.example.test")!), "chat.example.test");
    assert.equal(bareJid("a@b/c/d"), "a@b");
    assert.equal(parseJid("a@b/c/d")?.resource, "c/d");
  });
  it("rejects what is not a JID, without throwing", () => {
    for (const bad of ["", "a@", "@b", "a@b/", "a b@c", "a@b@c", 'a"@b', "a@b c", undefined, 42]) {
      assert.equal(parseJid(bad), null, String(bad));
    }
    assert.equal(normalJid(`${"x".repeat(1024)}@b`), null);
  });
});
