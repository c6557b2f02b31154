// TLS against the sandbox started in TLS mode: STARTTLS (required by default), direct TLS
// (XEP-0368) and secure WebSocket succeed when the sandbox's CA is trusted, and fail with the
// reason "tls-failure" when it is not.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { XmppConnection } from "../../src/xmpp/connection.js";
import { XmppConnectionError } from "../../src/xmpp/errors.js";
import { MemoryLogger } from "../../src/xmpp/log.js";
import { useSandbox } from "../helpers/sandbox.js";

const run = promisify(execFile);
const probe = fileURLToPath(new URL("./tls-probe.js", import.meta.url));

describe("TLS (Prosody in TLS mode)", () => {
  const sandbox = useSandbox({ tls: true });
  const services = () => {
    const info = sandbox();
    return {
      starttls: info.xmpp.tcpUrl,
      "direct TLS": `xmpps://${info.xmpp.host}:${info.xmpp.directTlsPort}`,
      "secure WebSocket": info.xmpp.websocketUrl,
    };
  };

  it("connects with STARTTLS, direct TLS and wss when the CA is trusted", async () => {
    const info = sandbox();
    const { alice } = info.accounts;
    for (const [name, service] of Object.entries(services())) {
      const { stdout } = await run(process.execPath, [probe, service, alice.jid, alice.password], {
        env: { ...process.env, NODE_EXTRA_CA_CERTS: info.caFile ?? "" },
      });
      const result = JSON.parse(stdout.trim());
      assert.equal(result.ok, true, `${name}: ${stdout}`);
      assert.equal(result.secure, true, name);
      assert.equal(result.jid, `${alice.jid}/tls-probe`);
    }
  });

  it("fails with the reason tls-failure when the certificate is not trusted", async () => {
    const info = sandbox();
    const { alice } = info.accounts;
    for (const [name, service] of Object.entries(services())) {
      const c = new XmppConnection({
        jid: alice.jid,
        password: alice.password,
        service,
        reconnect: false,
        keepAlive: false,
        logger: new MemoryLogger(),
      });
      await assert.rejects(c.connect(), (err: unknown) => {
        assert.ok(err instanceof XmppConnectionError, `${name}: ${String(err)}`);
        assert.equal(err.reason, "tls-failure", `${name}: ${err.message}`);
        return true;
      });
    }
  });
});
