// A bounded memory of keys already seen, oldest forgotten first: enough to drop the duplicates
// that resends (XEP-0198 after a refused resumption) and archive catch-up (XEP-0313) produce.
export class SeenKeys {
  private readonly keys = new Set<string>();
  constructor(private readonly capacity = 5000) {}

  /** Records the keys; true when none of them had been seen before. */
  firstTime(keys: readonly string[]): boolean {
    if (keys.some((k) => this.keys.has(k))) {
      for (const k of keys) this.remember(k);
      return false;
    }
    for (const k of keys) this.remember(k);
    return true;
  }

  private remember(key: string): void {
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }
}
