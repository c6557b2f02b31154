// The event stream at GET /events: one JSON object with a `type` per event and an `id:` line,
// resumption with Last-Event-ID from the bounded buffer (and a stream.gap notice when events
// were lost), heartbeats timed by the injected clock, many clients at once, and the end of
// every stream when the server closes.

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ApiEvent } from "../../../src/endpoint/api/index.js";
import { startServer } from "./server-fixture.js";
import { callOk, EventClient } from "./support.js";

const request = (jid: string): ApiEvent => ({ type: "contact.request", jid });

describe("event stream", { timeout: 30_000 }, () => {
  it("delivers the endpoint's events as JSON objects with a type and an id", async () => {
    const r = await startServer();
    const client = new EventClient(r.address);
    try {
      await client.ready;
      await client.waitFor(() => client.comments.length > 0); // the opening comment
      const started = await callOk(r.address, "conversations.start", {
        peer: "xmpp:bob@chat.example.test",
        text: "hi bob",
      });
      await client.waitForEvents(2);
      const [created, sent] = client.events;
      assert.deepEqual(created!.data, {
        type: "conversation.created",
        conversation: started.conversation,
        thread: created!.data.thread,
        peer: { jid: "bob@chat.example.test" },
      });
      assert.equal(sent!.data.type, "message.sent");
      assert.equal(sent!.data.conversation, started.conversation);
      assert.equal(sent!.data.message.text, "hi bob");
      assert.match(created!.id!, /^[0-9a-f]{8}-1$/);
      assert.equal(sent!.id, created!.id!.replace(/-1$/, "-2"));
    } finally {
      await client.close();
      await r.server.close();
    }
  });

  it("resumes after Last-Event-ID with exactly the events missed", async () => {
    const r = await startServer();
    try {
      const first = new EventClient(r.address);
      await first.ready;
      for (const n of [1, 2, 3]) r.server.publish(request(`u${n}@example.com`));
      await first.waitForEvents(3);
      const last = first.events[1]!.id!; // it saw u1, u2 … then lost the connection
      await first.close();
      for (const n of [4, 5]) r.server.publish(request(`u${n}@example.com`));
      const resumed = new EventClient(r.address, { lastEventId: last });
      await resumed.waitForEvents(3);
      r.server.publish(request("u6@example.com"));
      await resumed.waitForEvents(4);
      assert.deepEqual(
        resumed.events.map((e) => e.data.jid),
        ["u3@example.com", "u4@example.com", "u5@example.com", "u6@example.com"],
      );
      assert.ok(resumed.events.every((e) => e.data.type === "contact.request"));
      await resumed.close();
    } finally {
      await r.server.close();
    }
  });

  it("says stream.gap when the buffer no longer holds what was missed, then sends what it has", async () => {
    const r = await startServer({ eventBuffer: 3 });
    try {
      const first = new EventClient(r.address);
      await first.ready;
      r.server.publish(request("u1@example.com"));
      await first.waitForEvents(1);
      const last = first.events[0]!.id!;
      await first.close();
      for (const n of [2, 3, 4, 5, 6]) r.server.publish(request(`u${n}@example.com`));
      const resumed = new EventClient(r.address, { lastEventId: last });
      await resumed.waitForEvents(4);
      assert.deepEqual(resumed.events[0]!.data, { type: "stream.gap", lastEventId: last });
      assert.deepEqual(
        resumed.events.slice(1).map((e) => e.data.jid),
        ["u4@example.com", "u5@example.com", "u6@example.com"],
      );
      // resuming from the gap notice's id replays the same kept events, without a new gap
      const again = new EventClient(r.address, { lastEventId: resumed.events[0]!.id! });
      await again.waitForEvents(3);
      assert.deepEqual(
        again.events.map((e) => e.data.jid),
        ["u4@example.com", "u5@example.com", "u6@example.com"],
      );
      await Promise.all([resumed.close(), again.close()]);
    } finally {
      await r.server.close();
    }
  });

  it("treats an id from an earlier run (a restarted daemon) or a garbled one as a gap", async () => {
    const r = await startServer();
    try {
      r.server.publish(request("u1@example.com"));
      for (const stale of ["00000000-1", "not an id"]) {
        const client = new EventClient(r.address, { lastEventId: stale });
        await client.waitForEvents(2);
        assert.deepEqual(client.events[0]!.data, { type: "stream.gap", lastEventId: stale });
        assert.equal(client.events[1]!.data.jid, "u1@example.com");
        await client.close();
      }
    } finally {
      await r.server.close();
    }
  });

  it("sends heartbeat comments on the injected clock, and only then", async () => {
    const r = await startServer({ heartbeatMs: 10_000 });
    const client = new EventClient(r.address);
    try {
      await client.ready;
      await client.waitFor(() => client.comments.length === 1);
      assert.match(client.comments[0]!, /^duet events, run [0-9a-f]{8}$/);
      r.clock.advance(9_999);
      r.server.publish(request("marker@example.com")); // proves nothing else came before it
      await client.waitForEvents(1);
      assert.equal(client.comments.length, 1);
      r.clock.advance(1);
      await client.waitFor(() => client.comments.length === 2);
      r.clock.advance(20_000);
      await client.waitFor(() => client.comments.length === 4);
      assert.deepEqual(client.comments.slice(1), ["heartbeat", "heartbeat", "heartbeat"]);
    } finally {
      await client.close();
      await r.server.close();
    }
    assert.equal(r.clock.pending(), 0, "no heartbeat timer outlives its stream");
  });

  it("serves many clients at once, streams and calls alike", async () => {
    const r = await startServer();
    try {
      const clients = Array.from({ length: 40 }, () => new EventClient(r.address));
      await Promise.all(clients.map((c) => c.ready));
      await Promise.all(clients.map((c) => c.waitFor(() => c.comments.length > 0)));
      assert.equal(r.server.streamCount, 40);
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          callOk(r.address, "conversations.start", { peer: `xmpp:user${i}@chat.example.test` }),
        ),
      );
      assert.equal(new Set(replies.map((x) => x.conversation)).size, 100);
      await Promise.all(clients.map((c) => c.waitForEvents(100)));
      for (const c of clients) {
        assert.deepEqual(
          c.events.map((e) => e.data.conversation).sort(),
          replies.map((x) => x.conversation).sort(),
        );
        const seqs = c.events.map((e) => Number(e.id!.split("-")[1]));
        assert.deepEqual(
          seqs,
          [...seqs].sort((a, b) => a - b),
          "in order",
        );
      }
      await Promise.all(clients.map((c) => c.close()));
      await new Promise<void>((resolve) => {
        const check = () => (r.server.streamCount === 0 ? resolve() : setImmediate(check));
        check();
      });
    } finally {
      await r.server.close();
    }
  });

  it("ends every stream when the server closes, and finishes a request in flight", async () => {
    const r = await startServer({ heartbeatMs: 1000 });
    const clients = [new EventClient(r.address), new EventClient(r.address)];
    await Promise.all(clients.map((c) => c.ready));
    let release!: () => void;
    r.endpoint.holdStatus = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inFlight = callOk(r.address, "status");
    await new Promise<void>((resolve) => {
      const check = () =>
        r.endpoint.calls.some((c) => c.method === "status") ? resolve() : setImmediate(check);
      check();
    });
    const closed = r.server.close();
    await Promise.all(clients.map((c) => c.ended));
    assert.equal(r.server.streamCount, 0);
    assert.equal(r.clock.pending(), 0, "heartbeats stopped");
    release();
    const reply = await inFlight;
    assert.equal(reply.xmpp.connected, true);
    await closed;
    await assert.rejects(fetch(`${r.address.url}/rpc`, { method: "POST", body: "{}" }));
  });
});
