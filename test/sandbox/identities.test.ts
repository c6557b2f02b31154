// Sandbox identities (issue 8): the two services have different domains and, for bob and
// carol, different user parts, so nothing can pass a test by mapping one address to the other.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { describe, it } from "node:test";
import type { SandboxEndpointConfig } from "../../src/sandbox/index.js";
import { RawSipUdpPeer } from "../helpers/raw-sip.js";
import { rawRegister } from "../helpers/raw-sip-flows.js";
import { RawLoginError, rawLoginTcp } from "../helpers/raw-xmpp.js";
import { useSandbox } from "../helpers/sandbox.js";

const table = {
  alice: {
    jid: "alice@chat.example.test",
    aor: "sip:alice@voip.example.test",
    password: "alicepass",
  },
  bob: { jid: "bob@chat.example.test", aor: "sip:robert@voip.example.test", password: "bobpass" },
  carol: {
    jid: "carol@chat.example.test",
    aor: "sip:+15550100@voip.example.test",
    password: "carolpass",
  },
  mallory: {
    jid: "mallory@chat.example.test",
    aor: "sip:mallory@voip.example.test",
    password: "mallorypass",
  },
} as const;

describe("sandbox identities", () => {
  const sandbox = useSandbox();

  it("servers.json lists each account's jid, SIP aor and password as specified", () => {
    const info = sandbox();
    assert.deepEqual(info.domains, { xmpp: "chat.example.test", sip: "voip.example.test" });
    assert.deepEqual(Object.keys(info.accounts).sort(), ["alice", "bob", "carol", "mallory"]);
    for (const [name, want] of Object.entries(table)) {
      const a = info.accounts[name as keyof typeof table];
      assert.deepEqual({ jid: a.jid, aor: a.aor, password: a.password }, want, name);
    }
    // At least two accounts have different user parts on the two sides.
    const differing = Object.values(info.accounts).filter(
      (a) => a.jid.split("@")[0] !== a.aor.slice(4).split("@")[0],
    );
    assert.ok(differing.length >= 2);
  });

  it("each per-account endpoint config uses that account's own addresses, readable by the owner only", () => {
    const info = sandbox();
    for (const account of Object.values(info.accounts)) {
      const config = JSON.parse(readFileSync(account.config, "utf8")) as SandboxEndpointConfig;
      assert.equal(config.xmpp.jid, account.jid);
      assert.equal(config.sip.aor, account.aor);
      assert.equal(config.sip.username, account.aor.slice(4).split("@")[0]);
      assert.equal(config.xmpp.password, account.password);
      assert.equal(config.sip.password, account.password);
      assert.equal(config.xmpp.service, info.xmpp.tcpUrl);
      assert.equal(config.sip.proxy, info.sip.proxyUri);
      assert.equal(config.xmpp.tls, "none", "the plain sandbox says plaintext explicitly");
      assert.match(config.sip.instanceId, /^urn:uuid:[0-9a-f-]{36}$/);
      assert.equal(statSync(account.config).mode & 0o077, 0, "no access for group or others");
    }
  });

  it("bob exists as sip:robert on the SIP side only: SIP user 'bob' is refused, XMPP user 'robert' too", async () => {
    const info = sandbox();
    const peer = await RawSipUdpPeer.open(info.sip.udpPort!);
    try {
      const asRobert = await rawRegister(peer, info, info.accounts.bob);
      assert.equal(asRobert.status, 200, asRobert.startLine);
      const asBob = await rawRegister(peer, info, {
        aor: "sip:bob@voip.example.test",
        sipUser: "bob",
        password: "bobpass",
      });
      assert.equal(asBob.status, 403, asBob.startLine);
      const wrongPassword = await rawRegister(peer, info, {
        ...info.accounts.bob,
        password: "alicepass",
      });
      assert.equal(wrongPassword.status, 401, "a wrong password is challenged again");
    } finally {
      peer.close();
    }
    await assert.rejects(
      rawLoginTcp(info.xmpp.tcpPort, {
        domain: "chat.example.test",
        user: "robert",
        password: "bobpass",
      }),
      (e: unknown) => e instanceof RawLoginError && /not-authorized/.test(e.message),
    );
    const carol = await rawLoginTcp(info.xmpp.tcpPort, {
      domain: "chat.example.test",
      user: "carol",
      password: "carolpass",
    });
    assert.match(carol.jid, /^carol@chat\.example\.test\//);
  });

  it("the registrar gives a GRUU (RFC 5627) to a REGISTER with +sip.instance and Supported: gruu", async () => {
    const info = sandbox();
    const peer = await RawSipUdpPeer.open(info.sip.udpPort!);
    try {
      const instance = randomUUID();
      const ok = await rawRegister(peer, info, info.accounts.carol, { instance });
      assert.equal(ok.status, 200);
      const contact = ok.all("contact").join(",");
      assert.match(contact, /pub-gruu="sip:\+15550100@voip\.example\.test;gr=urn:uuid:[0-9a-f-]+"/);
      assert.ok(contact.includes(instance), "the GRUU names this instance");
    } finally {
      peer.close();
    }
  });
});
