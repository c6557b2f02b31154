// Where src/xmpp reports what it ignored or rejected (hostile input, protocol violations).
// Injected so that an application or a test can collect the lines.

export interface XmppLogger {
  warn(line: string): void;
  info(line: string): void;
}

export const consoleLogger: XmppLogger = {
  warn: (line) => console.warn(`[xmpp] ${line}`),
  info: () => {},
};

/** Keeps every line; for tests and for callers that want to show them later. */
export class MemoryLogger implements XmppLogger {
  readonly lines: { level: "warn" | "info"; line: string }[] = [];
  warn(line: string): void {
    this.lines.push({ level: "warn", line });
  }
  info(line: string): void {
    this.lines.push({ level: "info", line });
  }
  warnings(): string[] {
    return this.lines.filter((l) => l.level === "warn").map((l) => l.line);
  }
}
