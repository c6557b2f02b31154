// The connection against the sandbox's real Prosody: resource binding, typed failures,
// resource conflicts, reconnection with backoff on an injected clock (resuming the session),
// and XEP-0199 keep-alive detecting a link that went silent.
import assert from "node:assert/strict";
import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import { after, describe, it } from "node:test";
import { FakeClock } from "../../src/common/clock.js";
import { XmppConnection, type XmppConnectionConfig } from "../../src/xmpp/connection.js";
import { XmppConnectionError } from "../../src/xmpp/errors.js";
import { MemoryLogger } from "../../src/xmpp/log.js";
import { xml } from "../../src/xmpp/xml.js";
import { useSandbox } from "../helpers/sandbox.js";
import { type Account, eventually, freshAccount, nextEvent, record, serviceOf } from "./support.js";

const opened: XmppConnection[] = [];
function connection(
  account: Account,
  service: string,
  extra: Partial<XmppConnectionConfig> = {},
): XmppConnection {
  const c = new XmppConnection({
    jid: account.jid,
    password: account.password,
    resource: "r1",
    service,
    tls: "none",
    logger: new MemoryLogger(),
    keepAlive: false,
    ...extra,
  });
  opened.push(c);
  return c;
}

async function expectFailure(c: XmppConnection, reason: string): Promise<XmppConnectionError> {
  let failure: XmppConnectionError | undefined;
  await assert.rejects(c.connect(), (err: unknown) => {
    assert.ok(err instanceof XmppConnectionError, String(err));
    assert.equal(err.reason, reason, err.message);
    failure = err;
    return true;
  });
  assert.equal(c.state, "offline");
  return failure!;
}

/** A TCP relay to Prosody that the test can freeze (silently drop all data both ways). */
function relay(
  targetPort: number,
): Promise<{ port: number; frozen: { value: boolean }; close: () => Promise<void> }> {
  const frozen = { value: false };
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = netConnect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    client.on("data", (d) => frozen.value || upstream.write(d));
    upstream.on("data", (d) => frozen.value || client.write(d));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({
        port: typeof a === "object" && a ? a.port : 0,
        frozen,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    }),
  );
}

/** Moves the fake clock to the scheduled reconnection attempt, not past it. */
function fireReconnect(clock: FakeClock, c: XmppConnection): void {
  const due = c.nextAttemptAt;
  if (due !== null) clock.advance(due - clock.now());
}

/** Runs each scheduled reconnection attempt of `c` until `done` settles. */
async function reconnectOn<T>(clock: FakeClock, c: XmppConnection, done: Promise<T>): Promise<T> {
  let settled = false;
  const result = done.finally(() => {
    settled = true;
  });
  while (!settled) {
    fireReconnect(clock, c);
    await new Promise((r) => setTimeout(r, 20));
  }
  return result;
}

