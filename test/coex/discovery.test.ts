import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { askerIdentity, decideDiscovery, discoveryCallInfo } from "../../src/coex/discovery.js";

const bobSip = "sip:robert@voip.example.test";
const carol = "sip:+15550100@voip.example.test";

describe("REQ-4 discovery decision (PROFILE.md §4)", () => {
  it("believes P-Asserted-Identity only through the trusted proxy, else uses From", () => {
    assert.equal(
      askerIdentity({ fromUri: carol, assertedIdentity: bobSip, viaTrustedProxy: true }),
      bobSip,
    );
    assert.equal(
      askerIdentity({ fromUri: carol, assertedIdentity: bobSip, viaTrustedProxy: false }),
      carol,
    );
    assert.equal(askerIdentity({ fromUri: `"C" <${carol}>;tag=9`, viaTrustedProxy: true }), carol);
    assert.equal(askerIdentity({ fromUri: "garbage", viaTrustedProxy: false }), undefined);
  });

  it("roster rule: allows roster contacts whose SIP address is known, nobody else", () => {
    const known = [`${bobSip};gr=urn:uuid:1`];
    assert.deepEqual(
      decideDiscovery({ fromUri: bobSip, viaTrustedProxy: false }, ["roster"], known),
      {
        allowed: true,
        asker: bobSip,
        rule: "roster",
      },
    );
    assert.deepEqual(
      decideDiscovery({ fromUri: carol, viaTrustedProxy: false }, ["roster"], known),
      {
        allowed: false,
        asker: carol,
      },
    );
  });

  it("PAI decides when trusted: a spoofed From does not get through", () => {
    const d = decideDiscovery(
      { fromUri: bobSip, assertedIdentity: carol, viaTrustedProxy: true },
      ["roster"],
      [bobSip],
    );
    assert.equal(d.allowed, false);
  });

  it("domain, listed URI and anyone rules", () => {
    const a = { fromUri: carol, viaTrustedProxy: false };
    assert.equal(decideDiscovery(a, ["domain:voip.example.test"], []).allowed, true);
    assert.equal(decideDiscovery(a, ["domain:example.test"], []).allowed, false);
    assert.equal(decideDiscovery(a, ["sip:+15550100@VOIP.example.test"], []).allowed, true);
    assert.equal(decideDiscovery(a, ["sip:+15550199@voip.example.test"], []).allowed, false);
    assert.equal(decideDiscovery(a, ["*"], []).allowed, true);
    assert.equal(decideDiscovery(a, [], [carol]).allowed, false);
  });

  it("answers an allowed asker with the bare JID only", () => {
    assert.equal(
      discoveryCallInfo("alice@chat.example.test"),
      "<xmpp:alice@chat.example.test>;purpose=impp",
    );
  });
});
