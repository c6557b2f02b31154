// Runs the real `duet` command (bin/duet.js → dist) as a child process, for CLI tests.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../helpers/paths.js";

export const duetBin = join(repoRoot, "bin", "duet.js");

export interface DuetRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `duet ARGS` in `cwd` with `input` on a piped (non-terminal) standard input. */
export function runDuet(
  args: readonly string[],
  opts: { cwd: string; input?: string; env?: Record<string, string | undefined> },
): Promise<DuetRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [duetBin, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? "");
  });
}
