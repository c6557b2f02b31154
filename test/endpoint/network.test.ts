// The endpoint's choice of local address (what SIP and RTP bind and advertise) and the proxy's
// addresses (whose P-Asserted-Identity is trusted), on this machine's real resolver and routes.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseLocalAddress } from "../../src/endpoint/config/fields.js";
import { addressesOf, localAddressTowards } from "../../src/endpoint/network.js";

describe("local address and proxy addresses", () => {
  it("takes the loopback address for a proxy on loopback", async () => {
    assert.equal(await localAddressTowards("127.0.0.1", 5060), "127.0.0.1");
    assert.equal(await localAddressTowards("localhost", 5060), "127.0.0.1");
  });

  it("resolves a proxy's name to its addresses; an IP stands for itself", async () => {
    assert.ok((await addressesOf("localhost")).has("127.0.0.1"));
    assert.deepEqual([...(await addressesOf("127.0.0.1"))], ["127.0.0.1"]);
    assert.ok((await addressesOf("[::1]")).has("::1"));
    // A name that does not resolve trusts nothing but the name itself (no IP matches it).
    const none = await addressesOf("no-such-host.invalid");
    assert.deepEqual([...none], ["no-such-host.invalid"]);
  });

  it("says a proxy that cannot be resolved cannot be reached", async () => {
    await assert.rejects(localAddressTowards("no-such-host.invalid", 5060), /ENOTFOUND|EAI_AGAIN/);
  });

  it("sip.localAddress takes IP addresses only", () => {
    assert.deepEqual(parseLocalAddress("192.168.1.20"), { ok: true, value: "192.168.1.20" });
    assert.deepEqual(parseLocalAddress("[fe80::1]"), { ok: true, value: "fe80::1" });
    const bad = parseLocalAddress("my-laptop.local");
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? "" : bad.message, /not an IP address .*reaches sip\.proxy/);
  });
});
