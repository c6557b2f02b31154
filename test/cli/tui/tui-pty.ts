// `duet tui` on a real pseudo-terminal of 80×24: util-linux `script` gives the program a pty
// (sized with stty before the program starts), the test types keys into it and reads what it
// drew through a VirtualScreen.

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { VirtualScreen } from "./virtual-screen.js";

const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

export class TuiPty {
  readonly screen: VirtualScreen;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiters = new Set<() => void>();
  private output = "";
  /** `script` runs the program in a session of its own: its pid is kept here to stop it. */
  private readonly pidDir = mkdtempSync(join(tmpdir(), "duet-tui-pty-"));
  readonly exited: Promise<number | null>;

  constructor(
    private readonly command: readonly string[],
    opts: { cwd: string; columns?: number; rows?: number; env?: NodeJS.ProcessEnv },
  ) {
    const columns = opts.columns ?? 80;
    const rows = opts.rows ?? 24;
    this.screen = new VirtualScreen(columns, rows);
    const pidFile = join(this.pidDir, "pid");
    const shell = `stty cols ${columns} rows ${rows} && echo $$ > ${quote(pidFile)} && exec ${command.map(quote).join(" ")}`;
    this.child = spawn("script", ["-qec", shell, "/dev/null"], {
      cwd: opts.cwd,
      // Ink draws nothing live when it believes it runs under CI (is-in-ci): say it does not.
      env: {
        ...process.env,
        ...opts.env,
        TERM: "xterm-256color",
        CI: "0",
        CONTINUOUS_INTEGRATION: "0",
      },
    });
    const take = (d: Buffer) => {
      const text = d.toString("utf8");
      this.output += text;
      this.screen.write(text);
      if (!this.screen.updating) for (const w of [...this.waiters]) w();
    };
    this.child.stdout.on("data", take);
    this.child.stderr.on("data", take);
    this.exited = new Promise((resolve) => this.child.on("close", (code) => resolve(code)));
  }

  /** The screen now, as text. */
  get text(): string {
    return this.screen.text();
  }

  /** Everything written, for failure messages. */
  get raw(): string {
    return this.output;
  }

  /** Resolves with the screen once `check` holds for it. */
  waitForScreen(check: (text: string) => boolean, what: string, limitMs = 15_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const test = () => {
        const text = this.screen.text();
        if (!check(text)) return;
        this.waiters.delete(test);
        clearTimeout(timer);
        resolve(text);
      };
      // Not an assertion on speed: only a bound on how long a stuck test waits.
      const timer = setTimeout(() => {
        this.waiters.delete(test);
        reject(new Error(`the screen never showed ${what}; it was:\n${this.screen.text()}`));
      }, limitMs);
      this.waiters.add(test);
      if (!this.screen.updating) test();
    });
  }

  waitFor(text: string | RegExp, limitMs?: number): Promise<string> {
    return this.waitForScreen(
      (s) => (typeof text === "string" ? s.includes(text) : text.test(s)),
      String(text),
      limitMs,
    );
  }

  /** Types keys (Enter is "\r", Esc "\x1b", as a terminal sends them). */
  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Stops the program (by its own pid: it is not in `script`'s process group) and `script`. */
  kill(): void {
    let pid: number | undefined;
    try {
      pid = Number(readFileSync(join(this.pidDir, "pid"), "utf8").trim()) || undefined;
    } catch {
      pid = undefined; // it never started
    }
    // Only while `script` runs (it ends when the program does), and only if that pid is still
    // the program: a pid reused by someone else's process must never be hit.
    const running = this.child.exitCode === null && this.child.signalCode === null;
    if (pid !== undefined && running && isOurs(pid, this.command)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (this.child.exitCode === null && this.child.pid !== undefined) this.child.kill("SIGKILL");
    rmSync(this.pidDir, { recursive: true, force: true });
  }
}

function isOurs(pid: number, command: readonly string[]): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return command.every((part) => cmdline.includes(part));
  } catch {
    return false;
  }
}
