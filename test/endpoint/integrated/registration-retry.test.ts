// The daemon keeps its SIP registration through a registrar outage: the real Kamailio is
// frozen (SIGSTOP on its process group) across a refresh, so the refresh times out; `status`
// then says unregistered, and once Kamailio runs again the daemon registers again by itself and
// takes calls.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { useSandbox } from "../../helpers/sandbox.js";
import type { DaemonProcess } from "../support/daemon-process.js";
import { Daemons, sleep } from "../support/pair.js";

async function until(d: DaemonProcess, registered: boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if ((await d.rpc.call("status", {})).sip.registered === registered) return;
    await sleep(250);
  }
  throw new Error(`status never said registered=${registered} within ${ms} ms`);
}

describe("SIP registration through a registrar outage", () => {
  const sandbox = useSandbox();
  const daemons = new Daemons(sandbox);

  it("is retried until it works again", { timeout: 150_000 }, async () => {
    const info = sandbox();
    const config = JSON.parse(readFileSync(info.accounts.alice.config, "utf8")) as {
      sip: object;
    };
    const file = join(daemons.root, "alice-60s.json");
    writeFileSync(
      file,
      JSON.stringify({ ...config, sip: { ...config.sip, registrationExpires: 60 } }),
      { mode: 0o600 },
    );
    const alice = await daemons.start("alice", { config: file, autoAnswer: true });
    assert.equal((await alice.rpc.call("status", {})).sip.registered, true);
    const kamailio = info.pids.kamailio!;
    process.kill(-kamailio, "SIGSTOP");
    try {
      // The refresh is due after 30 s; its REGISTER times out 32 s later (Timer F).
      await until(alice, false, 90_000);
    } finally {
      process.kill(-kamailio, "SIGCONT");
    }
    await until(alice, true, 30_000);
    assert.ok(
      alice.stderr.some((l) => l.includes("registered again as sip:alice@voip.example.test")),
    );
    const bob = await daemons.start("bob");
    const b0 = bob.mark;
    const call = await bob.rpc.call("conversations.start", {
      peer: info.accounts.alice.aor,
      media: ["audio"],
    });
    await bob.waitFor("call.state", (e) => e.call === call.call && e.state === "active", {
      since: b0,
    });
    await bob.rpc.call("calls.hangup", { call: call.call! });
  });
});
