// Files the store cannot use give a StoreError that names the file, says what is wrong and how
// to fix it: a missing folder, a folder instead of a file, a file that is not SQLite, a damaged
// database, one in use by a live process (this one or another), one from a newer Duet.

import assert from "node:assert/strict";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  DuetStore,
  SCHEMA_VERSION,
  StoreError,
  type StoreErrorCode,
} from "../../../src/endpoint/store/index.js";
import { withRawDatabase } from "./raw-db.js";
import { useTempDir } from "./temp-dir.js";
import { spawnWriter } from "./writer-process.js";

const dir = useTempDir("store-errors");

function failsWith(path: string, code: StoreErrorCode, what: RegExp, fix: RegExp): void {
  assert.throws(
    () => DuetStore.open(path),
    (e: unknown) => {
      assert.ok(e instanceof StoreError, `expected StoreError, got ${String(e)}`);
      assert.equal(e.code, code);
      assert.ok(e.message.includes(e.path), "the message names the file");
      assert.match(e.message, what);
      assert.match(e.hint, fix);
      return true;
    },
  );
}

function conversation(id: string) {
  return {
    id,
    thread: "t",
    createdAt: 1,
    lastActivity: 1,
    peer: { jid: "bob@chat.example.test" },
    binding: { level: "none" as const, reason: "no-correlation-data" as const, since: 1 },
    calls: [],
    messages: [],
    announcements: [],
  };
}

describe("store errors", { timeout: 60_000 }, () => {
  it("a missing folder", () => {
    failsWith(
      join(dir(), "no", "such", "duet.sqlite"),
      "missing-directory",
      /does not exist/,
      /mkdir -p/,
    );
  });

  it("a folder where the file should be", () => {
    const path = join(dir(), "a-folder");
    mkdirSync(path);
    failsWith(path, "not-a-database", /is a folder/, /path of a file/);
  });

  it("a file that is not SQLite; the failed open leaves it free for the next attempt", () => {
    const path = join(dir(), "notes.txt");
    writeFileSync(path, "these are my notes, not a database\n".repeat(200));
    failsWith(path, "not-a-database", /not an SQLite database/, /move this file aside/);
    failsWith(path, "not-a-database", /not an SQLite database/, /move this file aside/);
  });

  it("a damaged database", () => {
    const path = join(dir(), "damaged.sqlite");
    const store = DuetStore.open(path);
    const conv = conversation("c");
    for (let i = 0; i < 300; i++) {
      store.recordIncoming(conv, {
        id: `m${i}`,
        direction: "in",
        text: `message ${i} `.repeat(20),
        at: i,
        state: "received",
      });
    }
    store.close();
    // overwrite the middle pages (b-tree pages of the messages table) with noise
    const size = statSync(path).size;
    const fd = openSync(path, "r+");
    writeSync(fd, Buffer.alloc(size / 2, 0xa5), 0, size / 2, 4096);
    closeSync(fd);
    failsWith(path, "corrupt", /damaged|integrity check failed/, /backup/);
  });

  it("a database this process already has open", () => {
    const path = join(dir(), "twice.sqlite");
    const first = DuetStore.open(path);
    try {
      failsWith(
        path,
        "locked",
        new RegExp(`process ${process.pid} \\(this process\\)`),
        /one daemon per store/,
      );
    } finally {
      first.close();
    }
    DuetStore.open(path).close(); // free again once closed
  });

  it("a database a live process is writing", async () => {
    const path = join(dir(), "busy.sqlite");
    const child = spawnWriter(path, "busy");
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          if (d.toString().includes("ack ")) resolve();
        });
        child.on("error", reject);
      });
      failsWith(path, "locked", new RegExp(`process ${child.pid}\\b`), /stop that process/);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
    DuetStore.open(path).close(); // the dead writer's lock is cleared
  });

  it("an owner record of a dead, recycled or half-written owner is stale and cleared", () => {
    const path = join(dir(), "stale.sqlite");
    DuetStore.open(path).close();
    for (const record of [
      // our own pid, but not our start time: the pid was recycled
      JSON.stringify({ pid: process.pid, startTime: "1" }),
      '{"pid": 12',
      "",
    ]) {
      writeFileSync(`${path}.owner`, record);
      mkdirSync(`${path}.lock`); // the lock directory SQLite's VFS leaves behind on a kill
      const store = DuetStore.open(path);
      store.close();
      assert.ok(!existsSync(`${path}.owner`) && !existsSync(`${path}.lock`), record);
    }
  });

  it("a database written by a newer Duet", () => {
    const path = join(dir(), "newer.sqlite");
    DuetStore.open(path).close();
    withRawDatabase(path, (db) => db.exec("PRAGMA user_version = 99"));
    failsWith(
      path,
      "newer-schema",
      new RegExp(`schema version 99; this Duet knows up to ${SCHEMA_VERSION}`),
      /newer Duet/,
    );
  });
});
