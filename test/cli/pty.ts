// A real pseudo-terminal for CLI tests: util-linux `script` runs the command on a new pty, so
// the program sees a terminal on stdin/stdout (isTTY, raw mode, no echo of hidden input)
// while the test writes keystrokes and reads the screen through pipes.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]/g;
const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export class PtySession {
  private raw = "";
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<() => void>();
  readonly exited: Promise<number | null>;

  constructor(command: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) {
    this.child = spawn("script", ["-qec", command.map(quote).join(" "), "/dev/null"], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env, TERM: "xterm" },
    });
    const take = (d: Buffer) => {
      this.raw += d.toString();
      for (const w of this.waiters) w();
    };
    this.child.stdout.on("data", take);
    this.child.stderr.on("data", take);
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  /** Everything shown so far, without terminal control sequences. */
  get screen(): string {
    return this.raw.replace(ANSI, "").replace(/\r/g, "");
  }

  /** Resolves once `text` has appeared after `from` (an index into `screen`). */
  waitFor(text: string | RegExp, from = 0, limitMs = 20_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const rest = this.screen.slice(from);
        const at = typeof text === "string" ? rest.indexOf(text) : rest.search(text);
        if (at < 0) return false;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(from + at + (typeof text === "string" ? text.length : 0));
        return true;
      };
      // Not an assertion on speed: only a bound on how long a stuck test waits.
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`never saw ${String(text)}; the screen was:\n${this.screen}`));
      }, limitMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Types keys (Enter is "\r", as a terminal sends it). */
  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.pid !== undefined) this.child.kill("SIGKILL");
  }
}
