// "Nothing is lost if the process is killed between a message arriving and being shown"
// (issue 6). A child process records messages and acknowledges each one after recordIncoming()
// returned; it is killed with SIGKILL while still writing. After reopening, the database passes
// SQLite's integrity check, every acknowledged message is there and still unshown, and a
// snapshot saved before the kill restores an engine. Three rounds on the same file.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CoexEngine } from "../../../src/coex/index.js";
import { FakeClock } from "../../../src/common/clock.js";
import { DuetStore } from "../../../src/endpoint/store/index.js";
import { withRawDatabase } from "./raw-db.js";
import { spawnWriter } from "./writer-process.js";

/** Runs the writer until it has acknowledged `killAfter` messages, then SIGKILLs it. */
function writeAndKill(path: string, prefix: string, killAfter: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawnWriter(path, prefix);
    const acked: string[] = [];
    let buffered = "";
    let stderr = "";
    let killed = false;
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on("data", (d: Buffer) => {
      buffered += d.toString();
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith("ack ")) acked.push(line.slice(4));
        nl = buffered.indexOf("\n");
      }
      if (!killed && acked.length >= killAfter) {
        killed = true;
        child.kill("SIGKILL");
      }
    });
    // 'exit' fires once the child is reaped, so its pid is no longer alive when we reopen.
    child.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve(acked);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
    child.on("error", reject);
  });
}

describe("store survives SIGKILL mid-stream", { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), "duet-store-kill-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps every acknowledged message across three kills, and the file stays sound", async () => {
    const path = join(dir, "duet.sqlite");
    const allAcked: string[] = [];
    for (const [round, killAfter] of [
      ["a", 137],
      ["b", 61],
      ["c", 203],
    ] as const) {
      const acked = await writeAndKill(path, round, killAfter);
      assert.ok(acked.length >= killAfter, `round ${round}: ${acked.length} acks`);
      allAcked.push(...acked);
      // Reopening runs SQLite's quick check and clears the dead writer's lock.
      const store = DuetStore.open(path);
      try {
        const unshown = new Map(store.unshown().map((m) => [`${m.id} ${m.text}`, m]));
        for (const ack of allAcked) {
          assert.ok(unshown.has(ack), `acknowledged message ${ack} was lost in round ${round}`);
        }
        const snapshot = store.loadSnapshot();
        assert.ok(snapshot, "a snapshot was saved before the kill");
        const engine = new CoexEngine({
          self: { jid: "alice@chat.example.test/duet", media: ["audio"] },
          clock: new FakeClock(),
          snapshot,
        });
        const texts = engine.conversations().flatMap((c) => c.messages.map((m) => m.text));
        for (const ack of allAcked) {
          assert.ok(texts.includes(ack.slice(ack.indexOf(" ") + 1)), `engine lacks ${ack}`);
        }
      } finally {
        store.close();
      }
      withRawDatabase(path, (db) => {
        assert.deepEqual(db.get("PRAGMA integrity_check"), { integrity_check: "ok" });
      });
    }
  });
});
