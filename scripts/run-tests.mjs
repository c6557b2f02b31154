#!/usr/bin/env node
// Runs the compiled tests (dist/test/**/*.test.js) with Node's own test runner.
// Usage: node scripts/run-tests.mjs [path-prefix ...]   e.g. test/sip test/sandbox/ports.test.ts
// Node 20 takes no glob in --test, so the file list is built here. After the run, any sandbox
// a crashed test left behind under this run's root is stopped by pid (see test/helpers/sandbox.ts).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const root = resolve(new URL("..", import.meta.url).pathname);
const distTest = join(root, "dist", "test");

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith(".test.js")) out.push(p);
  }
  return out;
}

let files;
try {
  files = walk(distTest, []).sort();
} catch {
  console.error("No compiled tests in dist/test: run `npm run build` first.");
  process.exit(2);
}
const filters = process.argv
  .slice(2)
  .map((f) => f.replace(/\.ts$/, ".js").replace(/^\.\//, "").replace(/\/$/, ""));
if (filters.length > 0) {
  files = files.filter((f) => {
    const rel = relative(join(root, "dist"), f);
    return filters.some((flt) => rel === flt || rel.startsWith(`${flt}/`) || rel.startsWith(flt));
  });
}
if (files.length === 0) {
  console.error(`No test files match ${filters.join(" ")}`);
  process.exit(2);
}

// Every sandbox a test starts lives below this run's own root, so that the clean-up below
// finds exactly what this run started and never touches another run's servers.
const runRoot = mkdtempSync(join(tmpdir(), "duet-test-run-"));
// One file at a time by default: on 2 cores, timing-sensitive suites (sipp at 50 calls/s, RTP
// pacing and tone detection) must not compete with each other.
const concurrency = process.env.DUET_TEST_CONCURRENCY ?? "1";
const result = spawnSync(
  process.execPath,
  ["--test", `--test-concurrency=${concurrency}`, "--test-reporter=spec", ...files],
  { stdio: "inherit", env: { ...process.env, DUET_SANDBOX_ROOT: runRoot } },
);

/** Live (non-zombie) processes of a process group, from /proc. */
function liveInGroup(pgid) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z" && state !== "X") pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

// Stop anything a test left running (a test process killed before its after() hook ran).
let leftovers = 0;
/** servers.json files below `dir` (sandboxes may sit a few folders down). */
function sandboxFiles(dir, depth = 0, out = []) {
  let entries = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isFile() && e.name === "servers.json") out.push(p);
    else if (e.isDirectory() && depth < 3) sandboxFiles(p, depth + 1, out);
  }
  return out;
}

for (const file of sandboxFiles(runRoot)) {
  let info;
  try {
    info = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    continue;
  }
  for (const [server, pid] of Object.entries(info.pids ?? {})) {
    if (typeof pid !== "number" || liveInGroup(pid).length === 0) continue;
    try {
      process.kill(-pid, "SIGKILL");
      leftovers++;
      console.error(`stopped leftover ${server} (pid ${pid}) of ${info.dir ?? file}`);
    } catch {
      // gone meanwhile
    }
  }
}
if (leftovers === 0) rmSync(runRoot, { recursive: true, force: true });
process.exit(result.status ?? 1);
