import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PresenceBook } from "../../src/xmpp/presence.js";
import type { ReceivedPresence } from "../../src/xmpp/protocol/presence.js";

const p = (from: string, type: ReceivedPresence["type"], priority = 0): ReceivedPresence => ({
  from,
  type,
  priority,
  extensions: [],
});

describe("per-resource presence of contacts", () => {
  it("keeps each resource, highest priority first", () => {
    const book = new PresenceBook();
    book.apply(p("bob@c/phone", "available", 1));
    book.apply(p("bob@c/desk", "available", 10));
    assert.deepEqual(
      book.resources("Bob@C").map((r) => r.resource),
      ["desk", "phone"],
    );
    book.apply(p("bob@c/desk", "unavailable"));
    assert.deepEqual(
      book.resources("bob@c").map((r) => r.resource),
      ["phone"],
    );
    assert.ok(book.isAvailable("bob@c"));
  });
  it("ends every resource on unavailable or error from the bare JID", () => {
    const book = new PresenceBook();
    book.apply(p("bob@c/a", "available"));
    book.apply(p("bob@c/b", "available"));
    book.apply(p("bob@c", "error"));
    assert.equal(book.isAvailable("bob@c"), false);
    assert.deepEqual(book.availableContacts(), []);
  });
  it("ignores subscription presences and unparsable senders", () => {
    const book = new PresenceBook();
    assert.equal(book.apply(p("bob@c", "subscribe")), null);
    assert.equal(book.apply(p("not a jid@@", "available")), null);
    assert.deepEqual(book.availableContacts(), []);
  });
});
