// Run by tls.test.ts in a child process whose NODE_EXTRA_CA_CERTS trusts the sandbox's CA
// (Node reads it only at start-up): connects once with TLS required and prints the outcome.
// Usage: node tls-probe.js SERVICE JID PASSWORD
import { XmppConnection } from "../../src/xmpp/connection.js";
import { MemoryLogger } from "../../src/xmpp/log.js";

const [service, jid, password] = process.argv.slice(2) as [string, string, string];
const connection = new XmppConnection({
  jid,
  password,
  resource: "tls-probe",
  service,
  tls: "required",
  reconnect: false,
  keepAlive: false,
  logger: new MemoryLogger(),
});
try {
  const session = await connection.connect();
  console.log(JSON.stringify({ ok: true, jid: session.jid, secure: connection.secure }));
  await connection.disconnect();
} catch (err) {
  const e = err as { reason?: string; message?: string };
  console.log(JSON.stringify({ ok: false, reason: e.reason, message: e.message }));
}
