// Escalation latency (issue 6): the time from `calls.start` in a running chat until the first
// RTP packet is received on each side, against a plain SIP call between the same daemons (the
// same program, configs and accounts) with the profile switched off, so that the call has no
// XMPP side at all: no pre-announcement, no Call-Info, no correlation. Both go through the same
// Kamailio in the same run, in alternating phases so that load drifts alike. Run:
//   npx tsc -p tsconfig.json && node dist/bench/escalation.js [calls-per-phase]
// Prints the median and p90 of each side and the ratio (target: escalation / plain <= 1.2).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type SandboxInfo, startSandbox, stopSandbox } from "../src/sandbox/index.js";
import { DaemonProcess } from "../test/endpoint/support/daemon-process.js";
import { befriend } from "../test/endpoint/support/pair.js";

const CALLS = Number(process.argv[2] ?? 12);
const root = mkdtempSync(join(tmpdir(), "duet-bench-escalation-"));

function withProfile(info: SandboxInfo, who: "alice" | "bob", enabled: boolean): string {
  const config = JSON.parse(readFileSync(info.accounts[who].config, "utf8")) as object;
  const file = join(root, `${who}-${enabled ? "on" : "off"}.json`);
  writeFileSync(file, JSON.stringify({ ...config, coex: { enabled } }), { mode: 0o600 });
  return file;
}

/** One call from bob to alice in `conversation`; ms until each side received RTP. */
async function oneCall(alice: DaemonProcess, bob: DaemonProcess, conversation: string) {
  const a0 = alice.mark;
  const b0 = bob.mark;
  const t0 = Date.now();
  const { call } = await bob.rpc.call("calls.start", { conversation, media: ["audio"] });
  const atBob = await bob.waitFor("call.media", (e) => e.call === call, { since: b0 });
  const ring = await alice.waitFor("call.incoming", () => true, { since: a0 });
  const atAlice = await alice.waitFor("call.media", (e) => e.call === ring.call, { since: a0 });
  await bob.rpc.call("calls.hangup", { call });
  await alice.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended", {
    since: a0,
  });
  return { bob: atBob.at - t0, alice: atAlice.at - t0 };
}

async function phase(info: SandboxInfo, enabled: boolean, n: number, tag: string) {
  const dir = join(root, tag);
  const alice = await DaemonProcess.start("alice", {
    config: withProfile(info, "alice", enabled),
    dir: join(dir, "alice"),
    audio: "tone:440",
    autoAnswer: true,
  });
  const bob = await DaemonProcess.start("bob", {
    config: withProfile(info, "bob", enabled),
    dir: join(dir, "bob"),
    audio: "tone:1000",
  });
  try {
    let conversation: string;
    if (enabled) {
      await befriend(alice, bob);
      const b0 = bob.mark;
      await alice.rpc.call("conversations.start", {
        peer: `xmpp:${info.accounts.bob.jid}`,
        text: "let's talk",
      });
      conversation = (await bob.waitFor("message.received", () => true, { since: b0 }))
        .conversation;
    } else {
      conversation = (await bob.rpc.call("conversations.start", { peer: info.accounts.alice.aor }))
        .conversation;
    }
    // One call first that is not counted: it pays for the code paths' first run (JIT, sockets).
    await oneCall(alice, bob, conversation);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const r = await oneCall(alice, bob, conversation);
      out.push(r.alice, r.bob);
      if (process.env.DUET_BENCH_VERBOSE)
        console.log(`${tag} call ${i + 1}: alice ${r.alice} ms, bob ${r.bob} ms`);
    }
    return out;
  } finally {
    await alice.stop();
    await bob.stop();
  }
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

const info = await startSandbox({ dir: join(root, "sandbox") });
try {
  const escalation: number[] = [];
  const plain: number[] = [];
  for (let round = 0; round < 2; round++) {
    escalation.push(...(await phase(info, true, CALLS, `esc-${round}`)));
    plain.push(...(await phase(info, false, CALLS, `plain-${round}`)));
    console.log(`round ${round + 1}/2 done`);
  }
  const line = (name: string, xs: number[]) =>
    console.log(
      `${name.padEnd(34)} median ${String(quantile(xs, 0.5)).padStart(4)} ms   p90 ${String(quantile(xs, 0.9)).padStart(4)} ms   (${xs.length} samples)`,
    );
  console.log("calls.start → first RTP packet received, each side (alice answers at once):");
  line("escalation in a running chat", escalation);
  line("plain SIP call, profile off", plain);
  const ratio = quantile(escalation, 0.5) / quantile(plain, 0.5);
  console.log(`ratio (median escalation / median plain): ${ratio.toFixed(2)} (target <= 1.2)`);
} finally {
  await stopSandbox(info.dir);
  rmSync(root, { recursive: true, force: true });
}
