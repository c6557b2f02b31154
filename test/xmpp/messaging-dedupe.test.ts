// Duplicate detection in Messaging, on a connection stand-in (the layer below): each message is
// handed to the application once, whichever copies of it arrive.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { XmppConnection } from "../../src/xmpp/connection.js";
import { TypedEmitter } from "../../src/xmpp/emitter.js";
import { MemoryLogger } from "../../src/xmpp/log.js";
import { Messaging } from "../../src/xmpp/messaging.js";
import { parseMessage } from "../../src/xmpp/protocol/message.js";
import { parseXml, type XmlElement } from "../../src/xmpp/xml.js";

const OWN = "alice@example.org";

function messagingOnStandIn(): { messaging: Messaging; live: (xml: string) => void } {
  const events = new TypedEmitter<{ message: [XmlElement] }>();
  const conn = {
    events,
    domain: "example.org",
    jid: `${OWN}/phone`,
    ownBareJid: OWN,
    send: () => {},
  } as unknown as XmppConnection;
  const messaging = new Messaging(conn, new MemoryLogger(), { autoReceipts: false });
  return { messaging, live: (xml) => events.emit("message", parseXml(xml)) };
}

const chat = (opts: { body: string; originId?: string; archiveId?: string }) =>
  `<message from='bob@example.org/laptop' to='${OWN}/phone' type='chat'><body>${opts.body}</body>` +
  (opts.originId ? `<origin-id xmlns='urn:xmpp:sid:0' id='${opts.originId}'/>` : "") +
  (opts.archiveId ? `<stanza-id xmlns='urn:xmpp:sid:0' by='${OWN}' id='${opts.archiveId}'/>` : "") +
  "</message>";

describe("Messaging duplicate detection", () => {
  it("drops a resend with the same origin-id that the server archived under a new id", () => {
    const { messaging, live } = messagingOnStandIn();
    const bodies: string[] = [];
    messaging.events.on("message", (e) => bodies.push(e.message.body ?? ""));
    live(chat({ body: "one", originId: "o-1", archiveId: "a-1" }));
    live(chat({ body: "one", originId: "o-1", archiveId: "a-2" }));
    assert.deepEqual(bodies, ["one"]);
    assert.equal(messaging.newestArchiveId, "a-2");
  });

  it("drops the archived copy of a live message, by origin-id or, without one, by archive id", () => {
    const { messaging, live } = messagingOnStandIn();
    const seen: string[] = [];
    messaging.events.on("message", (e) => seen.push(`${e.route}:${e.message.body}`));
    live(chat({ body: "with", originId: "o-2", archiveId: "a-3" }));
    live(chat({ body: "without", archiveId: "a-4" }));
    const archived = (xml: string, id: string) =>
      messaging.deliver(parseMessage(parseXml(xml), "example.org", `${OWN}/phone`), "archive", id);
    archived(chat({ body: "with", originId: "o-2", archiveId: "a-3" }), "a-3");
    archived(chat({ body: "without", archiveId: "a-4" }), "a-4");
    archived(chat({ body: "new", archiveId: "a-5" }), "a-5");
    assert.deepEqual(seen, ["live:with", "live:without", "archive:new"]);
  });

  it("keeps messages without any id, and the same origin-id from two senders", () => {
    const { messaging, live } = messagingOnStandIn();
    const seen: string[] = [];
    messaging.events.on("message", (e) => seen.push(e.message.body ?? ""));
    live(chat({ body: "plain" }));
    live(chat({ body: "plain" }));
    live(chat({ body: "from bob", originId: "same" }));
    live(
      chat({ body: "from carol", originId: "same" }).replace(
        "bob@example.org",
        "carol@example.org",
      ),
    );
    assert.deepEqual(seen, ["plain", "plain", "from bob", "from carol"]);
  });
});
