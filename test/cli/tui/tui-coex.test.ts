// `duet tui` on an 80×24 pty against a real ApiServer whose endpoint is a real CoexEngine (the
// API tests' TestEndpoint, for alice), with bob's engine on the other side of the coex test
// harness (messages and INVITEs through the real wire formats). The verified correlation the
// TUI shows is the engine's own: bob's INVITE echoes the token alice's first message carried.

import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Action } from "../../../src/coex/index.js";
import { FakeClock } from "../../../src/common/clock.js";
import { type ApiAddress, ApiServer, apiEventFrom } from "../../../src/endpoint/api/index.js";
import { ALICE, BOB, deliverAll, invites, type Party, party, ring } from "../../coex/harness.js";
import { TestEndpoint, TOKEN } from "../../endpoint/api/support.js";
import { repoRoot } from "../../helpers/paths.js";
import { TuiPty } from "./tui-pty.js";

describe("duet tui with a real coex engine", { timeout: 60_000 }, () => {
  let server: ApiServer;
  let address: ApiAddress;
  let endpoint: TestEndpoint;
  let alice: Party;
  let bob: Party;

  before(async () => {
    const clock = new FakeClock(0, Date.UTC(2026, 10, 26, 12));
    endpoint = new TestEndpoint(clock, (e) => server.publish(e));
    server = new ApiServer({ api: endpoint, token: TOKEN, clock });
    address = await server.listen();
    alice = { person: ALICE, engine: endpoint.engine };
    bob = party(BOB, clock);
  });
  after(() => server.close());

  /** Publishes what alice's engine reported, as the endpoint does with its own actions. */
  function publishAtAlice(actions: readonly Action[]): void {
    for (const a of actions) {
      if (a.type !== "event") continue;
      const e = apiEventFrom(a.event, (id) => alice.engine.conversation(id));
      if (e) server.publish(e);
    }
  }

  it("chat first, then bob's call rings verified; answer and hang up from the keyboard", async () => {
    const pty = new TuiPty(
      [
        process.execPath,
        `${repoRoot}/bin/duet.js`,
        "tui",
        "--api",
        address.url,
        "--api-token",
        TOKEN,
      ],
      { cwd: repoRoot },
    );
    try {
      await pty.waitFor(/^ connected · alice@chat\.example\.test/m);
      pty.type("/open bob@chat.example.test\r");
      let screen = await pty.waitFor(/│ not bound$/m);
      assert.ok(screen.includes("│ bob@chat.example.test"), screen);

      // alice's first message carries the token (PROFILE.md §3); bob's engine receives it.
      pty.type("hi bob, call me\r");
      await pty.waitFor("me: hi bob, call me");
      const sent = endpoint.actions.filter((a) => a.type === "xmpp.send");
      assert.equal(sent.length, 1);
      const atBob = deliverAll(alice, sent, bob);
      const bobConversation = atBob.find(
        (a) => a.type === "event" && a.event.type === "message.received",
      );
      assert.ok(
        bobConversation?.type === "event" && bobConversation.event.type === "message.received",
      );

      // bob calls in that conversation: the INVITE echoes the token, alice's engine verifies it.
      const placed = bob.engine.startCall(bobConversation.event.conversation, ["audio"]);
      deliverAll(bob, placed.actions, alice);
      const rung = ring(bob, invites(placed.actions)[0]!, alice);
      publishAtAlice(rung.actions);
      screen = await pty.waitFor("☎ audio call from sip:robert@voip.example.test · ✓ verified");

      pty.type("\x1b");
      await pty.waitFor("a answer r reject");
      pty.type("a");
      screen = await pty.waitFor("☎ ← audio call active");
      assert.equal(alice.engine.conversation(rung.conversation!).calls[0]?.state, "active");
      assert.match(screen, /☎ ← audio call active *\n.*│ +✓ verified \(echo\) · sip:robert@/);
      assert.match(screen, /│ ✓ verified \(echo\)$/m);

      pty.type("h");
      await pty.waitFor("☎ ← audio call ended (hangup)");
      assert.equal(alice.engine.conversation(rung.conversation!).calls[0]?.state, "ended");
      pty.type("q");
      assert.equal(await pty.exited, 0);
    } finally {
      pty.kill();
    }
  });
});
