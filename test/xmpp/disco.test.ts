// Acceptance: XEP-0115 caps our client sends are verified by the other client via XEP-0030
// disco#info (and cached by ver); a caps hash that does not match its disco#info is rejected.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { XmppConnection } from "../../src/xmpp/connection.js";
import { MemoryLogger } from "../../src/xmpp/log.js";
import { buildCaps } from "../../src/xmpp/protocol/caps.js";
import { buildDiscoInfoResult } from "../../src/xmpp/protocol/disco.js";
import { NS } from "../../src/xmpp/protocol/namespaces.js";
import { buildPresence } from "../../src/xmpp/protocol/presence.js";
import { useSandbox } from "../helpers/sandbox.js";
import { disconnectAll, freshAccount, makeClient, nextEvent, serviceOf } from "./support.js";

describe("service discovery and entity capabilities (Prosody)", () => {
  const sandbox = useSandbox();
  const extra: XmppConnection[] = [];
  after(async () => {
    await disconnectAll();
    await Promise.all(extra.map((c) => c.disconnect()));
  });

  it("verifies a peer's caps via disco#info, then trusts the same ver from the cache", async () => {
    const info = sandbox();
    const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
    const bob = makeClient(info, freshAccount(info, "bob"), "b1", "websocket").client;
    const carol = makeClient(info, freshAccount(info, "carol"), "c1").client;
    await Promise.all([alice.connect(), bob.connect(), carol.connect()]);

    const verified = nextEvent(
      alice.disco.events,
      "verified",
      "bob's caps verified",
      (e) => e.jid === bob.jid,
    );
    bob.presence.sendDirected(alice.jid);
    const [event] = await verified;
    assert.equal(event.ver, await bob.disco.ownVer());
    assert.equal(event.cached, false);
    assert.ok(alice.disco.supports(bob.jid, "urn:xmpp:receipts"));
    assert.ok(alice.disco.supports(bob.jid, "http://jabber.org/protocol/activity+notify"));

    // carol runs the same software with the same features: same ver, no new query needed.
    const fromCache = nextEvent(
      alice.disco.events,
      "verified",
      "carol's caps",
      (e) => e.jid === carol.jid,
    );
    carol.presence.sendDirected(alice.jid);
    const [second] = await fromCache;
    assert.equal(second.cached, true);
    assert.equal(second.ver, event.ver);
  });

  it("rejects caps whose ver does not match the peer's disco#info", async () => {
    const info = sandbox();
    const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
    await alice.connect();
    // A peer that announces one ver but answers disco#info with something else.
    const liarAccount = freshAccount(info, "liar");
    const liar = new XmppConnection({
      jid: liarAccount.jid,
      password: liarAccount.password,
      resource: "x",
      service: serviceOf(info, "tcp"),
      tls: "none",
      logger: new MemoryLogger(),
      keepAlive: false,
    });
    extra.push(liar);
    const claimed = "QgayPKawpkPSDYmwT/WM94uAlu0="; // the XEP's example, not what it answers
    let asked: string | undefined;
    liar.handleIq("get", NS.discoInfo, "query", (query) => {
      asked = query.attrs.node;
      return {
        result: buildDiscoInfoResult(
          {
            identities: [{ category: "client", type: "bot", name: "Liar" }],
            features: [NS.discoInfo],
            forms: [],
          },
          query.attrs.node,
        ),
      };
    });
    await liar.connect();
    const rejected = nextEvent(alice.disco.events, "rejected", "the liar's caps rejected");
    liar.send(
      buildPresence({
        to: alice.jid,
        extensions: [buildCaps({ hash: "sha-1", node: "https://liar.example", ver: claimed })],
      }),
    );
    const [event] = await rejected;
    assert.equal(event.jid, liar.jid);
    assert.match(event.reason, /does not match/);
    assert.equal(asked, `https://liar.example#${claimed}`);
    assert.equal(alice.disco.capabilitiesOf(liar.jid), undefined);
  });

  it("queries the server's disco#info and answers queries for unknown nodes with an error", async () => {
    const info = sandbox();
    const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await Promise.all([alice.connect(), bob.connect()]);
    const server = await alice.disco.query(info.domains.xmpp);
    assert.ok(server.identities.some((i) => i.category === "server" && i.type === "im"));
    assert.ok(server.features.includes("urn:xmpp:carbons:2"));
    // MAM is a feature of the account (XEP-0313 §7), asked at the bare JID.
    const account = await alice.disco.query(alice.connection.bareJid);
    assert.ok(account.features.includes("urn:xmpp:mam:2"));
    await assert.rejects(
      alice.disco.query(bob.jid, "urn:nowhere#x"),
      (err: Error & { condition?: string }) => {
        assert.equal(err.name, "XmppStanzaError");
        assert.equal(err.condition, "item-not-found");
        return true;
      },
    );
  });
});
