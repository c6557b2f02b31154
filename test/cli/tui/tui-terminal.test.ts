// `duet tui` through a real pseudo-terminal of 80×24, attached to a real ApiServer (JSON-RPC
// and SSE over HTTP on 127.0.0.1) whose EndpointApi is the in-memory FakeEndpoint: the screen
// is read through a VirtualScreen and asserted at each step, and each key's effect is checked
// on the methods the endpoint received.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ApiAddress, type ApiEvent, ApiServer } from "../../../src/endpoint/api/index.js";
import { repoRoot } from "../../helpers/paths.js";
import { FakeEndpoint } from "./fake-endpoint.js";
import { TuiPty } from "./tui-pty.js";

const TOKEN = "tui-test-token-5e1d0c9b8a7f";
const duetBin = `${repoRoot}/bin/duet.js`;

/** Resolves once `check` holds, polling every 20 ms (bounded by the test runner's timeout). */
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = () => (check() ? resolve() : setTimeout(poll, 20));
    poll();
  });
}

/** The line of the screen holding `text` (throws with the screen if none does). */
function lineWith(screen: string, text: string): string {
  const found = screen.split("\n").find((l) => l.includes(text));
  assert.ok(found, `no line holds ${JSON.stringify(text)}; the screen was:\n${screen}`);
  return found;
}

