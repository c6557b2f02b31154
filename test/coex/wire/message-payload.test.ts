import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { NS } from "../../../src/coex/namespace.js";
import {
  parseSipPayloadXml,
  readSipPayloadFromMessage,
  sipPayloadElement,
} from "../../../src/coex/wire/message-payload.js";
import { parseXml, serializeXml } from "../../../src/coex/wire/xml.js";
import { goldenPairs } from "./golden.js";

const T1 = "AAAAAAAAAAAAAAAAAAAAAA";
const S = "ab30317f1a784dc48ff824d0d3715d86";

describe("<sip/> message payload (PROFILE.md §3.1)", () => {
  const pairs = goldenPairs("sip-payload", "xml");
  it("has golden files", () => assert.ok(pairs.length >= 4));
  for (const { name, input, expected } of pairs) {
    it(`parses golden ${name}`, () => {
      assert.deepEqual(JSON.parse(JSON.stringify(parseSipPayloadXml(input))), expected);
    });
  }

  it("serializes strictly, in a fixed attribute order, and round-trips", () => {
    const xml = serializeXml(
      sipPayloadElement({
        uri: "sip:alice@voip.example.test",
        media: ["video", "audio"],
        token: T1,
        session: S,
      }),
    );
    assert.equal(
      xml,
      `<sip xmlns="${NS}" uri="sip:alice@voip.example.test" media="audio video" token="${T1}" session="${S}"/>`,
    );
    assert.deepEqual(parseSipPayloadXml(xml).payload, {
      uri: "sip:alice@voip.example.test",
      media: ["audio", "video"],
      token: T1,
      session: S,
    });
    assert.equal(
      serializeXml(sipPayloadElement({ echo: T1 })),
      `<sip xmlns="${NS}" echo="${T1}"/>`,
    );
  });

  it("refuses to write malformed values", () => {
    assert.throws(() => sipPayloadElement({ token: "guessed" }), { code: "malformed-token" });
    assert.throws(() => sipPayloadElement({ echo: `${T1.slice(0, 21)}B` }), {
      code: "malformed-token",
    });
    assert.throws(() => sipPayloadElement({ session: S.toUpperCase() }), {
      code: "malformed-session-id",
    });
    assert.throws(() => sipPayloadElement({ uri: "tel:+1555" }), { code: "malformed-uri" });
  });

  it("finds the payload in a message by namespace, ignoring look-alikes", () => {
    const msg = parseXml(
      `<message type="chat" xmlns="jabber:client"><thread>t</thread><body>hi</body>` +
        `<sip xmlns="urn:other" token="${T1}"/><sip xmlns="${NS}" echo="${T1}"/></message>`,
    );
    assert.deepEqual(readSipPayloadFromMessage(msg)?.payload, { echo: T1 });
    const plain = parseXml(
      `<message xmlns="jabber:client"><body>hi</body><sip token="${T1}"/></message>`,
    );
    assert.equal(readSipPayloadFromMessage(plain), undefined);
  });

  it("rejects an element that is not the profile's", () => {
    assert.throws(() => parseSipPayloadXml(`<sip xmlns="urn:other"/>`), { code: "malformed-xml" });
    assert.throws(() => parseSipPayloadXml(`<sip xmlns="${NS}"`), { code: "malformed-xml" });
  });
});
