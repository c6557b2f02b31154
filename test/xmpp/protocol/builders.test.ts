// What we send, exactly: each builder's output as XML text.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildActivity, parseActivity } from "../../../src/xmpp/protocol/activity.js";
import { buildCarbonsEnable, parseCarbon } from "../../../src/xmpp/protocol/carbons.js";
import { buildMamQuery, parseMamFin, parseMamResult } from "../../../src/xmpp/protocol/mam.js";
import { buildMessage } from "../../../src/xmpp/protocol/message.js";
import { buildPresence } from "../../../src/xmpp/protocol/presence.js";
import { buildPublish, parsePubsubEvent } from "../../../src/xmpp/protocol/pubsub.js";
import { buildReach, parseReach } from "../../../src/xmpp/protocol/reachability.js";
import { buildRosterRemove, buildRosterSet } from "../../../src/xmpp/protocol/roster.js";
import {
  buildStanzaErrorElement,
  parseStanzaError,
} from "../../../src/xmpp/protocol/stanza-error.js";
import { buildVCardSet, parseVCard } from "../../../src/xmpp/protocol/vcard.js";
import { parseXml, xml } from "../../../src/xmpp/xml.js";

describe("message builder", () => {
  it("writes body, thread, receipt request, origin-id and extensions", () => {
    const sip = xml("sip", { xmlns: "urn:duet:sip:0" }, xml("uri", {}, "sip:a@b"));
    const el = buildMessage({
      to: "bob@chat.example.test",
      id: "m1",
      body: "hi <there>",
      thread: { id: "t1", parent: "t0" },
      requestReceipt: true,
      originId: "m1",
      extensions: [sip],
    });
    assert.equal(
      el.toString(),
      '<message to="bob@chat.example.test" type="chat" id="m1"><body>hi &lt;there&gt;</body>' +
        '<thread parent="t0">t1</thread><request xmlns="urn:xmpp:receipts"/>' +
        '<origin-id xmlns="urn:xmpp:sid:0" id="m1"/>' +
        '<sip xmlns="urn:duet:sip:0"><uri>sip:a@b</uri></sip></message>',
    );
    // The caller's element is copied, not moved.
    assert.equal(sip.parent, null);
  });
  it("asks for no receipt without an id (XEP-0184 §5.4) and writes a receipt", () => {
    assert.doesNotMatch(
      buildMessage({ to: "b@c", body: "x", requestReceipt: true }).toString(),
      /request/,
    );
    assert.equal(
      buildMessage({ to: "b@c/r", id: "r1", receiptFor: "m1" }).toString(),
      '<message to="b@c/r" type="chat" id="r1"><received xmlns="urn:xmpp:receipts" id="m1"/></message>',
    );
  });
});

describe("presence builder", () => {
  it("writes show, status, priority and payloads; omits type for available", () => {
    assert.equal(
      buildPresence({
        show: "away",
        status: "lunch",
        priority: 5,
        extensions: [xml("x", { xmlns: "urn:e" })],
      }).toString(),
      '<presence><show>away</show><status>lunch</status><priority>5</priority><x xmlns="urn:e"/></presence>',
    );
    assert.equal(
      buildPresence({ to: "b@c", type: "subscribe" }).toString(),
      '<presence to="b@c" type="subscribe"/>',
    );
  });
  it("refuses a priority outside −128…127", () => {
    assert.throws(() => buildPresence({ priority: 200 }), RangeError);
    assert.throws(() => buildPresence({ priority: 1.5 }), RangeError);
  });
});

describe("roster builders", () => {
  it("writes set with groups and remove", () => {
    assert.equal(
      buildRosterSet({ jid: "bob@c", name: "Bob", groups: ["A"] }).toString(),
      '<iq type="set"><query xmlns="jabber:iq:roster"><item jid="bob@c" name="Bob"><group>A</group></item></query></iq>',
    );
    assert.equal(
      buildRosterRemove("bob@c").toString(),
      '<iq type="set"><query xmlns="jabber:iq:roster"><item jid="bob@c" subscription="remove"/></query></iq>',
    );
  });
});

describe("stanza errors", () => {
  it("round-trip, and a missing condition reads as undefined-condition", () => {
    const el = xml(
      "iq",
      { type: "error" },
      buildStanzaErrorElement({ type: "auth", condition: "forbidden", text: "no" }),
    );
    assert.deepEqual(parseStanzaError(el), { type: "auth", condition: "forbidden", text: "no" });
    assert.deepEqual(parseStanzaError(parseXml("<iq type='error'><error type='bogus'/></iq>")), {
      type: "cancel",
      condition: "undefined-condition",
    });
  });
});

