// `duet init` against the sandbox's real Prosody and Kamailio: a config written from flags
// holds credentials that really log in (XMPP SASL) and register (SIP digest), and a wrong
// password written the same way is refused by both servers.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { type EndpointConfig, loadEndpointConfig } from "../../src/endpoint/config/index.js";
import type { SandboxAccount, SandboxInfo } from "../../src/sandbox/index.js";
import { RawSipUdpPeer } from "../helpers/raw-sip.js";
import { rawRegister } from "../helpers/raw-sip-flows.js";
import { RawLoginError, rawLoginTcp } from "../helpers/raw-xmpp.js";
import { useSandbox } from "../helpers/sandbox.js";
import { runDuet } from "./run-duet.js";

const root = mkdtempSync(join(tmpdir(), "duet-init-sandbox-"));
after(() => rmSync(root, { recursive: true, force: true }));

async function initFor(
  info: SandboxInfo,
  account: SandboxAccount,
  password: string,
): Promise<EndpointConfig> {
  const cwd = mkdtempSync(join(root, `${account.name}-`));
  const r = await runDuet(
    [
      "init",
      "--jid",
      account.jid,
      "--xmpp-service",
      info.xmpp.tcpUrl,
      "--xmpp-tls",
      "none",
      "--aor",
      account.aor,
      "--sip-username",
      account.sipUser,
      "--sip-proxy",
      info.sip.proxyUri,
      "--password-stdin",
      "--out",
      `${account.name}.json`,
    ],
    { cwd, input: `${password}\n` },
  );
  assert.equal(r.code, 0, r.stderr);
  return loadEndpointConfig(join(cwd, `${account.name}.json`), { env: {} });
}

async function xmppLogin(c: EndpointConfig) {
  const [user, domain] = c.xmpp.jid.split("@") as [string, string];
  return rawLoginTcp(c.xmpp.service.port, { domain, user, password: c.xmpp.password });
}

async function sipRegister(info: SandboxInfo, c: EndpointConfig) {
  const peer = await RawSipUdpPeer.open(c.sip.proxy.port);
  try {
    const account = { aor: c.sip.aor.uri, sipUser: c.sip.username, password: c.sip.password };
    return await rawRegister(peer, info, account);
  } finally {
    peer.close();
  }
}

describe("duet init against the sandbox", () => {
  const sandbox = useSandbox();

  it("writes bob's config (different user parts on each side) that logs in and registers", async () => {
    const info = sandbox();
    const bob = info.accounts.bob;
    const c = await initFor(info, bob, bob.password);
    assert.equal(c.xmpp.jid, "bob@chat.example.test");
    assert.equal(c.sip.aor.uri, "sip:robert@voip.example.test");
    const login = await xmppLogin(c);
    assert.match(login.jid, /^bob@chat\.example\.test\//);
    const reg = await sipRegister(info, c);
    assert.equal(reg.status, 200, reg.startLine);
  });

  it("a wrong password written by init is refused by both servers", async () => {
    const info = sandbox();
    const c = await initFor(info, info.accounts.carol, "not-carols-password");
    await assert.rejects(
      xmppLogin(c),
      (e: unknown) => e instanceof RawLoginError && /not-authorized/.test(e.message),
    );
    const reg = await sipRegister(info, c);
    assert.equal(reg.status, 401, "challenged again: the digest did not match");
  });
});
