import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NS, NS_AUDIO, NS_VIDEO } from "../../../src/coex/namespace.js";
import {
  activityElement,
  capabilitiesFromFeatures,
  discoFeatures,
  presenceSipElement,
  reachElement,
  readActivity,
  readPresenceSip,
  readReach,
} from "../../../src/coex/wire/presence-payload.js";
import { parseXml, serializeXml } from "../../../src/coex/wire/xml.js";

describe("presence payloads (PROFILE.md §2, REQ-3)", () => {
  it("writes <sip uri media call/> and nothing else (no token can be expressed)", () => {
    const xml = serializeXml(
      presenceSipElement({
        uri: "sip:alice@voip.example.test;gr=urn:uuid:1",
        media: ["audio", "video"],
        call: "busy",
      }),
    );
    assert.equal(
      xml,
      `<sip xmlns="${NS}" uri="sip:alice@voip.example.test;gr=urn:uuid:1" media="audio video" call="busy"/>`,
    );
    assert.deepEqual(readPresenceSip(parseXml(xml)), {
      uri: "sip:alice@voip.example.test;gr=urn:uuid:1",
      media: ["audio", "video"],
      call: "busy",
    });
  });

  it("reads <sip/> leniently: unknown call state and bad uri dropped", () => {
    assert.deepEqual(
      readPresenceSip(parseXml(`<sip xmlns="${NS}" uri="http://x" media="video" call="napping"/>`)),
      {
        media: ["video"],
      },
    );
    assert.equal(readPresenceSip(parseXml(`<sip xmlns="urn:x"/>`)), undefined);
  });

  it("writes and reads XEP-0152 <reach/>, keeping only SIP addresses", () => {
    const xml = serializeXml(reachElement(["sip:alice@voip.example.test"]));
    assert.equal(
      xml,
      `<reach xmlns="urn:xmpp:reach:0"><addr uri="sip:alice@voip.example.test"/></reach>`,
    );
    const read = readReach(
      parseXml(
        `<reach xmlns="urn:xmpp:reach:0"><addr uri="tel:+1555"/><addr uri="sip:robert@voip.example.test"><desc>x</desc></addr><addr/></reach>`,
      ),
    );
    assert.deepEqual(read, ["sip:robert@voip.example.test"]);
  });

  it("writes XEP-0108 talking/on_the_phone, on_video_phone and the clearing form", () => {
    assert.equal(
      serializeXml(activityElement("on_the_phone")),
      `<activity xmlns="http://jabber.org/protocol/activity"><talking><on_the_phone/></talking></activity>`,
    );
    assert.equal(readActivity(activityElement("on_video_phone")), "on_video_phone");
    assert.equal(
      serializeXml(activityElement(undefined)),
      `<activity xmlns="http://jabber.org/protocol/activity"/>`,
    );
    assert.equal(readActivity(activityElement(undefined)), undefined);
  });

  it("advertises and reads the disco features NS, NS#audio, NS#video", () => {
    assert.deepEqual(discoFeatures(["audio", "video"]), [NS, NS_AUDIO, NS_VIDEO]);
    assert.deepEqual(discoFeatures(["audio"]), [NS, NS_AUDIO]);
    assert.equal(NS_AUDIO, "urn:x-duet:coex:0#audio");
    assert.deepEqual(capabilitiesFromFeatures(["urn:xmpp:jingle:1", NS, NS_VIDEO]), {
      integrated: true,
      media: ["video"],
    });
    assert.deepEqual(capabilitiesFromFeatures(["http://jabber.org/protocol/disco#info"]), {
      integrated: false,
      media: [],
    });
  });
});
