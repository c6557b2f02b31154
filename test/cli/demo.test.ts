// `duet demo` as a person runs it: the real command in a child process, on a fresh sandbox it
// starts itself. One run goes to the end and its JSON report must show every step passed with
// the correlation level the profile expects; another is interrupted with SIGINT halfway and
// must leave no process and no port behind.

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { DemoReport } from "../../src/cli/demo.js";
import type { ReadyLine } from "../../src/endpoint/daemon.js";
import { readInfo, sandboxPorts } from "../../src/sandbox/index.js";
import { isPortFree } from "../../src/sandbox/ports.js";
import { livePidsInGroup } from "../../src/sandbox/processes.js";
import { duetBin, runDuet } from "./run-duet.js";

/** What each step must establish: the correlation level (and reason where it is fixed). */
const EXPECTED: readonly [string, { level: string; reason?: string } | null][] = [
  ["sandbox", null],
  ["endpoints", null],
  ["contacts", null],
  ["chat-gains-call", { level: "verified", reason: "echo" }],
  ["presence-on-the-phone", null],
  ["call-gains-chat", { level: "verified" }],
  ["discovery-allowed", { level: "verified" }],
  ["discovery-refused", { level: "none" }],
  ["hostile-token-replay", { level: "none", reason: "token-bound-elsewhere" }],
  ["recordings", null],
  ["cleanup", null],
];

const root = mkdtempSync(join(process.env.DUET_SANDBOX_ROOT ?? tmpdir(), "duet-demo-test-"));
const children = new Set<ChildProcess>();

/** The process groups a demo folder says were started: the servers' and the daemons'. */
function startedGroups(dir: string): { pids: number[]; ports: number[] } {
  const pids: number[] = [];
  const ports: number[] = [];
  const info = readInfo(dir);
  if (info) {
    pids.push(...Object.values(info.pids));
    ports.push(...sandboxPorts(info));
  }
  const endpoints = join(dir, "endpoints");
  for (const name of existsSync(endpoints) ? readdirSync(endpoints) : []) {
    const file = join(endpoints, name, "ready.json");
    const text = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (!text.includes("\n")) continue;
    const ready = JSON.parse(text.slice(0, text.indexOf("\n"))) as ReadyLine;
    pids.push(ready.pid);
    ports.push(Number(new URL(ready.api).port));
  }
  return { pids, ports };
}

after(() => {
  // Only if a test failed before its demo had cleaned up: nothing may outlive this file.
  for (const c of children) c.kill("SIGKILL");
  for (const entry of readdirSync(root)) {
    for (const pid of startedGroups(join(root, entry)).pids) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone, as it should be
      }
    }
  }
  rmSync(root, { recursive: true, force: true });
});

interface DemoRun {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
  /** Resolves with the first stdout line matching. */
  line(pred: (l: string) => boolean, ms: number): Promise<string>;
}

function startDemo(dir: string, extra: readonly string[] = []): DemoRun {
  const child = spawn(process.execPath, [duetBin, "demo", "--dir", dir, ...extra], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  const lines: string[] = [];
  const waiters: { pred: (l: string) => boolean; resolve: (l: string) => void }[] = [];
  let buf = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (d: string) => {
    buf += d;
    const parts = buf.split("\n");
    buf = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (const w of waiters.splice(0)) {
        if (w.pred(l)) w.resolve(l);
        else waiters.push(w);
      }
    }
  });
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      children.delete(child);
      if (stderr) lines.push(`(stderr) ${stderr}`);
      resolve(code);
    }),
  );
  return {
    child,
    lines,
    exited,
    line: (pred, ms) =>
      new Promise((resolve, reject) => {
        const seen = lines.find(pred);
        if (seen) return resolve(seen);
        const timer = setTimeout(
          () => reject(new Error(`no such line within ${ms} ms:\n${lines.join("\n")}`)),
          ms,
        );
        waiters.push({
          pred,
          resolve: (l) => {
            clearTimeout(timer);
            resolve(l);
          },
        });
      }),
  };
}

async function assertNothingLeft(dir: string): Promise<void> {
  const { pids, ports } = startedGroups(dir);
  assert.ok(pids.length >= 2, `the demo folder names no started processes: ${pids}`);
  const alive = pids.filter((p) => livePidsInGroup(p).length > 0);
  assert.deepEqual(alive, [], "processes the demo started are still running");
  const held: number[] = [];
  for (const p of ports) if (!(await isPortFree(p))) held.push(p);
  assert.deepEqual(held, [], "ports the demo used are still held");
}

