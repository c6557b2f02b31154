// Acceptance: XEP-0198 stream management. The TCP connection is cut abruptly (the socket
// destroyed, not closed) while 100 messages are sent each way; after resumption every message
// has arrived exactly once and in order. A resumption the server refuses falls back to a new
// session and XEP-0313 catch-up with no message lost.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { FakeClock } from "../../src/common/clock.js";
import { XmppConnection } from "../../src/xmpp/connection.js";
import type { TypedEmitter } from "../../src/xmpp/emitter.js";
import { MemoryLogger } from "../../src/xmpp/log.js";
import type { MessageEvent, MessagingEvents } from "../../src/xmpp/messaging.js";
import type { XmlElement } from "../../src/xmpp/xml.js";
import { useSandbox } from "../helpers/sandbox.js";
import {
  disconnectAll,
  eventually,
  freshAccount,
  makeClient,
  nextEvent,
  record,
  serviceOf,
} from "./support.js";

const COUNT = 100;
const bodies = (prefix: string) => Array.from({ length: COUNT }, (_, i) => `${prefix}-${i}`);
const tick = () => new Promise((r) => setTimeout(r, 2));

/**
 * Moves a fake clock to the connection's scheduled reconnection attempt, not further: a bigger
 * step would also expire the time limit of the attempt it starts.
 */
function fireReconnect(clock: FakeClock, c: XmppConnection): void {
  const due = c.nextAttemptAt;
  if (due !== null) clock.advance(due - clock.now());
}

/** Messages from others as the application sees them (the archive also holds our own). */
function incoming(events: TypedEmitter<MessagingEvents>): MessageEvent[] {
  const seen: MessageEvent[] = [];
  events.on("message", (e) => {
    if (e.direction === "incoming") seen.push(e);
  });
  return seen;
}

/** Bodies of every message stanza as the connection received it (before any de-duplication). */
function rawBodies(conn: XmppConnection): string[] {
  const seen: string[] = [];
  conn.events.on("message", (el: XmlElement) => {
    const body = el.getChildText("body");
    if (body !== null) seen.push(body);
  });
  return seen;
}

