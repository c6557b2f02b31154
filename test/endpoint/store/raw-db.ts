// Direct access to a store file with node-sqlite3-wasm, for tests that must write what the
// store itself never would (an older schema's data, a damaged snapshot).
import { createRequire } from "node:module";
import type * as Sqlite from "node-sqlite3-wasm";

const { Database } = createRequire(import.meta.url)("node-sqlite3-wasm") as typeof Sqlite;

export function withRawDatabase<T>(path: string, fn: (db: Sqlite.Database) => T): T {
  const db = new Database(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
