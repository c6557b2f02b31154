// A bounded memory of keys already seen, oldest forgotten first: enough to drop the duplicates
// that resends (XEP-0198 after a refused resumption) and archive catch-up (XEP-0313) produce.
//
// Two generations instead of one ordered set: keys go into the young one; when it holds
// `capacity` keys, the old generation is forgotten whole and the young one becomes old. Every
// message pays one or two lookups and one insertion, never a deletion; the newest `capacity`
// keys are always remembered, and none older than the newest 2 × `capacity`.
//
// A key is an id within a scope (a sender's bare JID, say), kept as a set of ids per scope
// rather than one joined string: a joined key is a new string to hash on every message, while
// the scope is usually the same string object each time (see jid.ts) and hashes for free.
// Ids are kept as copies of their own (see own-copy.ts), not as slices of the stanza's chunk.

import { ownCopy } from "./own-copy.js";

/** An id and what it is unique within. */
export interface SeenKey {
  readonly scope: string;
  readonly id: string;
}

class Generation {
  private readonly byScope = new Map<string, Set<string>>();
  size = 0;

  has(key: SeenKey): boolean {
    return this.byScope.get(key.scope)?.has(key.id) ?? false;
  }

  /** Adds a key this generation does not hold yet. */
  addNew(key: SeenKey): void {
    let ids = this.byScope.get(key.scope);
    if (ids === undefined) {
      ids = new Set();
      this.byScope.set(ownCopy(key.scope), ids);
    }
    ids.add(ownCopy(key.id));
    this.size++;
  }
}

export class SeenKeys {
  private young = new Generation();
  private old = new Generation();
  private readonly generationSize: number;

  constructor(capacity = 5000) {
    this.generationSize = Math.max(1, capacity);
  }

  /** Records the key; true when it had not been seen before. */
  firstTime(key: SeenKey): boolean {
    if (this.young.has(key)) return false;
    const seen = this.old.has(key);
    // A key seen again in the old generation is remembered as young, like a new one.
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Generation();
    }
    this.young.addNew(key);
    return !seen;
  }
}
