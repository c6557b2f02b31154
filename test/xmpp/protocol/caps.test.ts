import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  buildCaps,
  capsInputProblem,
  capsVerificationString,
  computeCapsVer,
  parseCaps,
} from "../../../src/xmpp/protocol/caps.js";
import type { DiscoInfo } from "../../../src/xmpp/protocol/disco.js";
import { parseXml } from "../../../src/xmpp/xml.js";

const FEATURES = [
  "http://jabber.org/protocol/muc",
  "http://jabber.org/protocol/disco#info",
  "http://jabber.org/protocol/caps",
  "http://jabber.org/protocol/disco#items",
];

// XEP-0115 §5.2, "Simple Generation Example".
const simple: DiscoInfo = {
  identities: [{ category: "client", type: "pc", name: "Exodus 0.9.1" }],
  features: FEATURES,
  forms: [],
};

// XEP-0115 §5.3, "Complex Generation Example" (two identities in two languages, a form).
const complex: DiscoInfo = {
  identities: [
    { category: "client", type: "pc", name: "Psi 0.11", lang: "en" },
    { category: "client", type: "pc", name: "Ψ 0.11", lang: "el" },
  ],
  features: FEATURES,
  forms: [
    {
      type: "result",
      fields: [
        { var: "os_version", values: ["10.5.1"] },
        { var: "FORM_TYPE", type: "hidden", values: ["urn:xmpp:dataforms:softwareinfo"] },
        { var: "ip_version", values: ["ipv6", "ipv4"] },
        { var: "os", values: ["Mac"] },
        { var: "software", values: ["Psi"] },
        { var: "software_version", values: ["0.11"] },
      ],
    },
  ],
};

describe("XEP-0115 verification string and hash", () => {
  it("matches the XEP's simple example (§5.2)", async () => {
    assert.equal(
      capsVerificationString(simple),
      "client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<" +
        "http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<",
    );
    assert.equal(await computeCapsVer(simple), "QgayPKawpkPSDYmwT/WM94uAlu0=");
  });

  it("matches the XEP's complex example (§5.3), whatever the input order", async () => {
    assert.equal(
      capsVerificationString(complex),
      "client/pc/el/Ψ 0.11<client/pc/en/Psi 0.11<http://jabber.org/protocol/caps<" +
        "http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<" +
        "http://jabber.org/protocol/muc<urn:xmpp:dataforms:softwareinfo<ip_version<ipv4<ipv6<" +
        "os<Mac<os_version<10.5.1<software<Psi<software_version<0.11<",
    );
    assert.equal(await computeCapsVer(complex), "q07IKJEyjvHSyhy//CH0CxmKi8w=");
  });

  it("changes when a feature is added", async () => {
    const more = { ...simple, features: [...FEATURES, "urn:xmpp:receipts"] };
    assert.notEqual(await computeCapsVer(more), await computeCapsVer(simple));
  });

  it("refuses a hash function it cannot compute", async () => {
    await assert.rejects(computeCapsVer(simple, "md2"), /unsupported caps hash/);
  });
});

describe("XEP-0115 §5.4 input checks", () => {
  it("accepts the XEP's examples", () => {
    assert.equal(capsInputProblem(simple), null);
    assert.equal(capsInputProblem(complex), null);
  });
  it("rejects a duplicate identity", () => {
    const dup = { ...simple, identities: [...simple.identities, ...simple.identities] };
    assert.match(capsInputProblem(dup) ?? "", /same identity/);
  });
  it("rejects a duplicate feature", () => {
    assert.match(
      capsInputProblem({ ...simple, features: [...FEATURES, FEATURES[0]!] }) ?? "",
      /feature twice/,
    );
  });
  it("rejects a FORM_TYPE that is not hidden, and two forms of one FORM_TYPE", () => {
    const form = complex.forms[0]!;
    const visible = {
      ...form,
      fields: form.fields.map((f) => (f.var === "FORM_TYPE" ? { ...f, type: "text-single" } : f)),
    };
    assert.match(capsInputProblem({ ...complex, forms: [visible] }) ?? "", /not of type hidden/);
    assert.match(capsInputProblem({ ...complex, forms: [form, form] }) ?? "", /same FORM_TYPE/);
  });
});

describe("the <c/> element", () => {
  it("round-trips and ignores legacy caps without a hash", () => {
    const c = buildCaps({ hash: "sha-1", node: "https://example.test", ver: "abc=" });
    const presence = parseXml(`<presence>${c.toString()}</presence>`);
    assert.deepEqual(parseCaps(presence), {
      hash: "sha-1",
      node: "https://example.test",
      ver: "abc=",
    });
    const legacy = parseXml(
      "<presence><c xmlns='http://jabber.org/protocol/caps' node='n' ver='1.0' ext='x'/></presence>",
    );
    assert.equal(parseCaps(legacy), undefined);
  });
});
