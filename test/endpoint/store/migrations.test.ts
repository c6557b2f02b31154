// Schema versions: a store written at version 1 (before delivery states and the separate
// policy table) opens under the current schema with its data intact and its incoming messages
// still to be shown; a migration that fails leaves the file at its old version.

import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  DuetStore,
  MIGRATIONS,
  SCHEMA_VERSION,
  StoreError,
} from "../../../src/endpoint/store/index.js";
import { withRawDatabase } from "./raw-db.js";
import { useTempDir } from "./temp-dir.js";

const dir = useTempDir("store-migrations");

const conv = {
  id: "conv-old",
  thread: "old-thread",
  createdAt: 10,
  lastActivity: 20,
  peer: { jid: "bob@chat.example.test", jidSource: "xmpp" as const },
  binding: { level: "none" as const, reason: "no-correlation-data" as const, since: 10 },
  calls: [],
  messages: [],
  announcements: [],
};

describe("schema migrations", () => {
  it("brings a version 1 store to the current version, keeping its data", () => {
    const path = join(dir(), "v1.sqlite");
    const v1 = DuetStore.open(path, { migrations: MIGRATIONS.slice(0, 1) });
    assert.equal(v1.schemaVersion, 1);
    v1.recordIncoming(conv, { id: "m1", direction: "in", text: "old", at: 30, state: "received" });
    v1.close();
    withRawDatabase(path, (db) => {
      // version 1 had no shown_at and no policy table
      const columns = db.all("PRAGMA table_info(messages)").map((r) => r.name);
      assert.ok(!columns.includes("shown_at"));
      assert.equal(db.get("SELECT name FROM sqlite_master WHERE name = 'policy'"), null);
    });

    const store = DuetStore.open(path);
    try {
      assert.equal(store.schemaVersion, SCHEMA_VERSION);
      assert.deepEqual(
        store.unshown().map((m) => [m.id, m.text]),
        [["m1", "old"]],
      );
      store.markShown("m1");
      assert.equal(store.message("m1")?.state, "shown");
      store.setPolicy({
        discovery: { allow: ["*"] },
        expiry: {
          threadIdleMs: 1,
          dialogGraceMs: 2,
          identityWindowMs: 3,
          announcementMs: 4,
        },
      });
      assert.deepEqual(store.policy()?.discovery.allow, ["*"]);
      assert.equal(store.conversation("conv-old")?.thread, "old-thread");
    } finally {
      store.close();
    }
  });

  it("a failing migration leaves the old version and data, and says so", () => {
    const path = join(dir(), "fail.sqlite");
    const v1 = DuetStore.open(path, { migrations: MIGRATIONS.slice(0, 1) });
    v1.recordIncoming(conv, { id: "m1", direction: "in", text: "kept", at: 30, state: "received" });
    v1.close();
    const broken = [
      MIGRATIONS[0]!,
      {
        version: 2,
        description: "half good, half broken",
        sql: "CREATE TABLE extra (x); ALTER TABLE no_such_table ADD COLUMN y;",
      },
    ];
    assert.throws(
      () => DuetStore.open(path, { migrations: broken }),
      (e: unknown) =>
        e instanceof StoreError &&
        e.code === "migration-failed" &&
        /version 2 \(half good, half broken\) failed: .*no_such_table/.test(e.message) &&
        /left at version 1/.test(e.hint),
    );
    withRawDatabase(path, (db) => {
      assert.equal(db.get("PRAGMA user_version")?.user_version, 1);
      assert.equal(db.get("SELECT name FROM sqlite_master WHERE name = 'extra'"), null);
    });
    const store = DuetStore.open(path);
    try {
      assert.deepEqual(
        store.unshown().map((m) => m.text),
        ["kept"],
      );
    } finally {
      store.close();
    }
  });
});
