// Roster versioning (RFC 6121 §2.6) against the sandbox's real servers: the version offered on
// the roster get ("" to start, §2.6.2), an empty result when it is current (§2.6.3), the full
// roster when it is not, pushes moving the version on, and a stored snapshot used by a new
// client instance. Plus, with a scripted connection, what happens when a server does not
// announce versioning (no 'ver' may be sent, §2.6.1–2.6.2).
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { XMPP_SERVERS } from "../../src/sandbox/index.js";
import type { XmppConnection } from "../../src/xmpp/connection.js";
import { MemoryLogger } from "../../src/xmpp/log.js";
import { NS } from "../../src/xmpp/protocol/namespaces.js";
import { Roster, type RosterLoad } from "../../src/xmpp/roster.js";
import { parseXml, type XmlElement } from "../../src/xmpp/xml.js";
import { useSandbox } from "../helpers/sandbox.js";
import { disconnectAll, eventually, freshAccount, makeClient, record } from "./support.js";

for (const server of XMPP_SERVERS)
  describe(`roster versioning (${server})`, () => {
    const sandbox = useSandbox({ xmppServer: server });
    after(disconnectAll);

    it("offers the cached version; an empty result keeps the roster, a stale version brings it all", async () => {
      const info = sandbox();
      const alice = freshAccount(info, "alice");
      const bob = freshAccount(info, "bob");
      const carol = freshAccount(info, "carol");
      const a1 = makeClient(info, alice, "a1").client;
      const a2 = makeClient(info, alice, "a2").client;
      const loadArgs: RosterLoad[] = [];
      a1.roster.events.on("loaded", (_items, load) => loadArgs.push(load));

      // First session: versioning is announced, nothing is cached, so the get offers "" (§2.6.2)
      // and the server sends the (empty) roster with a version.
      await a1.connect();
      assert.ok(
        a1.connection.offersStreamFeature("ver", NS.rosterVersioning),
        `${server} announces roster versioning`,
      );
      assert.equal(loadArgs.length, 1);
      assert.deepEqual(loadArgs[0], { answer: "full", offeredVer: "" });
      const v0 = a1.roster.ver;
      assert.ok(v0 !== undefined, "the server gave the roster a version");

      // Each change comes back as a push carrying the new version (§2.6.3). (Prosody 0.12 calls
      // a roster that never changed version "1" and numbers changes from 1, so the first push
      // may repeat the version of the empty roster; the second always moves it on.)
      const pushes = record(a1.roster.events, "push");
      await a1.roster.set({ jid: bob.jid, name: "Bo" });
      await eventually("the push of bob", () => pushes.length >= 1);
      const afterFirstPush = a1.roster.ver;
      await a1.roster.set({ jid: bob.jid, name: "Bob" });
      await eventually("the push of bob's new name", () => pushes.length >= 2);
      const v1 = a1.roster.ver;
      assert.ok(
        v1 !== undefined && v1 !== afterFirstPush,
        `the push moved the version on (${v0}, ${afterFirstPush} → ${v1})`,
      );

      // A new session with nothing changed: the version is offered and found current, so the
      // server answers with an empty result and the roster we hold stays.
      await a1.disconnect();
      await a1.connect();
      assert.deepEqual(loadArgs[1], { answer: "unchanged", offeredVer: v1 });
      assert.deepEqual(
        a1.roster.list().map((i) => [i.jid, i.name]),
        [[bob.jid, "Bob"]],
      );
      assert.equal(a1.roster.ver, v1);

      // Changed while a1 was away (by another resource): the version a1 offers is stale and the
      // roster comes back whole (or, as §2.6.3 allows, the changes come as pushes).
      await a1.disconnect();
      await a2.connect();
      await a2.roster.set({ jid: carol.jid, name: "Carol" });
      await eventually("the push of carol at a2", () => a2.roster.get(carol.jid) !== undefined);
      const v2 = a2.roster.ver;
      assert.ok(v2 !== undefined && v2 !== v1);
      await a1.connect();
      assert.equal(loadArgs[2]?.offeredVer, v1);
      await eventually(
        "a1 to hold carol and the version a2 holds",
        () => a1.roster.get(carol.jid)?.name === "Carol" && a1.roster.ver === v2,
      );
      assert.deepEqual(
        a1.roster
          .list()
          .map((i) => i.jid)
          .sort(),
        [bob.jid, carol.jid].sort(),
      );
      assert.equal(loadArgs.length, 3);

      // A restart: a new client instance given the stored snapshot offers its version and is
      // told it is current.
      const snapshot = a1.roster.snapshot();
      assert.ok(snapshot);
      assert.equal(snapshot.ver, v2);
      await a1.disconnect();
      const restarted = makeClient(info, alice, "a1").client;
      restarted.roster.restore(JSON.parse(JSON.stringify(snapshot)));
      const restartedLoads: RosterLoad[] = [];
      restarted.roster.events.on("loaded", (_items, load) => restartedLoads.push(load));
      await restarted.connect();
      assert.deepEqual(restartedLoads, [{ answer: "unchanged", offeredVer: v2 }]);
      assert.deepEqual(restarted.roster.list(), snapshot.items);
    });
  });

