// `duet servers start --xmpp ejabberd`: the same accounts and features on ejabberd, for the
// tests that must pass against both XMPP servers; nothing listens beyond 127.0.0.1.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { describe, it } from "node:test";
import { addXmppAccount, SANDBOX_IDENTITIES, sandboxStatus } from "../../src/sandbox/index.js";
import { rawLoginTcp, rawLoginWebSocket } from "../helpers/raw-xmpp.js";
import { useSandbox } from "../helpers/sandbox.js";

describe("sandbox with --xmpp ejabberd", () => {
  const sandbox = useSandbox({ xmppServer: "ejabberd" });

  it("runs ejabberd and Kamailio, both answering", async () => {
    const info = sandbox();
    assert.equal(info.xmpp.server, "ejabberd");
    assert.ok(info.pids.ejabberd && info.pids.kamailio);
    const status = await sandboxStatus(info.dir);
    assert.deepEqual(
      [status.xmpp.server, status.xmpp.answering, status.sip.answering],
      ["ejabberd", true, true],
    );
  });

  it("every account logs in over TCP and WebSocket, and the features tests rely on are there", async () => {
    const info = sandbox();
    for (const id of SANDBOX_IDENTITIES) {
      const creds = { domain: info.domains.xmpp, user: id.xmppUser, password: id.password };
      const tcp = await rawLoginTcp(info.xmpp.tcpPort, {
        ...creds,
        resource: "tcp",
        disco: id.name === "alice" ? [info.domains.xmpp, ""] : [],
      });
      assert.equal(tcp.jid, `${info.accounts[id.name].jid}/tcp`);
      if (id.name === "alice") {
        assert.ok(tcp.boundFeatures.includes("urn:xmpp:sm:3"), tcp.boundFeatures.join(" "));
        const server = tcp.disco[info.domains.xmpp]!;
        for (const f of ["urn:xmpp:carbons:2", "urn:xmpp:ping", "vcard-temp"]) {
          assert.ok(server.includes(f), `ejabberd lacks ${f}: ${server.join(" ")}`);
        }
        const account = tcp.disco[""]!;
        assert.ok(account.includes("urn:xmpp:mam:2"), account.join(" "));
        assert.ok(account.includes("http://jabber.org/protocol/pubsub#publish"), account.join(" "));
      }
      const ws = await rawLoginWebSocket(info.xmpp.websocketUrl, { ...creds, resource: "ws" });
      assert.equal(ws.jid, `${info.accounts[id.name].jid}/ws`);
    }
  });

  it("a fresh account can be added to the running server", async () => {
    const info = sandbox();
    const jid = addXmppAccount(info, "dave", "davepass");
    assert.equal(jid, "dave@chat.example.test");
    const login = await rawLoginTcp(info.xmpp.tcpPort, {
      domain: info.domains.xmpp,
      user: "dave",
      password: "davepass",
    });
    assert.match(login.jid, /^dave@chat\.example\.test\//);
  });

  it("listens on 127.0.0.1 only (Erlang distribution included)", () => {
    const info = sandbox();
    const out = execFileSync("ss", ["-lntupH"], { encoding: "utf8" });
    const mine = out
      .split("\n")
      .filter((l) => new RegExp(`pid=${info.pids.ejabberd}\\b`).test(l) || /beam\.smp/.test(l));
    const ours = mine.filter((l) => l.includes("beam.smp"));
    assert.ok(ours.length > 0, "ejabberd's sockets are visible");
    for (const line of ours) {
      const local = line.trim().split(/\s+/)[4] ?? "";
      assert.ok(
        local.startsWith("127.0.0.1:") || local.startsWith("[::1]:"),
        `listens on ${local}`,
      );
    }
  });
});
