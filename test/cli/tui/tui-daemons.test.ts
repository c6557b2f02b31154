// Issue 7 acceptance for the terminal client, end to end: `duet tui` on a real 80×24
// pseudo-terminal, attached to alice's real `duet daemon` on the sandbox's Prosody and
// Kamailio, with bob's real daemon (auto-answer) on the other side. It logs in as alice, shows
// bob online with SIP capability, sends a message that bob's daemon receives, places a call that
// bob's daemon answers, shows the call as verified in the conversation, and hangs up; the
// screen is asserted at each step.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { DaemonProcess } from "../../endpoint/support/daemon-process.js";
import { Daemons } from "../../endpoint/support/pair.js";
import { repoRoot } from "../../helpers/paths.js";
import { useSandbox } from "../../helpers/sandbox.js";
import { TuiPty } from "./tui-pty.js";

const duetBin = `${repoRoot}/bin/duet.js`;

function lineWith(screen: string, text: string): string {
  const found = screen.split("\n").find((l) => l.includes(text));
  assert.ok(found, `no line holds ${JSON.stringify(text)}; the screen was:\n${screen}`);
  return found;
}

describe("duet tui on real daemons", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);
  let alice: DaemonProcess;
  let bob: DaemonProcess;

  before(
    async () => {
      ({ alice, bob } = await daemons.friends({ bob: { autoAnswer: true } }));
    },
    { timeout: 60_000 },
  );

  it("chats, calls (answered by bob's daemon), shows it verified, hangs up", {
    timeout: 90_000,
  }, async () => {
    const info = sandbox();
    const pty = new TuiPty(
      [process.execPath, duetBin, "tui", "--api", alice.ready.api, "--api-token", alice.token],
      { cwd: repoRoot },
    );
    try {
      // Logged in as alice; bob online with his SIP side (audio and video).
      let screen = await pty.waitFor("online · SIP a+v", 20_000);
      assert.match(lineWith(screen, "connected ·"), /alice@chat\.example\.test xmpp✓ sip✓/);
      assert.match(lineWith(screen, "bob@chat.example.test"), /bob@chat\.example\.test/);
      assert.ok(pty.screen.lines().every((l) => l.length <= 80));

      // Open bob's conversation and write to him: bob's daemon gets it.
      pty.type("\r");
      await pty.waitFor("> █");
      const b0 = bob.mark;
      pty.type("hello bob from the tui\r");
      await pty.waitFor("me: hello bob from the tui");
      const got = await bob.waitFor(
        "message.received",
        (e) => e.message.text === "hello bob from the tui",
        { since: b0 },
      );
      assert.ok(got.conversation);

      // Call him: his daemon answers by itself; the call is active and verified here.
      pty.type("/call\r");
      await pty.waitFor("☎ → audio call ringing");
      screen = await pty.waitFor("☎ → audio call active", 20_000);
      // The call's own line in the timeline shows it verified (bob echoed alice's token).
      screen = await pty.waitForScreen(
        (s) => /☎ → audio call active\n.*✓ verified \(echo\)/.test(s),
        "the call shown verified",
        20_000,
      );
      assert.match(lineWith(screen, "☎ on phone"), /SIP a\+v · ✓ verified/);
      await bob.waitFor("call.state", (e) => e.state === "active", { since: b0 });

      // Hang up: ended in the timeline, and at bob.
      pty.type("/hangup\r");
      screen = await pty.waitFor("☎ → audio call ended (hangup)", 20_000);
      await bob.waitFor("call.state", (e) => e.state === "ended", { since: b0 });
      const { conversations } = await alice.rpc.call("conversations.list", {});
      const withBob = conversations.find((c) => c.peer.jid === info.accounts.bob.jid);
      assert.equal(withBob?.binding.level, "verified");
      pty.type("/quit\r");
      assert.equal(await pty.exited, 0);
    } finally {
      pty.kill();
    }
  });

  it("--config FILE runs a daemon of its own for the session and stops it on quit", {
    timeout: 60_000,
  }, async () => {
    const info = sandbox();
    await daemons.stop(alice);
    const config = join(daemons.root, "alice-tui.json");
    writeFileSync(config, readFileSync(info.accounts.alice.config), { mode: 0o600 });
    const pty = new TuiPty([process.execPath, duetBin, "tui", "--config", config], {
      cwd: repoRoot,
    });
    try {
      const screen = await pty.waitFor("online · SIP a+v", 30_000);
      assert.match(lineWith(screen, "connected ·"), /alice@chat\.example\.test xmpp✓ sip✓/);
      pty.type("q");
      assert.equal(await pty.exited, 0);
    } finally {
      pty.kill();
    }
    // Its daemon logged to FILE.log and closed down when the TUI quit.
    const log = readFileSync(`${config}.log`, "utf8");
    assert.match(log, /registered sip:alice@voip\.example\.test/);
    assert.match(log, /SIGTERM: closing calls/);
  });
});
