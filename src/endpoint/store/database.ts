// Opening the SQLite file safely: the folder must exist, one process owns the file, the
// journal is the rollback journal with full syncing (this WebAssembly build has no WAL), the
// file must pass SQLite's quick check, and its schema is brought to the current version. Every
// SQLite failure becomes a StoreError naming the file and the fix.

import { existsSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import type * as Sqlite from "node-sqlite3-wasm";
import { StoreError } from "./errors.js";
import { OwnerLock } from "./owner-lock.js";
import { MIGRATIONS, type Migration, SCHEMA_VERSION } from "./schema.js";

// The package is CommonJS and assigns its exports in a way Node's ESM loader cannot see as
// named exports, so it is loaded through require.
const { Database } = createRequire(import.meta.url)("node-sqlite3-wasm") as typeof Sqlite;

export type Row = Record<string, number | bigint | string | Uint8Array | null>;
export type Param = number | string | null;

/** Translates what node-sqlite3-wasm throws into our typed error. */
export function storeErrorFrom(path: string, e: unknown): StoreError {
  if (e instanceof StoreError) return e;
  const text = e instanceof Error ? e.message : String(e);
  if (/file is not a database/i.test(text)) {
    return new StoreError(
      "not-a-database",
      path,
      "the file is not an SQLite database",
      "point --store at a Duet store, or move this file aside so that a new store is created",
    );
  }
  if (/malformed|corrupt/i.test(text)) {
    return new StoreError(
      "corrupt",
      path,
      `the database is damaged (${text})`,
      "restore the file from a backup, or move it aside so that a new store is created",
    );
  }
  if (/locked|busy/i.test(text)) {
    return new StoreError(
      "locked",
      path,
      `the database is locked (${text})`,
      "stop the other process using this store, or give this one another --store PATH",
    );
  }
  if (/readonly|read-only|permission|unable to open/i.test(text)) {
    return new StoreError(
      "not-writable",
      path,
      `cannot open or write the file (${text})`,
      "make the file and its folder writable by the user running the daemon",
    );
  }
  return new StoreError("io", path, `SQLite failed: ${text}`, "check the disk and the file");
}

export class SqliteFile {
  private constructor(
    readonly path: string,
    private readonly db: Sqlite.Database,
    private readonly owner: OwnerLock,
  ) {}

  /** Opens (creating if needed) and migrates; `migrations` is replaceable for tests only. */
  static open(path: string, migrations: readonly Migration[] = MIGRATIONS): SqliteFile {
    const full = resolve(path);
    const dir = dirname(full);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new StoreError(
        "missing-directory",
        full,
        `the folder ${dir} does not exist`,
        `create it (mkdir -p ${dir}) or choose a --store PATH in an existing folder`,
      );
    }
    if (existsSync(full) && statSync(full).isDirectory()) {
      throw new StoreError(
        "not-a-database",
        full,
        "the path is a folder, not a file",
        "give --store the path of a file, e.g. DIR/duet.sqlite",
      );
    }
    const owner = OwnerLock.acquire(full);
    let db: Sqlite.Database | undefined;
    try {
      db = new Database(full);
      // EXCLUSIVE: keep SQLite's lock for the life of the connection (one daemon per store).
      // DELETE + FULL: a commit has reached the disk, journal included, when run() returns.
      db.exec(
        "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
      );
      const check = db.get("PRAGMA quick_check") as Row | null;
      if (check?.quick_check !== "ok") {
        throw new StoreError(
          "corrupt",
          full,
          `SQLite's integrity check failed: ${String(check?.quick_check)}`,
          "restore the file from a backup, or move it aside so that a new store is created",
        );
      }
      const file = new SqliteFile(full, db, owner);
      file.migrate(migrations);
      return file;
    } catch (e) {
      try {
        db?.close();
      } catch {
        // the original error is the one to report
      }
      owner.release();
      throw storeErrorFrom(full, e);
    }
  }

  get version(): number {
    return Number(this.get("PRAGMA user_version")?.user_version ?? 0);
  }

  private migrate(migrations: readonly Migration[]): void {
    const current = this.version;
    const target = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
    if (current > target) {
      throw new StoreError(
        "newer-schema",
        this.path,
        `the store has schema version ${current}; this Duet knows up to ${target}`,
        "run the newer Duet that wrote it, or point --store at another file",
      );
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      try {
        this.transaction(() => {
          this.db.exec(m.sql);
          // user_version takes no bound parameter; the value is our own integer.
          this.db.exec(`PRAGMA user_version = ${Math.trunc(m.version)}`);
        });
      } catch (e) {
        throw new StoreError(
          "migration-failed",
          this.path,
          `updating the schema to version ${m.version} (${m.description}) failed: ${e instanceof Error ? e.message : String(e)}`,
          `the file was left at version ${this.version}; keep a copy of it and report the problem`,
        );
      }
    }
  }

  run(sql: string, params: readonly Param[] = []): { changes: number } {
    return this.db.run(sql, [...params]);
  }

  get(sql: string, params: readonly Param[] = []): Row | undefined {
    return (this.db.get(sql, [...params]) as Row | null) ?? undefined;
  }

  all(sql: string, params: readonly Param[] = []): Row[] {
    return this.db.all(sql, [...params]) as Row[];
  }

  /** Runs `fn` in one transaction: committed (and synced) when this returns, else rolled back. */
  transaction<T>(fn: () => T): T {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.db.exec("COMMIT");
      return result;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw storeErrorFrom(this.path, e);
    }
  }

  close(): void {
    try {
      this.db.close();
    } finally {
      this.owner.release();
    }
  }
}

export { SCHEMA_VERSION };
