// One error type for everything the store refuses or cannot do, so that the daemon can tell the
// user which file is at fault (`path`), what is wrong (`message`) and how to fix it (`hint`),
// and branch on `code` without parsing text.

export type StoreErrorCode =
  | "missing-directory" // the folder the database file should live in does not exist
  | "not-writable" // the file or its folder cannot be written
  | "not-a-database" // the file exists but is not SQLite (or its header is destroyed)
  | "corrupt" // SQLite opens it but the integrity check fails
  | "locked" // another live process owns the database
  | "newer-schema" // written by a newer Duet than this one
  | "migration-failed" // bringing an older schema up to date failed (the file is unchanged)
  | "closed" // used after close()
  | "invalid-record" // a value the schema cannot hold (bad direction, state…)
  | "io"; // any other SQLite failure

export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    readonly code: StoreErrorCode,
    readonly path: string,
    message: string,
    readonly hint: string,
  ) {
    super(`${path}: ${message} (${hint})`);
  }
}
