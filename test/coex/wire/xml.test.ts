import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { element, findChild, parseXml, serializeXml, textOf } from "../../../src/coex/wire/xml.js";

describe("minimal XML tree", () => {
  it("parses attributes in either quote, entities, CDATA, comments and prefixes", () => {
    const el = parseXml(
      `<?xml version="1.0"?><!-- c --><a x='1 &amp; 2' y="&#x41;&#66;&lt;"><b>t&gt;<![CDATA[<raw>]]></b><!--x--><p:c xmlns:p="urn:p"/></a>`,
    );
    assert.equal(el.name, "a");
    assert.deepEqual(el.attrs, { x: "1 & 2", y: "AB<" });
    assert.equal(textOf(el), "t><raw>");
    assert.equal(el.children.length, 2);
  });

  it("serializes with escaping and xmlns first", () => {
    const xml = serializeXml(
      element("x", { b: `"<'&>`, xmlns: "urn:x", skip: undefined }, ["a<b", element("y")]),
    );
    assert.equal(xml, `<x xmlns="urn:x" b="&quot;&lt;&apos;&amp;&gt;">a&lt;b<y/></x>`);
    assert.deepEqual(parseXml(xml).attrs, { xmlns: "urn:x", b: `"<'&>` });
  });

  it("finds children by inherited namespace", () => {
    const el = parseXml(`<m xmlns="jabber:client"><thread>t</thread></m>`);
    assert.equal(textOf(findChild(el, "thread", "jabber:client")!), "t");
    assert.equal(findChild(el, "thread", "urn:other"), undefined);
  });

  it("throws only typed errors on malformed input", () => {
    const deep = `${"<a>".repeat(100)}${"</a>".repeat(100)}`;
    for (const bad of [
      "",
      "<",
      "<a",
      "<a>",
      "<a></b>",
      "<a x=1/>",
      "<a x='1/>",
      "<a/><b/>",
      "text",
      "<!--",
      deep,
      "<a><!--</a>",
    ]) {
      assert.throws(() => parseXml(bad), { code: "malformed-xml" }, bad);
    }
  });

  it("leaves unknown entities as written", () => {
    assert.equal(parseXml("<a>&nbsp;&#0;</a>").children[0], "&nbsp;&#0;");
  });
});
