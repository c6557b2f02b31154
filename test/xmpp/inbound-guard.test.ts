import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { SeenKeys } from "../../src/xmpp/dedupe.js";
import { inboundProblem } from "../../src/xmpp/inbound-guard.js";
import { parseXml, xml } from "../../src/xmpp/xml.js";

/** A full collection (the test process is not started with --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

describe("inbound guard", () => {
  it("drops stanzas with unparsable addresses or too many bytes", () => {
    assert.match(
      inboundProblem(parseXml("<message from='a@'/>"), 1000) ?? "",
      /'from' is not a JID/,
    );
    assert.match(
      inboundProblem(parseXml("<iq to='@x' type='get'/>"), 1000) ?? "",
      /'to' is not a JID/,
    );
    const big = parseXml(`<message from='a@b'><body>${"x".repeat(2000)}</body></message>`);
    assert.match(inboundProblem(big, 1000) ?? "", /over the 1000-byte limit/);
  });
  it("lets through unknown children and non-stanza elements", () => {
    assert.equal(
      inboundProblem(
        parseXml("<message from='a@b'><weird xmlns='urn:x' n='NaN'/></message>"),
        1000,
      ),
      null,
    );
    assert.equal(inboundProblem(parseXml("<r xmlns='urn:xmpp:sm:3' h='not-a-number'/>"), 10), null);
  });
});

describe("duplicate memory", () => {
  const key = (id: string) => ({ scope: "s", id });
  it("recognises any key seen before and forgets the oldest beyond capacity", () => {
    const seen = new SeenKeys(3);
    for (const k of ["a", "b", "c"]) assert.equal(seen.firstTime(key(k)), true);
    assert.equal(seen.firstTime(key("b")), false);
    assert.equal(seen.firstTime(key("d")), true);
    assert.equal(seen.firstTime(key("e")), true);
    // Remembered: the newest 3 keys at least (here a, b and c are still the older generation).
    assert.equal(seen.firstTime(key("c")), false);
    for (const k of ["f", "g", "h", "i", "j", "k"]) assert.equal(seen.firstTime(key(k)), true);
    // Forgotten: anything older than the newest 2 × 3 keys.
    assert.equal(seen.firstTime(key("a")), true);
    assert.equal(seen.firstTime(key("d")), true);
  });
  it("keeps the same id apart in different scopes", () => {
    const seen = new SeenKeys(10);
    assert.equal(seen.firstTime({ scope: "alice@example.org", id: "1" }), true);
    assert.equal(seen.firstTime({ scope: "bob@example.org", id: "1" }), true);
    assert.equal(seen.firstTime({ scope: "alice@example.org", id: "1" }), false);
    assert.equal(seen.firstTime({ scope: "", id: "1" }), true);
  });
  it("always remembers the newest `capacity` keys", () => {
    const capacity = 5;
    const seen = new SeenKeys(capacity);
    for (let i = 0; i < 40; i++) {
      assert.equal(seen.firstTime(key(`k${i}`)), true);
      for (let back = 0; back < capacity && back <= i; back++) {
        assert.equal(seen.firstTime(key(`k${i - back}`)), false, `k${i - back} after k${i}`);
      }
    }
  });

  it("keeps ids read from the stream without the chunks they were parsed from", () => {
    // The parser hands out attribute values as views into the chunk they came in; kept as
    // such, 4000 ids would hold 4000 chunks of 4 KB (16 MB) alive.
    const parser = new xml.Parser();
    const seen = new SeenKeys(10_000);
    parser.on("element", (el) => {
      const id = el.getChild("origin-id")?.attrs.id;
      if (typeof id === "string") seen.firstTime({ scope: "alice@example.org", id });
    });
    parser.write("<stream>");
    collectGarbage();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 4000; i++) {
      const id = `${i}-${"0123456789abcdef".repeat(2)}`;
      const chunk = `<message id='${id}'><body>${"x".repeat(4096)}</body><origin-id xmlns='urn:xmpp:sid:0' id='${id}'/></message>`;
      // As a socket delivers it: one flat string per chunk.
      parser.write(Buffer.from(chunk).toString());
    }
    collectGarbage();
    const grown = process.memoryUsage().heapUsed - before;
    assert.ok(grown < 4_000_000, `the memory of 4000 ids grew the heap by ${grown} bytes`);
    assert.equal(
      seen.firstTime({ scope: "alice@example.org", id: `7-${"0123456789abcdef".repeat(2)}` }),
      false,
    );
  });
});