describe("stream management (Prosody)", () => {
  const sandbox = useSandbox();
  const extra: XmppConnection[] = [];
  after(async () => {
    await disconnectAll();
    await Promise.all(extra.map((c) => c.disconnect()));
  });

  it("resumes after the socket is destroyed mid-flow: 100 messages each way, once each, in order", async () => {
    const info = sandbox();
    const alice = makeClient(info, freshAccount(info, "alice"), "a1").client;
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await alice.connect();
    await bob.connect();
    await eventually(
      "stream management enabled at alice",
      () => alice.connection.streamManagementEnabled,
    );
    const aliceJid = alice.jid;
    const bobJid = bob.jid;
    const atBob = rawBodies(bob.connection);
    const atAlice = rawBodies(alice.connection);
    const sessions = record(alice.connection.events, "session");
    const failures = record(alice.connection.events, "failure");

    for (let i = 0; i < COUNT; i++) {
      alice.messaging.send({ to: bobJid, body: `a-${i}`, requestReceipt: false });
      bob.messaging.send({ to: aliceJid, body: `b-${i}`, requestReceipt: false });
      if (i === 40) {
        // Cut between two stanzas (see "mid-stanza" below for a cut inside one): wait until the
        // server has read what alice wrote, then destroy the socket without closing the stream.
        await eventually(
          "alice's writes to reach the server",
          () => alice.connection.unacknowledgedCount === 0,
        );
        alice.connection.destroySocket();
      }
      if (i % 5 === 0) await tick();
    }
    await eventually("all of alice's messages at bob", () => atBob.length >= COUNT, 30_000);
    await eventually("all of bob's messages at alice", () => atAlice.length >= COUNT, 30_000);
    assert.deepEqual(atBob, bodies("a"));
    assert.deepEqual(atAlice, bodies("b"));
    assert.deepEqual(
      sessions.map((s) => s.resumed),
      [true],
      "the session was resumed, not replaced",
    );
    assert.deepEqual(
      failures.map((f) => f.reason),
      ["connection-lost"],
    );
  });

  it("cut inside a stanza: whether or not the server can resume, every message is seen once, in order", async () => {
    // Prosody 0.12.3 feeds a resumed connection's bytes to the old connection's parser, so a cut
    // that left half a stanza there breaks the resumed stream (not-well-formed); the client then
    // starts a new session and catches up from the archive. Either way the application sees
    // each message once and in order.
    const info = sandbox();
    const clock = new FakeClock();
    const { client: alice, log: aliceLog } = makeClient(
      info,
      freshAccount(info, "alice"),
      "a1",
      "tcp",
      { clock },
    );
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await alice.connect();
    await bob.connect();
    await eventually(
      "stream management enabled at alice",
      () => alice.connection.streamManagementEnabled,
    );
    const aliceJid = alice.jid;
    const bobJid = bob.jid;
    const aliceGot = incoming(alice.messaging.events);
    const bobGot = incoming(bob.messaging.events);
    const failures = record(alice.connection.events, "failure");
    for (let i = 0; i < COUNT; i++) {
      alice.messaging.send({ to: bobJid, body: `a-${i}`, requestReceipt: false });
      bob.messaging.send({ to: aliceJid, body: `b-${i}`, requestReceipt: false });
      if (i === 40) alice.connection.destroySocket();
      if (i % 5 === 0) await tick();
    }
    await eventually(
      "bob's messages acknowledged by the server",
      () => bob.connection.unacknowledgedCount === 0,
    );
    // Reconnect (and retry after a broken resumption) on alice's fake clock.
    const deadline = Date.now() + 30_000;
    while (aliceGot.length < COUNT || bobGot.length < COUNT) {
      fireReconnect(clock, alice.connection);
      await new Promise((r) => setTimeout(r, 20));
      if (Date.now() > deadline) {
        const missing = (got: MessageEvent[], p: string) =>
          bodies(p).filter((b) => !got.some((e) => e.message.body === b));
        assert.fail(
          `stuck in state ${alice.connection.state}: alice misses ${missing(aliceGot, "b").join(" ")}; ` +
            `bob misses ${missing(bobGot, "a").join(" ")}; failures: ${failures.map((f) => f.message).join(" | ")}; ` +
            `alice's warnings: ${aliceLog.warnings().join(" | ")}`,
        );
      }
    }
    assert.deepEqual(
      aliceGot.map((e) => e.message.body),
      bodies("b"),
    );
    assert.deepEqual(
      bobGot.map((e) => e.message.body),
      bodies("a"),
    );
  });

  it("falls back to a new session and archive catch-up when the server refuses to resume", async () => {
    const info = sandbox();
    const aliceAccount = freshAccount(info, "alice");
    const clock = new FakeClock();
    // Alice's reconnect timer runs on a fake clock, so the test decides when she comes back.
    const alice = makeClient(info, aliceAccount, "a1", "tcp", { clock }).client;
    const bob = makeClient(info, freshAccount(info, "bob"), "b1").client;
    await alice.connect();
    await bob.connect();
    await eventually(
      "stream management enabled at alice",
      () => alice.connection.streamManagementEnabled,
    );
    const aliceGot = incoming(alice.messaging.events);
    const bobGot = incoming(bob.messaging.events);
    const firstHalf = (p: string) => bodies(p).slice(0, COUNT / 2);

    const aliceJid = alice.jid;
    const bobJid = bob.jid;
    for (const body of firstHalf("b"))
      bob.messaging.send({ to: aliceJid, body, requestReceipt: false });
    await eventually("the first half at alice", () => aliceGot.length === COUNT / 2);
    for (const body of firstHalf("a"))
      alice.messaging.send({ to: bobJid, body, requestReceipt: false });
    await eventually(
      "alice's writes to reach the server",
      () => alice.connection.unacknowledgedCount === 0,
    );

    const lost = nextEvent(
      alice.connection.events,
      "state",
      "alice losing the link",
      (s) => s === "reconnecting",
    );
    alice.connection.destroySocket();
    await lost;
    // Another login with the same resource replaces the hibernating session (RFC 6120
    // §7.7.2.2), so the server can no longer resume it.
    const interloper = new XmppConnection({
      jid: aliceAccount.jid,
      password: aliceAccount.password,
      resource: "a1",
      service: serviceOf(info, "tcp"),
      tls: "none",
      reconnect: false,
      keepAlive: false,
      logger: new MemoryLogger(),
    });
    extra.push(interloper);
    await interloper.connect();
    await interloper.disconnect();

    // While alice is away: bob's messages go to the archive, alice's wait in her client.
    for (const body of bodies("b").slice(COUNT / 2))
      bob.messaging.send({ to: aliceJid, body, requestReceipt: false });
    for (const body of bodies("a").slice(COUNT / 2))
      alice.messaging.send({ to: bobJid, body, requestReceipt: false });
    // Bob's client confirms its messages left (his own stream acknowledged them).
    await eventually(
      "bob's messages acknowledged by the server",
      () => bob.connection.unacknowledgedCount === 0,
    );

    const ready = nextEvent(alice.events, "ready", "alice's new session");
    fireReconnect(clock, alice.connection);
    const [session] = await ready;
    assert.equal(session.resumed, false);
    assert.ok(session.caughtUp >= COUNT / 2, `caught up on ${session.caughtUp} messages`);

    await eventually("every message of bob at alice", () => aliceGot.length >= COUNT, 30_000);
    await eventually("every message of alice at bob", () => bobGot.length >= COUNT, 30_000);
    assert.deepEqual(
      aliceGot.map((e) => e.message.body),
      bodies("b"),
    );
    assert.deepEqual(
      aliceGot.slice(COUNT / 2).map((e) => e.route),
      Array(COUNT / 2).fill("archive"),
    );
    assert.deepEqual(
      bobGot.map((e) => e.message.body),
      bodies("a"),
    );
  });
});
