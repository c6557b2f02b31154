// The TUI's controller without a terminal: commands become RPC calls on a real ApiServer
// (backed by the test endpoint), results and failures become state and notices.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { TuiController } from "../../../src/cli/tui/controller.js";
import { RpcClient } from "../../../src/cli/tui/rpc-client.js";
import { find, openConversation } from "../../../src/cli/tui/state.js";
import { Store } from "../../../src/cli/tui/store.js";
import { FakeClock } from "../../../src/common/clock.js";
import { type ApiAddress, ApiServer } from "../../../src/endpoint/api/index.js";
import { BOB, FakeEndpoint } from "./fake-endpoint.js";

const TOKEN = "tui-controller-token-77aa";

describe("TUI controller", () => {
  let server: ApiServer;
  let address: ApiAddress;
  let endpoint: FakeEndpoint;
  let store: Store;
  let controller: TuiController;
  let quits = 0;

  before(async () => {
    endpoint = new FakeEndpoint((e) => server.publish(e));
    server = new ApiServer({ api: endpoint, token: TOKEN });
    address = await server.listen();
  });
  after(() => server.close());
  beforeEach(async () => {
    store = new Store();
    controller = new TuiController(
      store,
      new RpcClient(address.url, TOKEN),
      new FakeClock(),
      () => quits++,
    );
    await controller.reload();
  });

  it("loads the roster, status and policy", () => {
    assert.equal(store.state.self?.sip.aor, "sip:alice@voip.example.test");
    assert.deepEqual(
      store.state.contacts.map((c) => c.jid),
      [BOB.jid, "carol@chat.example.test"],
    );
    assert.deepEqual(store.state.policy?.discovery.allow, ["roster"]);
  });

  it("asks for a conversation before sending text, and for a ringing call before answering", async () => {
    await controller.submit("hello?");
    assert.match(store.state.notice?.text ?? "", /open a conversation first/);
    await controller.submit("/answer");
    assert.equal(store.state.notice?.text, "no call is ringing");
    await controller.submit("/hangup");
    assert.equal(store.state.notice?.text, "no call to hang up");
    assert.ok(!endpoint.received.some((r) => r.method === "messages.send"));
  });

  it("opens a conversation once per peer and sends into it", async () => {
    await controller.submit("/open bob@chat.example.test");
    const id = store.state.open!;
    assert.equal(openConversation(store.state)?.peer.jid, BOB.jid);
    const starts = endpoint.received.filter((r) => r.method === "conversations.start").length;
    await controller.submit("/open xmpp:bob@chat.example.test");
    assert.equal(store.state.open, id);
    assert.equal(
      endpoint.received.filter((r) => r.method === "conversations.start").length,
      starts,
    );
    await controller.submit("hi there");
    assert.deepEqual(
      find(store.state, id)?.messages.map((m) => m.text),
      ["hi there"],
    );
    assert.equal(store.state.input, "");
  });

  it("shows the daemon's error and hint when a call fails", async () => {
    await controller.submit("/open sip:robert@voip.example.test");
    await controller.submit("/dtmf 1");
    assert.equal(store.state.notice?.text, "DTMF needs an active call");
    await controller.run({ kind: "call", media: ["audio"] });
    const conv = openConversation(store.state)!;
    const call = conv.calls.at(-1)!;
    // The daemon forgets it (as after a restart without the call): hanging up is refused.
    endpoint.conversations.get(conv.conversation)!.calls.length = 0;
    await controller.submit("/hangup");
    assert.equal(store.state.notice?.level, "error");
    assert.equal(
      store.state.notice?.text,
      `calls.hangup: no call ${call.call} (use an id from call.incoming or calls.start)`,
    );
  });

  it("adds and removes discovery rules on the current policy", async () => {
    await controller.submit("/allow domain:voip.example.test");
    assert.deepEqual(store.state.policy?.discovery.allow, ["roster", "domain:voip.example.test"]);
    await controller.submit("/disallow roster");
    assert.deepEqual(store.state.policy?.discovery.allow, ["domain:voip.example.test"]);
    assert.equal(store.state.notice?.text, "discovery allowed for: domain:voip.example.test");
    await controller.submit("/disallow domain:voip.example.test");
    assert.equal(store.state.notice?.text, "discovery allowed for: nobody");
  });

  it("answers subscription requests and leaves on /quit", async () => {
    await controller.submit("/deny mallory@chat.example.test");
    assert.equal(store.state.notice?.text, "mallory@chat.example.test: refused");
    assert.deepEqual(endpoint.received.at(-1), {
      method: "contacts.approve",
      params: { jid: "mallory@chat.example.test", approve: false },
    });
    const before = quits;
    await controller.submit("/quit");
    assert.equal(quits, before + 1);
  });
});
