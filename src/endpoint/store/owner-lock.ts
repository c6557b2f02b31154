// Which process owns the database file. node-sqlite3-wasm locks a database by creating the
// directory `FILE.lock` (its VFS has no POSIX advisory locks), and a process killed with SIGKILL
// leaves that directory behind: every later open would then fail with "database is locked"
// forever. So the store records its owner in `FILE.owner` (pid and, on Linux, the process start
// time so that a recycled pid is not mistaken for the owner). On open, a live owner means
// "locked"; a dead one means its lock directory is stale and may be removed, after which SQLite
// finds the hot journal and rolls the interrupted transaction back (SQLite "atomic commit" §4).

import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { StoreError } from "./errors.js";

interface OwnerRecord {
  readonly pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks since boot), when the platform has /proc. */
  readonly startTime?: string;
}

function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may contain spaces and parentheses: fields after it start
    // after the last ")". Field 3 is then index 0, so field 22 is index 19.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function isAlive(owner: OwnerRecord): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (owner.startTime === undefined) return true;
  const now = processStartTime(owner.pid);
  return now === undefined || now === owner.startTime;
}

function readOwner(file: string): OwnerRecord | undefined {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as Partial<OwnerRecord>;
    if (typeof o.pid !== "number" || !Number.isInteger(o.pid) || o.pid <= 0) return undefined;
    return { pid: o.pid, ...(typeof o.startTime === "string" ? { startTime: o.startTime } : {}) };
  } catch {
    return undefined; // unreadable or half-written by a killed owner: not a live claim
  }
}

export class OwnerLock {
  private released = false;

  private constructor(
    readonly file: string,
    private readonly record: OwnerRecord,
  ) {}

  /** Claims `dbPath` for this process, clearing what a dead owner left behind. */
  static acquire(dbPath: string): OwnerLock {
    const file = `${dbPath}.owner`;
    const startTime = processStartTime(process.pid);
    const record: OwnerRecord = { pid: process.pid, ...(startTime ? { startTime } : {}) };
    // The record is written to a private file first and then hard-linked into place: link()
    // fails if the name exists and never exposes a half-written record to another opener.
    const draft = `${file}.${process.pid}.tmp`;
    writeDraft(dbPath, draft, JSON.stringify(record));
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          linkSync(draft, file);
          return new OwnerLock(file, record);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== "EEXIST") throw notWritable(dbPath, file, code);
        }
        const owner = readOwner(file);
        if (owner && isAlive(owner)) {
          throw new StoreError(
            "locked",
            dbPath,
            `the database is in use by process ${owner.pid}${owner.pid === process.pid ? " (this process)" : ""}`,
            `stop that process (one daemon per store), or give this one another --store PATH; if process ${owner.pid} is not a Duet daemon, delete ${file}`,
          );
        }
        clearStale(dbPath, file);
      }
    } finally {
      try {
        unlinkSync(draft);
      } catch {
        // already gone
      }
    }
    throw new StoreError(
      "locked",
      dbPath,
      "another process claimed the database while this one was starting",
      "start one daemon per store",
    );
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    if (readOwner(this.file)?.pid === this.record.pid) {
      try {
        unlinkSync(this.file);
      } catch {
        // already gone: nothing to release
      }
    }
  }
}

function writeDraft(dbPath: string, draft: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(draft, "w", 0o600);
  } catch (e) {
    throw notWritable(dbPath, draft, (e as NodeJS.ErrnoException).code);
  }
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function clearStale(dbPath: string, ownerFile: string): void {
  for (const remove of [() => unlinkSync(ownerFile), () => rmdirSync(`${dbPath}.lock`)]) {
    try {
      remove();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== "ENOENT") throw notWritable(dbPath, ownerFile, code);
    }
  }
}

function notWritable(dbPath: string, file: string, code: string | undefined): StoreError {
  return new StoreError(
    "not-writable",
    dbPath,
    `cannot create or remove ${file} (${code ?? "error"})`,
    "make the store's folder writable by the user running the daemon, or choose another --store PATH",
  );
}
