// Acceptance: roster and subscription handshake (RFC 6121 §2, §3) between fresh accounts on the
// sandbox's Prosody; presence with an extension payload; roster pushes at a second resource;
// pre-approval (§3.4); removal.
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
} from "./support.js";

// The starred acceptance items of issue 4 run against both Prosody and ejabberd.
for (const server of XMPP_SERVERS)
  describe(`roster, subscriptions and presence (${server})`, () => {
    const sandbox = useSandbox({ xmppServer: server });
    after(disconnectAll);

    it("subscribes both ways, then delivers presence with a payload; pushes reach a second resource", async () => {
      const info = sandbox();
      const aliceAccount = freshAccount(info, "alice");
      const bobAccount = freshAccount(info, "bob");
      const a1 = makeClient(info, aliceAccount, "a1").client;
      const a2 = makeClient(info, aliceAccount, "a2", "websocket").client;
      const b1 = makeClient(info, bobAccount, "b1").client;
      await a1.connect();
      await a2.connect();
      await b1.connect();
      const pushesAtA2 = record(a2.roster.events, "push");
      const bobRequests = record(b1.subscriptions.events, "subscription");
      const aliceRequests = record(a1.subscriptions.events, "subscription");

      await a1.roster.set({ jid: bobAccount.jid, name: "Bee", groups: ["Friends"] });
      await eventually("the roster push at alice's second resource", () => pushesAtA2.length >= 1);
      const first = pushesAtA2[0]!;
      assert.equal(first.kind, "item");
      assert.equal(first.kind === "item" && first.item.name, "Bee");
      assert.deepEqual(a2.roster.get(bobAccount.jid)?.groups, ["Friends"]);

      // The handshake, §3.1: alice asks, bob approves and asks back, alice approves.
      a1.subscriptions.request(bobAccount.jid);
      await eventually("bob to see alice's request", () =>
        bobRequests.some((e) => e.type === "subscribe"),
      );
      assert.equal(bobRequests.find((e) => e.type === "subscribe")?.from, aliceAccount.jid);
      b1.subscriptions.approve(aliceAccount.jid);
      b1.subscriptions.request(aliceAccount.jid);
      await eventually("alice to see bob's approval and request", () =>
        ["subscribed", "subscribe"].every((t) => aliceRequests.some((e) => e.type === t)),
      );
      a1.subscriptions.approve(bobAccount.jid);
      await eventually(
        "a mutual subscription on both rosters and at alice's second resource",
        () =>
          a1.roster.get(bobAccount.jid)?.subscription === "both" &&
          a2.roster.get(bobAccount.jid)?.subscription === "both" &&
          b1.roster.get(aliceAccount.jid)?.subscription === "both",
      );

      // Presence with show, status, priority and Duet's payload reaches both of alice's resources.
      const payload = xml(
        "sip",
        { xmlns: "urn:duet:sip:0" },
        xml("aor", {}, "sip:robert@voip.example.test"),
      );
      const seen = nextEvent(
        a1.presence.events,
        "update",
        "bob's presence with the payload",
        (u) =>
          u.presence.show === "dnd" &&
          u.presence.extensions.some((e) => e.is("sip", "urn:duet:sip:0")),
      );
      const seenAtA2 = nextEvent(
        a2.presence.events,
        "update",
        "bob's presence at a2",
        (u) => u.presence.show === "dnd",
      );
      b1.presence.set({ show: "dnd", status: "in a call", priority: 7, extensions: [payload] });
      const [update] = await seen;
      await seenAtA2;
      assert.equal(update.contact, bobAccount.jid);
      assert.equal(update.resource, "b1");
      assert.equal(update.presence.status, "in a call");
      assert.equal(update.presence.priority, 7);
      const aor = update.presence.extensions
        .find((e) => e.is("sip", "urn:duet:sip:0"))
        ?.getChildText("aor");
      assert.equal(aor, "sip:robert@voip.example.test");
      assert.deepEqual(
        a1.presence.book.resources(bobAccount.jid).map((r) => [r.resource, r.presence.show]),
        [["b1", "dnd"]],
      );

      // Going offline removes the resource from the book.
      const gone = nextEvent(
        a1.presence.events,
        "update",
        "bob going offline",
        (u) => u.presence.type === "unavailable",
      );
      await b1.disconnect();
      await gone;
      assert.equal(a1.presence.book.isAvailable(bobAccount.jid), false);
    });

    // Pre-approval (RFC 6121 §3.4) is optional for servers and not in the ejabberd
    // subset: ejabberd 23.01 does not put the pre-approved item on the roster as Prosody does.
    if (server === "prosody")
      it("pre-approves a subscription (§3.4) and removes a contact (§2.5)", async () => {
        const info = sandbox();
        const aliceAccount = freshAccount(info, "alice");
        const carolAccount = freshAccount(info, "carol");
        const a1 = makeClient(info, aliceAccount, "a1").client;
        const a2 = makeClient(info, aliceAccount, "a2").client;
        const c1 = makeClient(info, carolAccount, "c1").client;
        await a1.connect();
        await a2.connect();
        await c1.connect();
        const aliceRequests = record(a1.subscriptions.events, "subscription");
        const carolEvents = record(c1.subscriptions.events, "subscription");

        a1.subscriptions.approve(carolAccount.jid);
        // Prosody 0.12 stores the pre-approval as a roster item but does not show 'approved' in
        // pushes (an optional attribute, §2.1.2.1); the item itself is pushed.
        await eventually(
          "the pre-approved item on alice's roster",
          () => a2.roster.get(carolAccount.jid) !== undefined,
        );
        c1.subscriptions.request(aliceAccount.jid);
        await eventually("carol to be approved without asking alice", () =>
          carolEvents.some((e) => e.type === "subscribed"),
        );
        await eventually(
          "alice's roster to show carol subscribed from",
          () => a1.roster.get(carolAccount.jid)?.subscription === "from",
        );
        assert.ok(
          !aliceRequests.some((e) => e.type === "subscribe"),
          "alice was asked although she had pre-approved",
        );

        const removals = record(a2.roster.events, "push");
        await a1.roster.remove(carolAccount.jid);
        await eventually("the removal at alice's second resource", () =>
          removals.some((c) => c.kind === "remove"),
        );
        assert.equal(a2.roster.get(carolAccount.jid), undefined);
        assert.equal(a1.roster.get(carolAccount.jid), undefined);
      });
  });
