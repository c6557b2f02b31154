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
  it("counts the 1023-octet limit of each part in UTF-8 (RFC 7622 §3)", () => {
    const utf8 = (s: string) => new TextEncoder().encode(s).length;
    const cases = [
      "x".repeat(1023), // 1023 octets
      "x".repeat(1024),
      "é".repeat(511), // 2 octets each: 1022
      "é".repeat(512),
      "€".repeat(341), // 3 octets each: 1023
      "€".repeat(342),
      "😀".repeat(255), // a surrogate pair, 4 octets: 1020
      "😀".repeat(256),
      `${"€".repeat(340)}\ud800x`, // a lone surrogate counts as U+FFFD, 3 octets: 1024
      `${"€".repeat(340)}\udc00`, // 1023
    ];
    for (const resource of cases) {
      const fits = utf8(resource) <= 1023;
      assert.equal(parseJid(`a@b/${resource}`) !== null, fits, `${utf8(resource)} octets`);
    }
  });
  it("answers the same for a text seen before, and stays right past its memory's bound", () => {
    // Every stanza's addresses are parsed by several layers: the results are remembered.
    const first = parseJid("Bob@Chat.Example.Test/Desk");
    assert.equal(parseJid("Bob@Chat.Example.Test/Desk"), first, "the same object again");
    assert.ok(Object.isFrozen(first), "shared results cannot be changed by one reader");
    assert.equal(bareJid("Bob@Chat.Example.Test/Desk"), "bob@chat.example.test");
    assert.equal(normalJid("Bob@Chat.Example.Test/Desk"), "bob@chat.example.test/Desk");
    assert.equal(parseJid("a@b/"), null);
    assert.equal(parseJid("a@b/"), null, "a rejected text stays rejected");
    // Far more distinct addresses than are remembered, then the first ones again.
    for (let i = 0; i < 5000; i++) {
      assert.equal(bareJid(`user${i}@Example.Test/r${i}`), `user${i}@example.test`);
    }
    for (let i = 0; i < 10; i++) {
      assert.deepEqual(parseJid(`user${i}@Example.Test/r${i}`), {
        local: `user${i}`,
        domain: "example.test",
        resource: `r${i}`,
      });
    }
    // A text longer than any address is answered but not kept.
    const long = `a@b/${"x".repeat(900)}`;
    assert.equal(parseJid(long)?.resource.length, 900);
    assert.equal(bareJid(long), "a@b");
  });
});
