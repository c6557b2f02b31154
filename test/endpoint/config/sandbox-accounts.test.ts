// The sandbox's per-account configs (DIR/accounts/NAME.json) are in the canonical schema: each
// loads cleanly through the loader and names that account's own JID and AOR — in the plain
// sandbox with plaintext said explicitly, in the TLS sandbox with TLS required and its CA.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadEndpointConfig } from "../../../src/endpoint/config/index.js";
import { useSandbox } from "../../helpers/sandbox.js";

for (const tls of [false, true]) {
  describe(`sandbox account configs (${tls ? "TLS" : "plain"})`, () => {
    const sandbox = useSandbox({ tls });

    it("every account's config loads and names its own jid and aor", () => {
      const info = sandbox();
      const instances = new Set<string>();
      for (const account of Object.values(info.accounts)) {
        const c = loadEndpointConfig(account.config, { env: {} });
        assert.equal(c.name, account.name);
        assert.equal(c.xmpp.jid, account.jid);
        assert.equal(c.sip.aor.uri, account.aor);
        assert.equal(c.sip.username, account.sipUser);
        assert.equal(c.xmpp.password, account.password);
        assert.equal(c.sip.password, account.password);
        assert.equal(c.sip.realm, info.domains.sip);
        assert.equal(c.xmpp.service.url, info.xmpp.tcpUrl);
        assert.equal(c.xmpp.websocket, info.xmpp.websocketUrl);
        assert.equal(c.sip.proxy.uri, info.sip.proxyUri);
        assert.equal(c.sip.websocket, new URL(info.sip.websocketUrl).href);
        if (tls) {
          assert.equal(c.xmpp.tls, "required");
          assert.equal(c.sip.proxy.transport, "tls");
          assert.equal(c.tls.caFile, info.caFile);
        } else {
          assert.equal(c.xmpp.tls, "none");
          assert.equal(c.sip.proxy.transport, "udp");
          assert.equal(c.tls.caFile, undefined);
        }
        assert.equal(c.daemon.store, account.config.replace(/\.json$/, ".sqlite"));
        instances.add(c.sip.instanceId);
      }
      assert.equal(instances.size, 4, "each account is its own SIP instance");
    });
  });
}
