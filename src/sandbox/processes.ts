// Starting and stopping the sandbox's server processes. Each server is started detached, as the
// leader of its own process group, so that `duet servers start` can exit while the servers keep
// running, and so that stopping the group also stops every child a server forked (Kamailio
// forks one worker per listener).
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from "node:fs";

export interface StartedProcess {
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code/signal if the process exits (only while this process lives). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startDetached(
  command: string,
  args: readonly string[],
  logFile: string,
  cwd: string,
  runAs?: { readonly uid: number; readonly gid: number; readonly home: string },
): StartedProcess {
  const fd = openSync(logFile, "w");
  try {
    const child = spawn(command, args, {
      cwd,
      detached: true,
      stdio: ["ignore", fd, fd],
      ...(runAs
        ? { uid: runAs.uid, gid: runAs.gid, env: { ...process.env, HOME: runAs.home } }
        : {}),
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve) => {
        child.once("exit", (code, signal) => resolve({ code, signal }));
        child.once("error", () => resolve({ code: -1, signal: null }));
      },
    );
    if (child.pid === undefined) throw new Error(`could not start ${command}`);
    child.unref();
    return { pid: child.pid, logFile, exited };
  } finally {
    closeSync(fd);
  }
}

/** State letter from /proc/PID/stat, or null if there is no such process. */
function procState(pid: number): { state: string; pgrp: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0] ?? "?", pgrp: Number(rest[2]) };
  } catch {
    return null;
  }
}

/** True while `pid` is a live (non-zombie) process. */
export function isAlive(pid: number): boolean {
  const s = procState(pid);
  return s !== null && s.state !== "Z" && s.state !== "X";
}

/** Pids of the live processes whose process group is `pgid`. */
export function livePidsInGroup(pgid: number): number[] {
  if (!existsSync("/proc")) return isAlive(pgid) ? [pgid] : [];
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const s = procState(pid);
    if (s && s.pgrp === pgid && s.state !== "Z" && s.state !== "X") pids.push(pid);
  }
  return pids;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops a process group: SIGTERM, then SIGKILL after `graceMs`; resolves once no live process
 * of the group remains. Returns true if SIGKILL was needed.
 */
export async function stopGroup(pgid: number, graceMs = 5000): Promise<boolean> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // ESRCH: the group is already gone
    }
  };
  if (livePidsInGroup(pgid).length === 0) return false;
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (livePidsInGroup(pgid).length === 0) return false;
    await sleep(25);
  }
  signal("SIGKILL");
  while (livePidsInGroup(pgid).length > 0) await sleep(25);
  return true;
}

/** The last `lines` lines of a log file, for error messages. */
export function tailFile(file: string, lines = 15): string {
  try {
    const text = readFileSync(file, "utf8").trimEnd().split("\n");
    return text.slice(-lines).join("\n");
  } catch {
    return "(no log written)";
  }
}
