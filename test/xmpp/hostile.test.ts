// Acceptance: malformed or hostile input from the server side (unknown elements, wrong-type
// attributes, an oversized stanza, a forged 'from' on a roster push, unparsable addresses) is
// ignored or rejected with a log line, never a crash. First through the real Prosody (a
// hostile contact), then from a hostile server (a fake one the test runs) for what Prosody
// itself would never let through.
import assert from "node:assert/strict";
import { createServer, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { XmppClient } from "../../src/xmpp/client.js";
import { XmppConnection } from "../../src/xmpp/connection.js";
import { XmppStanzaError } from "../../src/xmpp/errors.js";
import { MemoryLogger } from "../../src/xmpp/log.js";
import { NS } from "../../src/xmpp/protocol/namespaces.js";
import { type XmlElement, xml } from "../../src/xmpp/xml.js";
import { useSandbox } from "../helpers/sandbox.js";
import {
  disconnectAll,
  eventually,
  freshAccount,
  makeClient,
  record,
  serviceOf,
} from "./support.js";

describe("hostile input through Prosody", () => {
  const sandbox = useSandbox();
  const extra: XmppConnection[] = [];
  after(async () => {
    await disconnectAll();
    await Promise.all(extra.map((c) => c.disconnect()));
  });

  it("ignores or rejects what a hostile contact sends, with log lines, and keeps working", async () => {
    const info = sandbox();
    const { client: alice, log } = makeClient(info, freshAccount(info, "alice"), "a1", "tcp", {
      maxStanzaBytes: 20_000,
    });
    await alice.connect();
    const malloryAccount = freshAccount(info, "mallory");
    const mallory = new XmppConnection({
      jid: malloryAccount.jid,
      password: malloryAccount.password,
      resource: "m",
      service: serviceOf(info, "tcp"),
      tls: "none",
      logger: new MemoryLogger(),
      keepAlive: false,
    });
    extra.push(mallory);
    await mallory.connect();
    const messages = record(alice.messaging.events, "message");
    const presences = record(alice.presence.events, "update");
    const rosterPushes = record(alice.roster.events, "push");

    // Unknown elements and a wrong-type 'type' attribute: read liberally.
    mallory.send(
      xml(
        "message",
        { to: alice.jid, type: "shouting", id: "h1" },
        xml("body", {}, "odd but harmless"),
        xml("blink", { xmlns: "urn:example:nonsense", rate: "fast" }, xml("deeper", {})),
      ),
    );
    // Wrong-type values inside presence.
    mallory.send(
      xml("presence", { to: alice.jid }, xml("show", {}, "sleeping"), xml("priority", {}, "high")),
    );
    // Larger than alice accepts.
    mallory.send(
      xml(
        "message",
        { to: alice.jid, type: "chat", id: "big" },
        xml("body", {}, "x".repeat(50_000)),
      ),
    );
    // A forged carbon copy, pretending bob wrote to alice.
    mallory.send(
      xml(
        "message",
        { to: alice.jid, type: "chat" },
        xml(
          "received",
          { xmlns: NS.carbons },
          xml(
            "forwarded",
            { xmlns: NS.forward },
            xml(
              "message",
              {
                xmlns: "jabber:client",
                from: "bob@chat.example.test/b",
                to: alice.jid,
                type: "chat",
              },
              xml("body", {}, "forged"),
            ),
          ),
        ),
      ),
    );
    // A roster push from someone else (RFC 6121 §2.1.6): rejected.
    const forged = xml(
      "iq",
      { type: "set", to: alice.jid },
      xml(
        "query",
        { xmlns: NS.roster },
        xml("item", { jid: "evil@chat.example.test", subscription: "both" }),
      ),
    );
    await assert.rejects(mallory.request(forged, "forged roster push"), (err: unknown) => {
      assert.ok(err instanceof XmppStanzaError);
      assert.equal(err.condition, "service-unavailable");
      return true;
    });
    // Finally an ordinary message: alice is still alive and well.
    mallory.send(
      xml("message", { to: alice.jid, type: "chat", id: "h2" }, xml("body", {}, "still there?")),
    );
    await eventually("the ordinary message", () =>
      messages.some((m) => m.message.body === "still there?"),
    );

    assert.deepEqual(
      messages.map((m) => m.message.body),
      ["odd but harmless", "still there?"],
    );
    const odd = messages[0]!.message;
    assert.equal(odd.type, "normal");
    assert.ok(odd.extensions.some((e: XmlElement) => e.is("blink", "urn:example:nonsense")));
    assert.equal(presences.at(-1)?.presence.priority, 0);
    assert.equal(presences.at(-1)?.presence.show, undefined);
    assert.deepEqual(rosterPushes, []);
    assert.equal(alice.roster.get("evil@chat.example.test"), undefined);
    assert.equal(alice.connection.state, "online");
    const warnings = log.warnings().join("\n");
    assert.match(warnings, /over the 20000-byte limit/);
    assert.match(warnings, /<priority\/> "high"/);
    assert.match(warnings, /unknown <show\/> value "sleeping"/);
    assert.match(warnings, /carbons must come from our own account/);
    assert.match(warnings, /roster push from .*mallory/);
  });
});

/**
 * A fake XMPP server for one client: negotiates just enough (SASL PLAIN, bind) and then sends
 * `hostile` elements, answering any IQ with an empty result.
 */
function hostileServer(hostile: string[]): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let buffer = "";
    let stage: "auth" | "bind" | "online" = "auth";
    const header =
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " +
      "from='hostile.test' id='s1' version='1.0'>";
    socket.on("data", (data) => {
      buffer += String(data);
      if (buffer.includes("</stream:stream>")) {
        socket.end("</stream:stream>");
        return;
      }
      if (buffer.includes("<stream:stream") && stage === "auth" && !buffer.includes("<auth")) {
        socket.write(
          `${header}<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>`,
        );
        buffer = "";
        return;
      }
      if (stage === "auth" && buffer.includes("</auth>")) {
        socket.write("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        stage = "bind";
        buffer = "";
        return;
      }
      if (stage === "bind" && buffer.includes("<stream:stream") && !buffer.includes("<iq")) {
        socket.write(
          `${header}<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>`,
        );
        buffer = "";
        return;
      }
      for (const match of buffer.matchAll(/<iq [^>]*id="([^"]+)"[^>]*>/g)) {
        const id = match[1];
        if (stage === "bind") {
          socket.write(
            `<iq type='result' id='${id}'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>victim@hostile.test/r</jid></bind></iq>`,
          );
          stage = "online";
          setTimeout(() => socket.write(hostile.join("")), 50);
        } else {
          socket.write(`<iq type='result' id='${id}'/>`);
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf(">") + 1);
    });
    socket.on("error", () => {});
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({
        port,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

describe("hostile input from a hostile server", () => {
  it("drops stanzas with unparsable addresses and forged pushes, and stays online", async () => {
    const server = await hostileServer([
      // Unparsable 'from' and 'to' (these would throw inside @xmpp/client's JID parsing).
      "<message from='a@' type='chat'><body>bad from</body></message>",
      "<message to='@x' type='chat'><body>bad to</body></message>",
      // An element that is no stanza at all, in an unknown namespace.
      "<weird xmlns='urn:example:nonsense' n='NaN'/>",
      // A roster push from another entity, and one with no valid item.
      "<iq type='set' id='p1' from='someone@elsewhere.test'><query xmlns='jabber:iq:roster'><item jid='evil@x' subscription='both'/></query></iq>",
      "<iq type='set' id='p2'><query xmlns='jabber:iq:roster'><item jid='@@' subscription='both'/></query></iq>",
      // A presence of an unknown type, a message of an unknown type.
      "<presence from='peer@hostile.test/x' type='invisible'/>",
      "<message from='peer@hostile.test/x' type='42'><body>after all that</body></message>",
    ]);
    const log = new MemoryLogger();
    const client = new XmppClient({
      jid: "victim@hostile.test",
      password: "secret",
      resource: "r",
      service: `xmpp://127.0.0.1:${server.port}`,
      tls: "none",
      logger: log,
      keepAlive: false,
      reconnect: false,
      carbons: false,
    });
    try {
      const messages = record(client.messaging.events, "message");
      const pushes = record(client.roster.events, "push");
      await client.connect();
      await eventually("the last, well-formed message", () =>
        messages.some((m) => m.message.body === "after all that"),
      );
      assert.deepEqual(
        messages.map((m) => m.message.body),
        ["after all that"],
      );
      assert.deepEqual(pushes, []);
      assert.equal(client.connection.state, "online");
      const warnings = log.warnings().join("\n");
      assert.match(warnings, /'from' is not a JID/);
      assert.match(warnings, /'to' is not a JID/);
      assert.match(warnings, /roster push from someone@elsewhere\.test/);
      assert.match(warnings, /invalid jid "@@"/);
      assert.match(warnings, /unknown presence type "invisible"/);
    } finally {
      await client.disconnect();
      await server.close();
    }
  });
});
