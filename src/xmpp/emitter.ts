// A small typed event emitter that works the same in Node and browsers. A listener that
// throws is reported to `onListenerError` instead of breaking the emitter or the caller.

type Listener<A extends unknown[]> = (...args: A) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never[]>>>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  on<K extends keyof Events>(event: K, fn: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(fn as unknown as Listener<never[]>);
    return () => this.off(event, fn);
  }

  off<K extends keyof Events>(event: K, fn: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(fn as unknown as Listener<never[]>);
  }

  emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    if (set.size === 1) {
      // The common case, without copying: a lone listener that adds or removes listeners
      // affects only later emits, as with the copy below.
      const [fn] = set;
      this.call(fn as unknown as Listener<Events[K]>, args);
      return;
    }
    // A copy, so that listeners added or removed by a listener take effect from the next emit.
    for (const fn of [...set]) this.call(fn as unknown as Listener<Events[K]>, args);
  }

  private call<A extends unknown[]>(fn: Listener<A>, args: A): void {
    try {
      fn(...args);
    } catch (err) {
      this.onListenerError(err);
    }
  }

  /** Resolves with the arguments of the next `event` that satisfies `accept`. */
  next<K extends keyof Events>(
    event: K,
    accept: (...args: Events[K]) => boolean = () => true,
  ): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (...args) => {
        if (!accept(...args)) return;
        off();
        resolve(args);
      });
    });
  }
}