describe("duet tui on an 80×24 terminal", { timeout: 90_000 }, () => {
  let server: ApiServer;
  let endpoint: FakeEndpoint;
  let address: ApiAddress;

  before(async () => {
    let publish: ApiServer["publish"] | undefined;
    endpoint = new FakeEndpoint((e) => publish?.(e));
    server = new ApiServer({ api: endpoint, token: TOKEN });
    publish = (e) => server.publish(e);
    address = await server.listen();
  });
  after(() => server.close());

  const methods = () => endpoint.received.map((r) => r.method);
  const last = (method: string) =>
    [...endpoint.received].reverse().find((r) => r.method === method)?.params;

  it("shows the roster, chats, rings, answers verified and hangs up", async () => {
    const pty = new TuiPty(
      [process.execPath, duetBin, "tui", "--api", address.url, "--api-token", TOKEN],
      { cwd: repoRoot },
    );
    try {
      // 1. Logged in as alice, bob online with SIP capability, carol offline without.
      let screen = await pty.waitFor("online · SIP a+v");
      assert.match(
        lineWith(screen, "alice@chat.example.test"),
        /connected · alice@chat\.example\.test xmpp✓ sip✓ available/,
      );
      assert.match(lineWith(screen, "bob@chat.example.test"), /^›● bob@chat\.example\.test/);
      assert.match(lineWith(screen, "carol@chat.example.test"), /○ carol@chat\.example\.test/);
      assert.ok(screen.includes("offline · no SIP"), screen);
      assert.ok(pty.screen.lines().every((l) => l.length <= 80));

      // 2. Enter on bob opens a conversation with him (binding claimed so far).
      pty.type("\r");
      screen = await pty.waitFor("? claimed (sip-address-advertised)");
      assert.ok(methods().includes("conversations.start"));
      assert.deepEqual(last("conversations.start"), {
        peer: { protocol: "xmpp", jid: "bob@chat.example.test" },
        force: false,
      });
      assert.ok(lineWith(screen, "sip:robert@voip.example.test").includes("bob@chat.example.test"));
      await pty.waitFor("> █");

      // 3. Typing a line and Enter sends it as a message in that conversation.
      pty.type("hello bob\r");
      screen = await pty.waitFor("me: hello bob");
      const conversation = [...endpoint.conversations.keys()][0]!;
      assert.deepEqual(last("messages.send"), { conversation, text: "hello bob", force: false });

      // 4. bob's call comes in: a banner wherever we are, with its correlation.
      const call = endpoint.ring(conversation, "sip:robert@voip.example.test", ["audio"], {
        level: "verified",
        reason: "echo",
      });
      screen = await pty.waitFor("☎ audio call from sip:robert@voip.example.test");
      assert.match(lineWith(screen, "call from"), /✓ verified · \/answer \/reject/);
      assert.match(lineWith(screen, "audio call ringing"), /☎ ← audio call ringing/);

      // 5. Esc leaves the command line; `a` answers; the call shows active and verified.
      pty.type("\x1b");
      screen = await pty.waitFor("a answer r reject");
      pty.type("a");
      screen = await pty.waitFor("audio call active");
      assert.deepEqual(last("calls.answer"), { call });
      assert.ok(!screen.includes("call from"), `the banner stayed:\n${screen}`);
      assert.match(lineWith(screen, "(echo) ·"), /✓ verified \(echo\) · sip:robert@/);
      assert.match(lineWith(screen, "☎ on call"), /bob@chat\.example\.test +☎ on call ✓/);
      screen = await pty.waitFor("online · SIP a+v · ✓ verified");
      assert.ok(screen.includes(" ✓ verified (echo)"), screen);

      // 6. `h` hangs up; the timeline keeps the ended call.
      pty.type("h");
      screen = await pty.waitFor("audio call ended (hangup)");
      assert.deepEqual(last("calls.hangup"), { call });

      // 7. `q` leaves with status 0.
      pty.type("q");
      assert.equal(await pty.exited, 0);
    } finally {
      pty.kill();
    }
  });

  it("runs commands: help, discover, allow a refused asker, DTMF, video and reject", async () => {
    const pty = new TuiPty(
      [process.execPath, duetBin, "tui", "--api", address.url, "--api-token", TOKEN],
      { cwd: repoRoot },
    );
    try {
      await pty.waitFor("online · SIP a+v");
      // The first test's conversation is listed and can be opened from the list.
      await pty.waitFor("Conversations (1)");

      pty.type("?");
      let screen = await pty.waitFor("Help — any key closes");
      assert.ok(screen.includes("/discover sip:URI"), screen);
      pty.type(" ");
      await pty.waitForScreen((s) => !s.includes("Help —"), "the help closed");

      // Discovery: a refused asker shows up as a banner; /allow adds it to the policy.
      server.publish({ type: "discovery.refused", asker: "sip:+15550100@voip.example.test" });
      screen = await pty.waitFor("was refused discovery");
      pty.type("/allow sip:+15550100@voip.example.test\r");
      screen = await pty.waitFor("discovery allowed for: roster, sip:+15550100@voip.example.test");
      assert.deepEqual(last("policy.set"), {
        discovery: { allow: ["roster", "sip:+15550100@voip.example.test"] },
      });

      pty.type("/discover sip:robert@voip.example.test\r");
      await pty.waitFor("is bob@chat.example.test (claimed, discovery)");
      pty.type("/discover sip:nobody@voip.example.test\r");
      await pty.waitFor("no JID learned (no-correlation-data)");

      // A mistyped command is explained, not sent.
      pty.type("/dial bob\r");
      await pty.waitFor("no command /dial: press ? for the list");

      // Open bob's conversation, place a call; it becomes active (the peer answered).
      pty.type("/open bob@chat.example.test\r");
      await pty.waitFor("✓ verified (echo)");
      pty.type("/call\r");
      await pty.waitFor("☎ → audio call ringing");
      const placed = last("calls.start") as { conversation: string };
      assert.deepEqual(placed.conversation, [...endpoint.conversations.keys()][0]);
      const conv = endpoint.conversations.get(placed.conversation)!;
      const outgoing = conv.calls[conv.calls.length - 1]!;
      endpoint["calls.answer"]({ call: outgoing.call });
      await pty.waitFor("☎ → audio call active");

      pty.type("/dtmf 12#\r");
      await pty.waitFor("sent DTMF 12#");
      assert.deepEqual(last("calls.dtmf"), { call: outgoing.call, digits: "12#", durationMs: 100 });
      pty.type("/video on\r");
      await pty.waitFor("☎ → video call active");
      assert.deepEqual(last("calls.update"), { call: outgoing.call, media: ["audio", "video"] });
      pty.type("/video off\r");
      await pty.waitFor("☎ → audio call active");
      pty.type("/hangup\r");
      await pty.waitFor("☎ → audio call ended (hangup)");

      // A second incoming call is rejected from the command line.
      const call = endpoint.ring(
        placed.conversation,
        "sip:robert@voip.example.test",
        ["audio", "video"],
        {
          level: "claimed",
          reason: "session-id",
        },
      );
      screen = await pty.waitFor("☎ video call from");
      assert.match(lineWith(screen, "video call from"), /\? claimed/);
      pty.type("/reject busy\r");
      await pty.waitFor("video call ended (busy)");
      assert.deepEqual(last("calls.reject"), { call, reason: "busy" });

      // carol writes in another conversation while bob's is open: a banner, and a count.
      const withCarol = endpoint["conversations.start"]({
        peer: { protocol: "xmpp", jid: "carol@chat.example.test" },
        force: false,
      }).conversation;
      endpoint.receive(withCarol, "ping from carol");
      screen = await pty.waitFor("✉ carol@chat.example.test: ping from carol");
      assert.match(screen, /^ {2}carol@chat\.example\.test +1 new *│/m);
      assert.ok(!screen.includes("carol: ping"), "bob's conversation stays open");

      pty.type("/quit\r");
      assert.equal(await pty.exited, 0);
    } finally {
      pty.kill();
    }
  });

  it("shows the daemon going away and comes back, reloading after the gap", async () => {
    let publish: ((e: ApiEvent) => void) | undefined;
    const own = new FakeEndpoint((e) => publish?.(e));
    let first: ApiServer | undefined = new ApiServer({ api: own, token: TOKEN });
    publish = (e) => first?.publish(e);
    const at = await first.listen();
    let second: ApiServer | undefined;
    const pty = new TuiPty(
      [process.execPath, duetBin, "tui", "--api", at.url, "--api-token", TOKEN],
      { cwd: repoRoot },
    );
    try {
      await pty.waitFor("online · SIP a+v");
      assert.match(lineWith(pty.text, "alice@"), /^ connected · /);
      // An event seen, so the TUI has an id to resume from.
      first.publish({ type: "contact.request", jid: "dave@chat.example.test" });
      await pty.waitFor("dave@chat.example.test asks to see your presence");

      await first.close();
      first = undefined;
      const screen = await pty.waitFor("cannot reach the daemon (ECONNREFUSED)");
      assert.match(lineWith(screen, "ECONNREFUSED"), /^ offline, retry in \d+s: cannot reach/);

      // The daemon is back on the same port, as a new run: the stream says gap, the TUI reloads.
      own.received.length = 0;
      second = new ApiServer({ api: own, token: TOKEN, port: at.port });
      publish = (e) => second?.publish(e);
      await second.listen();
      await pty.waitForScreen((s) => /^ connected · /m.test(s), "connected again", 20_000);
      await pty.waitFor("missed events while away: reloading");
      // The reload changes nothing visible (same data), so watch the endpoint, not the screen.
      await until(() => own.received.some((r) => r.method === "contacts.list"));
      pty.type("q");
      assert.equal(await pty.exited, 0);
    } finally {
      pty.kill();
      await first?.close();
      await second?.close();
    }
  });
});