describe("XEP-0313 MAM", () => {
  it("writes a query with form and RSM", () => {
    const q = buildMamQuery(
      "q1",
      { with: "bob@c", start: new Date("2026-01-01T00:00:00Z") },
      { max: 50, after: "a9" },
    );
    assert.equal(
      q.toString(),
      '<iq type="set"><query xmlns="urn:xmpp:mam:2" queryid="q1"><x xmlns="jabber:x:data" type="submit">' +
        '<field var="FORM_TYPE" type="hidden"><value>urn:xmpp:mam:2</value></field>' +
        '<field var="with"><value>bob@c</value></field>' +
        '<field var="start"><value>2026-01-01T00:00:00.000Z</value></field></x>' +
        '<set xmlns="http://jabber.org/protocol/rsm"><max>50</max><after>a9</after></set></query></iq>',
    );
  });
  it("reads results and fin", () => {
    const result = parseXml(
      "<message to='a@c/r'><result xmlns='urn:xmpp:mam:2' queryid='q1' id='A1'>" +
        "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:01Z'/>" +
        "<message xmlns='jabber:client' from='b@c/x' to='a@c' type='chat'><body>one</body></message>" +
        "</forwarded></result></message>",
    );
    const r = parseMamResult(result);
    assert.equal(r?.id, "A1");
    assert.equal(r?.forwarded.message.getChildText("body"), "one");
    assert.equal(r?.forwarded.delay?.stamp.toISOString(), "2026-01-01T00:00:01.000Z");
    const fin = parseMamFin(
      parseXml(
        "<iq type='result'><fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'>" +
          "<first>A1</first><last>A9</last><count>x</count></set></fin></iq>",
      ),
    );
    assert.deepEqual(fin, { complete: true, rsm: { first: "A1", last: "A9" } });
  });
});

describe("XEP-0280 carbons", () => {
  it("writes enable and unwraps sent copies", () => {
    assert.equal(
      buildCarbonsEnable().toString(),
      '<iq type="set"><enable xmlns="urn:xmpp:carbons:2"/></iq>',
    );
    const carbon = parseCarbon(
      parseXml(
        "<message from='a@c' to='a@c/r2'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" +
          "<message xmlns='jabber:client' from='a@c/r1' to='b@c' type='chat'><body>x</body></message></forwarded></sent></message>",
      ),
    );
    assert.equal(carbon?.direction, "sent");
    assert.equal(carbon?.forwarded.message.attrs.from, "a@c/r1");
  });
});

describe("XEP-0163/0108 PEP and User Activity", () => {
  it("publishes and reads an activity", () => {
    const payload = buildActivity({ general: "relaxing", specific: "reading", text: "a book" });
    assert.equal(
      buildPublish("http://jabber.org/protocol/activity", payload).toString(),
      '<iq type="set"><pubsub xmlns="http://jabber.org/protocol/pubsub"><publish node="http://jabber.org/protocol/activity">' +
        '<item id="current"><activity xmlns="http://jabber.org/protocol/activity"><relaxing><reading/></relaxing>' +
        "<text>a book</text></activity></item></publish></pubsub></iq>",
    );
    const event = parsePubsubEvent(
      parseXml(
        `<message from='b@c'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='http://jabber.org/protocol/activity'><item id='current'>${payload.toString()}</item></items></event></message>`,
      ),
    );
    assert.equal(event?.node, "http://jabber.org/protocol/activity");
    assert.deepEqual(parseActivity(event!.items[0]!.payload!), {
      general: "relaxing",
      specific: "reading",
      text: "a book",
    });
    assert.equal(parseActivity(buildActivity(null)), null);
    assert.equal(
      parseActivity(
        parseXml("<activity xmlns='http://jabber.org/protocol/activity'><flying/></activity>"),
      ),
      undefined,
    );
  });
});

describe("XEP-0152 reachability", () => {
  it("round-trips addresses and skips ones without a URI scheme", () => {
    const reach = buildReach([
      { uri: "sip:alice@voip.example.test", description: "Phone", lang: "en" },
    ]);
    assert.deepEqual(parseReach(reach), [
      { uri: "sip:alice@voip.example.test", description: "Phone", lang: "en" },
    ]);
    assert.deepEqual(
      parseReach(
        parseXml("<reach xmlns='urn:xmpp:reach:0'><addr uri='no-scheme'/><addr/></reach>"),
      ),
      [],
    );
  });
});

describe("XEP-0054 vCard", () => {
  it("round-trips known fields and keeps unknown ones", () => {
    const card = {
      fullName: "Alice A",
      nickname: "al",
      emails: ["alice@example.test"],
      phones: ["+15550100"],
      other: [xml("BDAY", {}, "2000-01-01")],
    };
    const vcard = buildVCardSet(card).getChild("vCard", "vcard-temp");
    const read = parseVCard(vcard);
    assert.equal(read.fullName, "Alice A");
    assert.deepEqual(read.emails, ["alice@example.test"]);
    assert.deepEqual(read.phones, ["+15550100"]);
    assert.deepEqual(read.other.map(String), ["<BDAY>2000-01-01</BDAY>"]);
  });
});
