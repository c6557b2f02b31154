// A real `duet daemon` in a child process, driven through its API exactly as a program would:
// JSON-RPC calls over HTTP and the SSE event stream. Tests of issue 6 use only this.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { tracedMessages } from "../../../src/cli/daemon-log.js";
import { EventStreamClient } from "../../../src/cli/tui/event-stream.js";
import { RpcClient } from "../../../src/cli/tui/rpc-client.js";
import { systemClock } from "../../../src/common/clock.js";
import type { ApiEvent } from "../../../src/endpoint/api/index.js";
import type { ReadyLine } from "../../../src/endpoint/daemon.js";
import { repoRoot } from "../../helpers/paths.js";

const duetBin = join(repoRoot, "bin", "duet.js");
const live = new Set<ChildProcess>();
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export interface DaemonStart {
  /** The account's config file (the sandbox's DIR/accounts/NAME.json). */
  readonly config: string;
  /** A folder of this daemon's own: store and recordings go there. */
  readonly dir: string;
  readonly audio?: string;
  readonly autoAnswer?: boolean;
  readonly extra?: readonly string[];
  /** Keep this store path across restarts (default DIR/store.sqlite). */
  readonly store?: string;
}

export class DaemonProcess {
  readonly events: { event: ApiEvent; at: number }[] = [];
  readonly stderr: string[] = [];
  private waiters: { pred: (e: ApiEvent) => boolean; resolve: (e: ApiEvent) => void }[] = [];
  private stream: EventStreamClient | undefined;
  readonly rpc: RpcClient;
  private exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly ready: ReadyLine,
    readonly token: string,
    readonly opts: DaemonStart,
  ) {
    this.rpc = new RpcClient(ready.api, token);
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      child.once("exit", (code) => {
        live.delete(child);
        resolve(code);
      });
    });
  }

  get recordDir(): string {
    return join(this.opts.dir, "rec");
  }

  static async start(name: string, opts: DaemonStart): Promise<DaemonProcess> {
    mkdirSync(opts.dir, { recursive: true });
    const token = `test-token-${name}-0123456789`;
    const args = [
      duetBin,
      "daemon",
      "--config",
      opts.config,
      "--api-token",
      token,
      "--store",
      opts.store ?? join(opts.dir, "store.sqlite"),
      "--record",
      join(opts.dir, "rec"),
      "--audio",
      opts.audio ?? "silence",
      ...(opts.autoAnswer ? ["--auto-answer"] : []),
      ...(opts.extra ?? []),
    ];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    const stderr: string[] = [];
    child.stderr!.setEncoding("utf8");
    let errBuf = "";
    child.stderr!.on("data", (d: string) => {
      errBuf += d;
      const lines = errBuf.split("\n");
      errBuf = lines.pop()!;
      stderr.push(...lines);
    });
    const ready = await new Promise<ReadyLine>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`daemon ${name} not ready within 30 s:\n${stderr.join("\n")}`));
      }, 30_000);
      child.stdout!.setEncoding("utf8");
      child.stdout!.on("data", (d: string) => {
        out += d;
        const nl = out.indexOf("\n");
        if (nl >= 0) {
          clearTimeout(timer);
          try {
            resolve(JSON.parse(out.slice(0, nl)) as ReadyLine);
          } catch {
            reject(new Error(`daemon ${name} printed no JSON ready line: ${out}`));
          }
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`daemon ${name} exited with ${code} before ready:\n${stderr.join("\n")}`));
      });
    });
    const d = new DaemonProcess(name, child, ready, token, opts);
    (d.stderr as string[]).push(...stderr);
    child.stderr!.removeAllListeners("data");
    child.stderr!.on("data", (chunk: string) => {
      errBuf += chunk;
      const lines = errBuf.split("\n");
      errBuf = lines.pop()!;
      d.stderr.push(...lines);
    });
    await d.openStream();
    return d;
  }

  private openStream(): Promise<void> {
    return new Promise((resolve) => {
      this.stream = new EventStreamClient({
        baseUrl: this.ready.api,
        token: this.token,
        clock: systemClock,
        onEvent: (event) => {
          this.events.push({ event, at: Date.now() });
          this.waiters = this.waiters.filter((w) => {
            if (!w.pred(event)) return true;
            w.resolve(event);
            return false;
          });
        },
        onState: (s) => {
          if (s.state === "open") resolve();
        },
      });
      this.stream.start();
    });
  }

  /** The first event (already seen, from `since` on, or still to come) that matches. */
  waitFor<T extends ApiEvent["type"]>(
    type: T,
    pred: (e: Extract<ApiEvent, { type: T }>) => boolean = () => true,
    opts: { ms?: number; since?: number } = {},
  ): Promise<Extract<ApiEvent, { type: T }>> {
    const match = (e: ApiEvent): boolean =>
      e.type === type && pred(e as Extract<ApiEvent, { type: T }>);
    const seen = this.events.slice(opts.since ?? 0).find((x) => match(x.event));
    if (seen) return Promise.resolve(seen.event as Extract<ApiEvent, { type: T }>);
    const ms = opts.ms ?? 15_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const types = this.events.map((x) => x.event.type).join(", ");
        reject(
          new Error(
            `${this.name}: no ${type} event matching within ${ms} ms; events so far: ${types}\nlog:\n${this.stderr.slice(-15).join("\n")}`,
          ),
        );
      }, ms);
      this.waiters.push({
        pred: match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e as Extract<ApiEvent, { type: T }>);
        },
      });
    });
  }

  /** The wire traffic the daemon traced (`--trace`), oldest first. */
  wire(protocol: "sip" | "xmpp", dir: "in" | "out"): string[] {
    return tracedMessages(this.stderr, protocol, dir);
  }

  /** How many events have been seen so far (a mark for `since`). */
  get mark(): number {
    return this.events.length;
  }

  /** SIGTERM and wait: calls are hung up, the registration removed, the session closed. */
  async stop(): Promise<number | null> {
    this.stream?.stop();
    if (this.child.exitCode === null) this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 10_000);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  /** SIGKILL: the process dies on the spot, as in a crash. */
  async kill(): Promise<void> {
    this.stream?.stop();
    this.child.kill("SIGKILL");
    await this.exited;
  }
}