describe("XMPP connection (Prosody)", () => {
  const sandbox = useSandbox();
  after(async () => {
    await Promise.all(opened.map((c) => c.disconnect()));
  });

  it("binds the requested resource over TCP and over WebSocket", async () => {
    const info = sandbox();
    const account = freshAccount(info, "alice");
    for (const transport of ["tcp", "websocket"] as const) {
      const c = connection(account, serviceOf(info, transport), { resource: `res-${transport}` });
      const session = await c.connect();
      assert.equal(session.jid, `${account.jid}/res-${transport}`);
      assert.equal(session.resumed, false);
      assert.equal(c.state, "online");
      await c.disconnect();
      assert.equal(c.state, "offline");
    }
  });

  it("says why a connection fails", async () => {
    const info = sandbox();
    const account = freshAccount(info, "alice");
    const bad = await expectFailure(
      connection({ ...account, password: "wrong" }, serviceOf(info, "tcp")),
      "bad-password",
    );
    assert.equal(bad.condition, "not-authorized");
    // Nothing is queued silently for a connection that is not up.
    const offline = connection(account, serviceOf(info, "tcp"));
    assert.throws(() => offline.send(xml("presence")), /not connected/);
    await expectFailure(connection(account, "xmpp://no-such-host.invalid:5222"), "host-not-found");
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const a = s.address();
        s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
      });
    });
    await expectFailure(connection(account, `xmpp://127.0.0.1:${closed}`), "connection-refused");
    // The sandbox runs without TLS: with TLS required (the default) we must not log in.
    const plain = await expectFailure(
      connection(account, serviceOf(info, "tcp"), { tls: "required" }),
      "tls-required",
    );
    assert.match(plain.message, /STARTTLS/);
    assert.throws(
      () => connection({ ...account, jid: "not a jid" }, serviceOf(info, "tcp")),
      /bad-config/,
    );
    assert.throws(() => connection(account, "http://127.0.0.1:1"), /bad-config/);
  });

  it("reports a resource conflict and does not fight back", async () => {
    const info = sandbox();
    const account = freshAccount(info, "alice");
    const first = connection(account, serviceOf(info, "tcp"), { resource: "same" });
    const second = connection(account, serviceOf(info, "tcp"), { resource: "same" });
    await first.connect();
    const failure = nextEvent(first.events, "failure", "the conflict");
    await second.connect();
    const [err] = await failure;
    assert.equal(err.reason, "conflict");
    await eventually("the first connection to go offline", () => first.state === "offline");
    assert.equal(second.state, "online");
  });

  for (const transport of ["tcp", "websocket"] as const) {
    it(`reconnects after the link drops (${transport}), on the injected clock, and resumes the session`, async () => {
      const info = sandbox();
      const clock = new FakeClock();
      const c = connection(freshAccount(info, "alice"), serviceOf(info, transport), {
        clock,
        reconnect: { initialDelayMs: 1000, maxDelayMs: 8000, random: () => 0.5 },
      });
      await c.connect();
      await eventually("stream management enabled", () => c.streamManagementEnabled);
      const states = record(c.events, "state");
      c.destroySocket();
      await eventually("the reconnecting state", () => c.state === "reconnecting");
      // Backoff with jitter: the first retry after random × initial delay.
      assert.deepEqual(clock.pendingDueTimes(), [clock.now() + 500]);
      const session = nextEvent(c.events, "session", "the resumed session");
      fireReconnect(clock, c);
      const [s] = await session;
      assert.equal(s.resumed, true);
      assert.deepEqual(states, ["reconnecting", "online"]);
    });
  }

  it("declares a silent link dead after an unanswered XEP-0199 ping, then resumes", async () => {
    const info = sandbox();
    const proxy = await relay(info.xmpp.tcpPort);
    try {
      const clock = new FakeClock();
      const c = connection(freshAccount(info, "alice"), `xmpp://127.0.0.1:${proxy.port}`, {
        clock,
        keepAlive: { intervalMs: 30_000, timeoutMs: 10_000 },
        reconnect: { initialDelayMs: 1000, random: () => 0.5 },
      });
      await c.connect();
      await eventually("stream management enabled", () => c.streamManagementEnabled);
      // A link that answers keeps the session: once the ping is answered, only the next
      // keep-alive timer is left (the ping's time limit is gone).
      clock.advance(30_000);
      await eventually("the ping to be answered", () => {
        const due = clock.pendingDueTimes();
        return due.length === 1 && due[0] === clock.now() + 30_000;
      });
      assert.equal(c.state, "online");

      const failure = nextEvent(c.events, "failure", "the dead link");
      proxy.frozen.value = true;
      clock.advance(30_000); // silence → ping
      clock.advance(10_000); // no answer → dead
      const [err] = await failure;
      assert.equal(err.reason, "timeout");
      await eventually("the reconnecting state", () => c.state === "reconnecting");
      proxy.frozen.value = false;
      const [s] = await reconnectOn(
        clock,
        c,
        nextEvent(c.events, "session", "the resumed session"),
      );
      assert.equal(s.resumed, true);
    } finally {
      await proxy.close();
    }
  });
});
