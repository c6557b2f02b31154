// The TUI's RPC and event-stream clients against a real ApiServer on 127.0.0.1: results,
// errors with their hints, a refused token, an unreachable daemon, and a stream that goes
// silent being reopened with Last-Event-ID so that nothing published meanwhile is lost.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { EventStreamClient, type StreamState } from "../../../src/cli/tui/event-stream.js";
import { RpcCallError, RpcClient } from "../../../src/cli/tui/rpc-client.js";
import { FakeClock } from "../../../src/common/clock.js";
import { type ApiAddress, type ApiEvent, ApiServer } from "../../../src/endpoint/api/index.js";
import { FakeEndpoint } from "./fake-endpoint.js";

const TOKEN = "tui-client-token-0a1b2c3d4e";

function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setImmediate(poll));
    poll();
  });
}

describe("TUI API clients", () => {
  let server: ApiServer;
  let address: ApiAddress;
  let endpoint: FakeEndpoint;

  before(async () => {
    endpoint = new FakeEndpoint((e) => server.publish(e));
    server = new ApiServer({ api: endpoint, token: TOKEN });
    address = await server.listen();
  });
  after(() => server.close());

  it("calls methods and returns their results", async () => {
    const rpc = new RpcClient(address.url, TOKEN);
    const status = await rpc.call("status", {});
    assert.equal(status.xmpp.jid, "alice@chat.example.test/duet");
    const started = await rpc.call("conversations.start", { peer: "xmpp:bob@chat.example.test" });
    const sent = await rpc.call("messages.send", {
      conversation: started.conversation,
      text: "hi",
    });
    assert.equal(sent.message.text, "hi");
    assert.deepEqual(endpoint.received.at(-1), {
      method: "messages.send",
      params: { conversation: started.conversation, text: "hi", force: false },
    });
  });

  it("turns JSON-RPC errors into RpcCallError with the daemon's message and hint", async () => {
    const rpc = new RpcClient(address.url, TOKEN);
    const e = await rpc.call("calls.hangup", { call: "nope" }).then(
      () => assert.fail("hangup of an unknown call succeeded"),
      (x: unknown) => x,
    );
    assert.ok(e instanceof RpcCallError);
    assert.equal(e.method, "calls.hangup");
    assert.equal(e.kind, "unknown-call");
    assert.match(e.message, /no call nope/);
    assert.match(e.hint, /call\.incoming or calls\.start/);
    const bad = await rpc.call("discover", { sip: "not-a-uri" }).catch((x: unknown) => x);
    assert.ok(bad instanceof RpcCallError);
    assert.equal(bad.code, -32602, "invalid params");
  });

  it("says when the token is refused or the daemon is not there", async () => {
    const wrong = await new RpcClient(address.url, "wrong-token-123456")
      .call("status", {})
      .catch((x: unknown) => x);
    assert.ok(wrong instanceof RpcCallError);
    assert.match(wrong.message, /refused the API token/);
    assert.match(wrong.hint, /--api-token/);
    const spare = new ApiServer({ api: endpoint, token: TOKEN });
    const gone = await spare.listen();
    await spare.close();
    const away = await new RpcClient(gone.url, TOKEN).call("status", {}).catch((x: unknown) => x);
    assert.ok(away instanceof RpcCallError);
    assert.match(away.message, /cannot reach the daemon .*ECONNREFUSED/);
    assert.match(away.hint, /duet daemon/);
  });

  it("reopens a silent stream with Last-Event-ID and gets what it missed", async () => {
    const clock = new FakeClock();
    const events: { event: ApiEvent; id: string | undefined }[] = [];
    const states: StreamState[] = [];
    const stream = new EventStreamClient({
      baseUrl: address.url,
      token: TOKEN,
      clock,
      retryMs: 500,
      idleMs: 30_000,
      onEvent: (event, id) => events.push({ event, id }),
      onState: (s) => states.push(s),
    });
    try {
      stream.start();
      await until(() => states.at(-1)?.state === "open" && server.streamCount === 1);
      server.publish({ type: "contact.request", jid: "one@chat.example.test" });
      await until(() => events.length === 1);

      // The stream is silent past idleMs: the client drops it and says so.
      clock.advance(30_000);
      assert.deepEqual(states.at(-1), {
        state: "down",
        problem: "the event stream went silent",
        retryInMs: 2000, // the server's retry: field replaced the 500 ms default
      });
      await until(() => server.streamCount === 0);
      server.publish({ type: "contact.request", jid: "two@chat.example.test" });

      clock.advance(2000);
      await until(() => events.length === 2);
      assert.deepEqual(events[1]?.event, { type: "contact.request", jid: "two@chat.example.test" });
      assert.notEqual(events[1]?.id, events[0]?.id);
      assert.equal(states.filter((s) => s.state === "connecting").length, 2);
      assert.equal(states.at(-1)?.state, "open");
    } finally {
      stream.stop();
    }
    assert.deepEqual(states.at(-1), { state: "closed" });
  });

  it("backs off while the daemon refuses the token", async () => {
    const clock = new FakeClock();
    const states: StreamState[] = [];
    const stream = new EventStreamClient({
      baseUrl: address.url,
      token: "wrong-token-123456",
      clock,
      retryMs: 1000,
      onEvent: () => assert.fail("no event may arrive without the token"),
      onState: (s) => states.push(s),
    });
    try {
      stream.start();
      await until(() => states.at(-1)?.state === "down");
      assert.deepEqual(states.at(-1), {
        state: "down",
        problem: "the daemon refused the API token (check --api-token)",
        retryInMs: 1000,
      });
      clock.advance(1000);
      await until(() => states.filter((s) => s.state === "down").length === 2);
      assert.deepEqual(states.at(-1), {
        state: "down",
        problem: "the daemon refused the API token (check --api-token)",
        retryInMs: 2000,
      });
    } finally {
      stream.stop();
    }
  });
});