describe("duet demo", () => {
  it("runs every use case to the end: each step passed with the expected correlation", {
    timeout: 150_000,
  }, async () => {
    const dir = join(root, "full");
    const run = startDemo(dir);
    const code = await run.exited;
    const out = run.lines.join("\n");
    assert.equal(code, 0, `duet demo exited with ${code}:\n${out}`);
    const report = JSON.parse(readFileSync(join(dir, "demo-report.json"), "utf8")) as DemoReport;
    assert.equal(report.passed, true);
    assert.equal(report.interrupted, null);
    assert.deepEqual(
      report.steps.map((s) => s.name),
      EXPECTED.map(([name]) => name),
    );
    for (const [name, expected] of EXPECTED) {
      const step = report.steps.find((s) => s.name === name)!;
      assert.equal(step.passed, true, `${name} failed: ${step.detail}`);
      assert.ok(step.durationMs >= 0 && Number.isFinite(step.durationMs), `${name} duration`);
      if (expected === null) {
        assert.equal(step.correlation, null, `${name} reports a correlation`);
      } else {
        assert.equal(step.correlation?.level, expected.level, `${name}: ${step.detail}`);
        if (expected.reason) assert.equal(step.correlation?.reason, expected.reason, name);
      }
      assert.ok(step.transcript.length > 1, `${name} has no transcript`);
    }
    // Real audio: four recordings (two calls, both sides), each holding the other side's tone.
    assert.equal(report.recordings.length, 4);
    for (const r of report.recordings) {
      assert.ok(r.passed && r.share >= 0.9, `${r.side}: ${r.share} of ${r.expectedHz} Hz`);
      assert.ok(existsSync(r.file), r.file);
    }
    // The transcript says who did what over which protocol, with the level at each call.
    assert.match(out, /bob → alice +SIP +INVITE/);
    assert.match(
      out,
      /alice +SIP +rings from sip:robert@voip\.example\.test in the same conversation as the chat — correlation verified \(echo\)/,
    );
    assert.match(out, /mallory → alice +SIP +INVITE with Call-Info/);
    assert.match(out, /alice +API +security\.alert token-replay/);
    assert.match(out, /all 11 steps passed/);
    // Not a terminal: no progress line (no carriage returns, no erase-in-line).
    assert.doesNotMatch(out, /\r|\x1b\[2K/);
    await assertNothingLeft(dir);
  });

  it("stops everything it started when interrupted halfway (SIGINT)", {
    timeout: 120_000,
  }, async () => {
    const dir = join(root, "interrupted");
    const run = startDemo(dir);
    // Halfway: the chat has gained a call, which is ringing or being answered.
    await run.line((l) => /alice +SIP +rings from/.test(l), 90_000);
    const during = startedGroups(dir);
    assert.ok(
      during.pids.every((p) => livePidsInGroup(p).length > 0),
      "the servers and daemons should be running at this point",
    );
    assert.equal(during.pids.length, 5, "two servers and three daemons");
    run.child.kill("SIGINT");
    const code = await run.exited;
    assert.equal(code, 130, run.lines.join("\n"));
    const report = JSON.parse(readFileSync(join(dir, "demo-report.json"), "utf8")) as DemoReport;
    assert.equal(report.interrupted, "SIGINT");
    assert.equal(report.passed, false);
    const last = report.steps.at(-1)!;
    assert.equal(last.name, "cleanup");
    assert.equal(last.passed, true, last.detail);
    assert.ok(report.steps.length < EXPECTED.length, "the demo went on after SIGINT");
    await assertNothingLeft(dir);
  });

  it("with --keep leaves servers and endpoints running and says how to attach and stop", {
    timeout: 150_000,
  }, async () => {
    const dir = join(root, "kept");
    const run = startDemo(dir, ["--keep"]);
    const code = await run.exited;
    const out = run.lines.join("\n");
    assert.equal(code, 0, out);
    const report = JSON.parse(readFileSync(join(dir, "demo-report.json"), "utf8")) as DemoReport;
    assert.equal(report.kept, true);
    assert.equal(report.passed, true);
    assert.ok(!report.steps.some((s) => s.name === "cleanup"), "--keep ran the clean-up");
    const attach = [...out.matchAll(/duet\.js tui --api (\S+) --api-token (\S+)/g)];
    assert.equal(attach.length, 3, out);
    // Each endpoint answers on the API the demo printed, with the token it printed.
    for (const [, api, token] of attach) {
      const res = await fetch(new URL("/rpc", api), {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "status" }),
      });
      const body = (await res.json()) as { result?: { sip: { registered: boolean } } };
      assert.equal(body.result?.sip.registered, true, JSON.stringify(body));
    }
    // Then stopped the way the demo says.
    const kill = /^ +kill ([\d ]+)$/m.exec(out);
    assert.ok(kill, out);
    const pids = kill[1]!.trim().split(/ +/).map(Number);
    for (const pid of pids) process.kill(pid, "SIGTERM");
    for (const pid of pids) {
      for (let i = 0; i < 200 && livePidsInGroup(pid).length > 0; i++)
        await new Promise((r) => setTimeout(r, 50));
    }
    const stop = /servers stop --dir (\S+)$/m.exec(out);
    assert.ok(stop, out);
    const stopped = await runDuet(["servers", "stop", "--dir", stop[1]!], { cwd: root });
    assert.equal(stopped.code, 0, stopped.stderr);
    await assertNothingLeft(dir);
  });

  it("refuses an unknown option with its usage", { timeout: 30_000 }, async () => {
    const r = await runDuet(["demo", "--bogus"], { cwd: root });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bogus/);
    assert.match(r.stderr, /Usage: duet demo/);
  });
});
