// `duet servers start --tls`: both servers switch to TLS with a generated self-signed
// certificate; clients that trust it log in and register, plaintext logins are refused.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { RawSipTlsPeer } from "../helpers/raw-sip.js";
import { rawRegister } from "../helpers/raw-sip-flows.js";
import { RawLoginError, rawLoginTcp, rawLoginWebSocket } from "../helpers/raw-xmpp.js";
import { useSandbox } from "../helpers/sandbox.js";

describe("sandbox with --tls", () => {
  const sandbox = useSandbox({ tls: true });

  it("XMPP requires STARTTLS, and logs in over STARTTLS, direct TLS and secure WebSocket", async () => {
    const info = sandbox();
    assert.ok(info.caFile);
    const ca = readFileSync(info.caFile, "utf8");
    const creds = { domain: info.domains.xmpp, user: "alice", password: "alicepass", ca };
    await assert.rejects(
      rawLoginTcp(info.xmpp.tcpPort, creds),
      (e: unknown) => e instanceof RawLoginError && /PLAIN not offered|encryption/.test(e.message),
      "no login without TLS",
    );
    const starttls = await rawLoginTcp(info.xmpp.tcpPort, {
      ...creds,
      starttls: true,
      resource: "s",
    });
    assert.equal(starttls.starttls, "required");
    assert.equal(starttls.jid, "alice@chat.example.test/s");
    const direct = await rawLoginTcp(info.xmpp.directTlsPort!, {
      ...creds,
      directTls: true,
      resource: "d",
    });
    assert.equal(direct.jid, "alice@chat.example.test/d");
    assert.match(info.xmpp.websocketUrl, /^wss:/);
    const wss = await rawLoginWebSocket(info.xmpp.websocketUrl, { ...creds, resource: "w" });
    assert.equal(wss.jid, "alice@chat.example.test/w");
  });

  it("SIP registers over TLS with digest authentication; there is no plaintext SIP", async () => {
    const info = sandbox();
    assert.equal(info.sip.udpPort, null);
    assert.match(info.sip.proxyUri, /;transport=tls$/);
    assert.match(info.sip.websocketUrl, /^wss:/);
    const peer = await RawSipTlsPeer.open(info.sip.tlsPort!, readFileSync(info.caFile!, "utf8"));
    try {
      const ok = await rawRegister(peer, info, info.accounts.bob);
      assert.equal(ok.status, 200, ok.startLine);
    } finally {
      peer.close();
    }
  });
});
