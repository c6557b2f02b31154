// Acceptance: two of our clients exchange messages in a thread, with receipts, over TCP and
// over WebSocket, through the sandbox's real Prosody; extension payloads ride along; a message
// to a user who does not exist comes back as a typed stanza error.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { XMPP_SERVERS } from "../../src/sandbox/index.js";
import { xml } from "../../src/xmpp/xml.js";
import { useSandbox } from "../helpers/sandbox.js";
import {
  disconnectAll,
  eventually,
  freshAccount,
  makeClient,
  nextEvent,
  record,
  type Transport,
} from "./support.js";

// The starred acceptance items of issue 4 run against both Prosody and ejabberd.
for (const server of XMPP_SERVERS)
  describe(`messages between two of our clients (${server})`, () => {
    const sandbox = useSandbox({ xmppServer: server });
    after(disconnectAll);

    const combos: [Transport, Transport][] = [
      ["tcp", "tcp"],
      ["websocket", "websocket"],
      ["tcp", "websocket"],
    ];
    for (const [ta, tb] of combos) {
      it(`a threaded conversation with receipts, ${ta} ↔ ${tb}`, async () => {
        const info = sandbox();
        const alice = makeClient(info, freshAccount(info, "alice"), "a1", ta).client;
        const bob = makeClient(info, freshAccount(info, "bob"), "b1", tb).client;
        await alice.connect();
        await bob.connect();
        const bobGot = record(bob.messaging.events, "message");
        const aliceGot = record(alice.messaging.events, "message");
        const aliceReceipts = record(alice.messaging.events, "receipt");
        const bobReceipts = record(bob.messaging.events, "receipt");

        const thread = { id: `thread-${ta}-${tb}` };
        const sent = [
          alice.messaging.send({ to: bob.jid, body: "one", thread }),
          alice.messaging.send({ to: bob.jid, body: "two", thread }),
        ];
        await eventually("bob to get both messages", () => bobGot.length === 2);
        const reply = bob.messaging.send({ to: alice.jid, body: "three", thread });
        await eventually("alice to get the reply", () => aliceGot.length === 1);
        await eventually("both receipts at alice", () => aliceReceipts.length === 2);
        await eventually("the receipt at bob", () => bobReceipts.length === 1);

        assert.deepEqual(
          bobGot.map((e) => [
            e.message.body,
            e.message.thread?.id,
            e.message.from,
            e.direction,
            e.route,
          ]),
          [
            ["one", thread.id, alice.jid, "incoming", "live"],
            ["two", thread.id, alice.jid, "incoming", "live"],
          ],
        );
        // XEP-0359: the origin-id is our id; Prosody stamps a stanza-id by the receiving account.
        assert.deepEqual(
          bobGot.map((e) => e.message.originId),
          sent,
        );
        assert.ok(
          bobGot.every((e) => e.message.stanzaIds.some((s) => s.by === bob.connection.bareJid)),
        );
        assert.equal(aliceGot[0]!.message.thread?.id, thread.id);
        assert.deepEqual(aliceReceipts.map((r) => r.id).sort(), [...sent].sort());
        assert.ok(aliceReceipts.every((r) => r.from === bob.jid));
        assert.deepEqual(
          bobReceipts.map((r) => r.id),
          [reply],
        );
      });
    }

    it("carries arbitrary extension elements both ways", async () => {
      const info = sandbox();
      const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
      const bob = makeClient(info, freshAccount(info, "bob"), "b1", "websocket").client;
      await alice.connect();
      await bob.connect();
      const sip = xml(
        "sip",
        { xmlns: "urn:duet:sip:0", call: "c-42" },
        xml("uri", {}, "sip:alice@voip.example.test"),
      );
      const got = nextEvent(bob.messaging.events, "message", "the extension message");
      alice.messaging.send({ to: bob.jid, extensions: [sip] });
      const [event] = await got;
      assert.equal(event.message.body, undefined);
      assert.equal(event.message.extensions.length, 1);
      const ext = event.message.extensions[0]!;
      assert.ok(ext.is("sip", "urn:duet:sip:0"));
      assert.equal(ext.attrs.call, "c-42");
      assert.equal(ext.getChildText("uri"), "sip:alice@voip.example.test");
      // A body-less message asks for no receipt by default.
      assert.equal(event.message.receiptRequested, false);
    });

    it("reports a bounce as a typed stanza error", async () => {
      const info = sandbox();
      const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
      await alice.connect();
      const bounced = nextEvent(alice.messaging.events, "error", "the bounce");
      const id = alice.messaging.send({ to: "nobody-here@chat.example.test/x", body: "anyone?" });
      const [event] = await bounced;
      assert.equal(event.id, id);
      assert.equal(event.message.error?.condition, "service-unavailable");
      assert.equal(event.message.error?.type, "cancel");
    });
  });
