// A bounded memory of keys already seen, oldest forgotten first: enough to drop the duplicates
// that resends (XEP-0198 after a refused resumption) and archive catch-up (XEP-0313) produce.
//
// Two generations instead of one ordered set: keys go into the young one; when it holds
// `capacity` keys, the old generation is forgotten whole and the young one becomes old. Every
// message pays one or two lookups and one insertion, never a deletion; the newest `capacity`
// keys are always remembered, and none older than the newest 2 × `capacity`.
export class SeenKeys {
  private young = new Set<string>();
  private old = new Set<string>();
  private readonly generationSize: number;

  constructor(capacity = 5000) {
    this.generationSize = Math.max(1, capacity);
  }

  /** Records the keys; true when none of them had been seen before. */
  firstTime(keys: readonly string[]): boolean {
    let seen = false;
    for (const k of keys) {
      if (this.young.has(k) || this.old.has(k)) {
        seen = true;
        break;
      }
    }
    // A key seen again is remembered as young, like a new one.
    for (const k of keys) this.remember(k);
    return !seen;
  }

  private remember(key: string): void {
    if (this.young.has(key)) return;
    if (this.young.size >= this.generationSize) {
      this.old = this.young;
      this.young = new Set();
    }
    this.young.add(key);
  }
}
