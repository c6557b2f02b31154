// Test harness: one real sandbox (Prosody + Kamailio) per test file or suite, stopped at the
// end even when a test fails. Sandboxes live below $DUET_SANDBOX_ROOT (set per run by
// scripts/run-tests.mjs), so the runner can stop anything a killed test process left behind.
import { after, before } from "node:test";
import {
  type SandboxInfo,
  type SandboxOptions,
  startSandbox,
  stopSandbox,
} from "../../src/sandbox/index.js";
import { livePidsInGroup } from "../../src/sandbox/processes.js";

const running = new Set<SandboxInfo>();

// Last resort when the test process exits without its after() hooks (an uncaught error):
// kill the groups synchronously so no server outlives the test file.
process.once("exit", () => {
  for (const info of running) {
    for (const pid of Object.values(info.pids)) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
});

export async function startTestSandbox(opts: SandboxOptions = {}): Promise<SandboxInfo> {
  const info = await startSandbox(opts);
  running.add(info);
  return info;
}

export async function stopTestSandbox(info: SandboxInfo): Promise<void> {
  running.delete(info);
  const result = await stopSandbox(info.dir);
  const left = Object.values(info.pids).flatMap((pid) => livePidsInGroup(pid));
  if (left.length > 0) throw new Error(`sandbox processes still alive: ${left.join(", ")}`);
  if (!result.portsFree) throw new Error(`sandbox ports still held after stop: ${info.dir}`);
}

/**
 * Registers before/after hooks in the current file or describe() that start and stop a
 * sandbox; returns a getter for its info (valid inside tests).
 *
 *   const sandbox = useSandbox({ sbc: "topoh" });
 *   it("...", () => { const { sip } = sandbox(); ... });
 */
export function useSandbox(opts: SandboxOptions = {}): () => SandboxInfo {
  let info: SandboxInfo | undefined;
  before(async () => {
    info = await startTestSandbox(opts);
  });
  after(async () => {
    if (info) await stopTestSandbox(info);
  });
  return () => {
    if (!info) throw new Error("sandbox not started: use the getter inside a test");
    return info;
  };
}