/**
 * Just enough of XmppConnection for Roster: the stream features, the roster gets it sends, and
 * scripted answers.
 */
function scriptedConnection(versioning: boolean, answers: XmlElement[]) {
  const sent: XmlElement[] = [];
  const conn = {
    bareJid: "alice@chat.example.test",
    offersStreamFeature: (name: string, ns: string) =>
      versioning && name === "ver" && ns === NS.rosterVersioning,
    handleIq: () => {},
    request: async (iq: XmlElement) => {
      sent.push(iq);
      const answer = answers.shift();
      if (!answer) throw new Error("no scripted answer left");
      return answer;
    },
  };
  return { conn: conn as unknown as XmppConnection, sent };
}

const fullRoster = (ver: string | null) =>
  parseXml(
    `<iq type='result'><query xmlns='jabber:iq:roster'${ver === null ? "" : ` ver='${ver}'`}>` +
      "<item jid='bob@chat.example.test' subscription='both'/></query></iq>",
  );
const emptyResult = () => parseXml("<iq type='result'/>");
const offered = (iq: XmlElement) => iq.getChild("query", NS.roster)?.attrs.ver;

describe("roster versioning with a scripted server", () => {
  it("sends no version when the server does not announce versioning, even with one cached", async () => {
    const { conn, sent } = scriptedConnection(false, [fullRoster(null), fullRoster(null)]);
    const roster = new Roster(conn, new MemoryLogger());
    roster.restore({ ver: "v7", items: [] });
    await roster.fetch();
    assert.equal(sent.length, 1);
    assert.equal(offered(sent[0]!), undefined);
    assert.equal(roster.ver, undefined, "a roster without a version replaces the cached one");
    assert.equal(roster.snapshot(), undefined);
    assert.deepEqual(
      roster.list().map((i) => i.jid),
      ["bob@chat.example.test"],
    );
  });

  it("keeps the roster on an empty result to the version it offered, and says so", async () => {
    const { conn, sent } = scriptedConnection(true, [fullRoster("v1"), emptyResult()]);
    const log = new MemoryLogger();
    const roster = new Roster(conn, log);
    const loads: RosterLoad[] = [];
    roster.events.on("loaded", (_items, load) => loads.push(load));
    await roster.fetch();
    await roster.fetch();
    assert.deepEqual(sent.map(offered), ["", "v1"]);
    assert.deepEqual(loads, [
      { answer: "full", offeredVer: "" },
      { answer: "unchanged", offeredVer: "v1" },
    ]);
    assert.deepEqual(
      roster.list().map((i) => i.jid),
      ["bob@chat.example.test"],
    );
    assert.deepEqual(log.warnings(), []);
  });
});
