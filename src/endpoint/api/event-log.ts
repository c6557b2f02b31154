// The events of one daemon run, numbered, with the latest few kept so that a client that lost
// its stream can resume where it stopped (Last-Event-ID, WHATWG HTML §9.2 "Server-sent events").
// Ids are "<run>-<n>": the run part is random per EventLog, so an id from an earlier run (the
// daemon restarted) is recognised as such instead of being taken for a recent one.

import type { ApiEvent } from "./contract.js";

export interface LoggedEvent {
  readonly id: string;
  readonly seq: number;
  readonly event: ApiEvent;
}

export type ResumeResult =
  /** Everything after the given id is still here. */
  | { readonly complete: true; readonly events: readonly LoggedEvent[] }
  /** Some events after the given id are gone (or the id is from another run): what is left. */
  | { readonly complete: false; readonly events: readonly LoggedEvent[] };

export class EventLog {
  private readonly ring: (LoggedEvent | undefined)[];
  private next = 1;
  private readonly listeners = new Set<(e: LoggedEvent) => void>();
  readonly run: string;

  constructor(
    readonly capacity: number,
    run: string = randomRunId(),
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`event buffer capacity must be a positive integer, got ${capacity}`);
    }
    this.ring = new Array(capacity);
    this.run = run;
  }

  append(event: ApiEvent): LoggedEvent {
    const seq = this.next++;
    const logged: LoggedEvent = { id: `${this.run}-${seq}`, seq, event };
    this.ring[seq % this.capacity] = logged;
    for (const l of [...this.listeners]) l(logged);
    return logged;
  }

  /** Sequence number of the oldest event still kept (1 until the ring has wrapped). */
  private oldestSeq(): number {
    return Math.max(1, this.next - this.capacity);
  }

  private from(seq: number): LoggedEvent[] {
    const out: LoggedEvent[] = [];
    for (let s = Math.max(seq, this.oldestSeq()); s < this.next; s++)
      out.push(this.ring[s % this.capacity]!);
    return out;
  }

  /** What a client that last saw `lastEventId` has missed. */
  since(lastEventId: string): ResumeResult {
    const m = /^([0-9a-f]+)-(\d+)$/.exec(lastEventId.trim());
    if (!m || m[1] !== this.run) return { complete: false, events: this.from(1) };
    const seen = Number(m[2]);
    if (seen >= this.next) return { complete: false, events: this.from(1) };
    return { complete: seen + 1 >= this.oldestSeq(), events: this.from(seen + 1) };
  }

  subscribe(listener: (e: LoggedEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function randomRunId(): string {
  const bytes = new Uint8Array(4);
  globalThis.crypto.getRandomValues(bytes);
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
