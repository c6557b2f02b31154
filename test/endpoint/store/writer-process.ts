// Starts kill-writer.js in a child process; every child still running when the test file ends
// (a failed or timed-out test) is killed by pid.
import { type ChildProcessByStdio, spawn } from "node:child_process";
import type { Readable } from "node:stream";
import { after } from "node:test";
import { fileURLToPath } from "node:url";

const writer = fileURLToPath(new URL("./kill-writer.js", import.meta.url));
const running = new Set<ChildProcessByStdio<null, Readable, Readable>>();

after(() => {
  for (const child of running) child.kill("SIGKILL");
});

export function spawnWriter(
  path: string,
  prefix: string,
): ChildProcessByStdio<null, Readable, Readable> {
  const child = spawn(process.execPath, [writer, path, prefix], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}
