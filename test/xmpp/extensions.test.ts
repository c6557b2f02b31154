// Acceptance: XEP-0280 carbons (a message sent from resource 1 appears as a sent carbon on
// resource 2), XEP-0163/0108 User Activity reaching a subscribed contact, XEP-0152
// reachability addresses, XEP-0054 vCard — all through the sandbox's Prosody.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { useSandbox } from "../helpers/sandbox.js";
import {
  befriend,
  disconnectAll,
  eventually,
  freshAccount,
  makeClient,
  record,
} from "./support.js";

describe("carbons, PEP, reachability and vCard (Prosody)", () => {
  const sandbox = useSandbox();
  after(disconnectAll);

  it("copies sent and received messages to the account's other resource (XEP-0280)", async () => {
    const info = sandbox();
    const aliceAccount = freshAccount(info, "alice");
    const a1 = makeClient(info, aliceAccount, "a1").client;
    const a2 = makeClient(info, aliceAccount, "a2", "websocket").client;
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await Promise.all([a1.connect(), a2.connect(), bob.connect()]);
    assert.ok(a1.carbons.enabled && a2.carbons.enabled);
    const atA2 = record(a2.messaging.events, "message");

    const id = a1.messaging.send({ to: bob.jid, body: "from resource 1" });
    await eventually("the sent carbon at a2", () => atA2.some((e) => e.message.id === id));
    const sent = atA2.find((e) => e.message.id === id)!;
    assert.equal(sent.route, "carbon");
    assert.equal(sent.direction, "outgoing");
    assert.equal(sent.message.body, "from resource 1");
    assert.equal(sent.message.from, a1.jid);

    const bobReceipts = record(bob.messaging.events, "receipt");
    const reply = bob.messaging.send({ to: a1.jid, body: "to resource 1" });
    await eventually("the received carbon at a2", () => atA2.some((e) => e.message.id === reply));
    const received = atA2.find((e) => e.message.id === reply)!;
    assert.deepEqual([received.route, received.direction], ["carbon", "incoming"]);
    // Only the addressed resource answers the receipt request, not the carbon's recipient.
    await eventually("the receipt at bob", () => bobReceipts.length > 0);
    assert.ok(bobReceipts.every((r) => r.from === a1.jid && r.id === reply));
  });

  it("delivers a published User Activity to a subscribed contact (XEP-0163, XEP-0108)", async () => {
    const info = sandbox();
    const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await Promise.all([alice.connect(), bob.connect()]);
    await befriend(alice, bob);
    const activities = record(bob.activity.events, "activity");
    await alice.activity.publish({ general: "relaxing", specific: "reading", text: "RFC 6121" });
    await eventually("alice's activity at bob", () =>
      activities.some(
        (a) => a.from === alice.connection.bareJid && a.activity?.general === "relaxing",
      ),
    );
    const got = activities.find((a) => a.activity?.general === "relaxing")!;
    assert.deepEqual(got.activity, { general: "relaxing", specific: "reading", text: "RFC 6121" });

    await alice.activity.publish(null);
    await eventually("the cleared activity at bob", () =>
      activities.some((a) => a.activity === null),
    );
  });

  it("announces reachability addresses in presence and over PEP (XEP-0152)", async () => {
    const info = sandbox();
    const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await Promise.all([alice.connect(), bob.connect()]);
    await befriend(alice, bob);
    const seen = record(alice.reachability.events, "reach");
    await bob.reachability.announce([
      { uri: "sip:robert@voip.example.test", description: "Desk phone" },
    ]);
    await eventually("bob's addresses via presence and PEP", () =>
      ["presence", "pep"].every((via) => seen.some((e) => e.via === via)),
    );
    for (const e of seen) {
      assert.deepEqual(e.addresses, [
        { uri: "sip:robert@voip.example.test", description: "Desk phone" },
      ]);
    }
    assert.equal(alice.reachability.addressesOf(bob.jid)[0]?.uri, "sip:robert@voip.example.test");
  });

  it("stores our vCard and reads it from another account (XEP-0054)", async () => {
    const info = sandbox();
    const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await Promise.all([alice.connect(), bob.connect()]);
    assert.deepEqual((await alice.vcard.get()).emails, []);
    await alice.vcard.set({
      fullName: "Alice Liddell",
      nickname: "alice",
      emails: ["alice@example.test"],
      phones: ["+15550123"],
      url: "https://example.test/alice",
      other: [],
    });
    const card = await bob.vcard.get(alice.connection.bareJid);
    assert.equal(card.fullName, "Alice Liddell");
    assert.equal(card.nickname, "alice");
    assert.deepEqual(card.emails, ["alice@example.test"]);
    assert.deepEqual(card.phones, ["+15550123"]);
    assert.equal(card.url, "https://example.test/alice");
  });
});
