// Acceptance: XEP-0313 MAM — 500 messages archived while a client was offline are fetched in
// pages (XEP-0059 RSM), in order.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { useSandbox } from "../helpers/sandbox.js";
import { disconnectAll, eventually, freshAccount, makeClient } from "./support.js";

describe("message archive (Prosody)", () => {
  const sandbox = useSandbox();
  after(disconnectAll);

  it("pages through 500 messages that arrived while offline, in order", async () => {
    const info = sandbox();
    const aliceAccount = freshAccount(info, "alice");
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await bob.connect();
    // Alice is offline: every message goes to her archive (and is bounced to bob, since the
    // sandbox keeps no offline storage; the archive is what matters).
    const total = 500;
    for (let i = 0; i < total; i++) {
      bob.messaging.send({ to: aliceAccount.jid, body: `m-${i}`, requestReceipt: false });
    }
    await eventually(
      "bob's messages acknowledged by the server",
      () => bob.connection.unacknowledgedCount === 0,
    );

    const alice = makeClient(info, aliceAccount, "a1").client;
    await alice.connect();
    const pages: number[] = [];
    const bodies: string[] = [];
    for await (const page of alice.archive.all({ with: bob.connection.bareJid }, 100)) {
      pages.push(page.messages.length);
      for (const m of page.messages) {
        assert.equal(m.message.from.split("/")[0], bob.connection.bareJid);
        bodies.push(m.message.body ?? "");
      }
    }
    assert.deepEqual(pages, [100, 100, 100, 100, 100]);
    assert.deepEqual(
      bodies,
      Array.from({ length: total }, (_, i) => `m-${i}`),
    );
  });

  it("continues after a given archive id and reports the last page as complete", async () => {
    const info = sandbox();
    const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await alice.connect();
    await bob.connect();
    for (let i = 0; i < 7; i++)
      bob.messaging.send({ to: alice.jid, body: `n-${i}`, requestReceipt: false });
    await eventually(
      "bob's messages acknowledged by the server",
      () => bob.connection.unacknowledgedCount === 0,
    );
    const first = await alice.archive.page({}, 3);
    assert.deepEqual(
      first.messages.map((m) => m.message.body),
      ["n-0", "n-1", "n-2"],
    );
    assert.equal(first.complete, false);
    assert.equal(first.rsm.last, first.messages[2]?.archiveId);
    const rest = await alice.archive.page({}, 10, first.rsm.last);
    assert.deepEqual(
      rest.messages.map((m) => m.message.body),
      ["n-3", "n-4", "n-5", "n-6"],
    );
    assert.equal(rest.complete, true);
  });
});
