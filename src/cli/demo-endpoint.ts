// One `duet daemon` run by `duet demo` as a child process and driven only through its API
// (docs/api.md), as any program would: JSON-RPC over HTTP and the Server-Sent Events stream.
//
// The child gets a process group of its own (so a Ctrl-C in the terminal reaches the demo only,
// and the demo stops the endpoints in order: calls closed, registration removed, XMPP session
// ended, before the servers go away) and writes its ready line and its log to files (so that,
// with --keep, it outlives the demo without a broken pipe).

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Clock, systemClock } from "../common/clock.js";
import type { ApiEvent } from "../endpoint/api/contract.js";
import type { ReadyLine } from "../endpoint/daemon.js";
import { livePidsInGroup, stopGroup } from "../sandbox/processes.js";
import { tracedMessages } from "./daemon-log.js";
import { EventStreamClient } from "./tui/event-stream.js";
import { RpcClient } from "./tui/rpc-client.js";

const duetBin = new URL("../../../bin/duet.js", import.meta.url).pathname;

/** The demo was interrupted (Ctrl-C or SIGTERM): every wait ends with this. */
export class DemoInterrupted extends Error {
  override readonly name = "DemoInterrupted";
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}

/** A wait that ran out of time: says what was awaited and what was seen instead. */
export class DemoTimeout extends Error {
  override readonly name = "DemoTimeout";
}

export interface DemoEndpointOptions {
  readonly name: string;
  /** The account's endpoint configuration (the sandbox's DIR/accounts/NAME.json). */
  readonly config: string;
  /** This endpoint's own folder: ready line, log, store. */
  readonly dir: string;
  /** Where its calls are recorded (one WAV per call). */
  readonly record: string;
  /** The tone it sends in calls, so that each side's recording shows whom it heard. */
  readonly toneHz: number;
  readonly trace?: readonly ("sip" | "xmpp")[];
  readonly signal: AbortSignal;
  readonly clock?: Clock;
  /** Called with the pid as soon as the child exists (for clean-up on interruption). */
  readonly onSpawn?: (pid: number) => void;
  readonly readyTimeoutMs?: number;
}

type Waiter = { match: (e: ApiEvent) => boolean; resolve: (e: ApiEvent) => void };

export class DemoEndpoint {
  /** Every event seen on the stream, oldest first. */
  readonly events: ApiEvent[] = [];
  readonly rpc: RpcClient;
  private waiters: Waiter[] = [];
  private stream: EventStreamClient | undefined;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
    readonly ready: ReadyLine,
    readonly token: string,
    readonly logFile: string,
    readonly record: string,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
  ) {
    this.rpc = new RpcClient(ready.api, token);
  }

  get pid(): number {
    return this.ready.pid;
  }

  /** The bare JID the endpoint logged in with. */
  get jid(): string {
    return this.ready.xmpp.split("/")[0]!;
  }

  /** How many events have been seen so far: a mark for `waitFor(…, {since})`. */
  get mark(): number {
    return this.events.length;
  }

  static async start(opts: DemoEndpointOptions): Promise<DemoEndpoint> {
    const clock = opts.clock ?? systemClock;
    mkdirSync(opts.dir, { recursive: true });
    mkdirSync(opts.record, { recursive: true });
    const token = randomBytes(18).toString("base64url");
    const readyFile = join(opts.dir, "ready.json");
    const logFile = join(opts.dir, "daemon.log");
    const out = openSync(readyFile, "w");
    const err = openSync(logFile, "w");
    const args = [
      duetBin,
      "daemon",
      "--config",
      opts.config,
      "--api",
      "127.0.0.1:0",
      "--api-token",
      token,
      "--store",
      join(opts.dir, "store.sqlite"),
      "--record",
      opts.record,
      "--audio",
      `tone:${opts.toneHz}`,
      "--log-format",
      "json",
      ...(opts.trace && opts.trace.length > 0 ? ["--trace", opts.trace.join(",")] : []),
    ];
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", out, err] });
    } finally {
      closeSync(out);
      closeSync(err);
    }
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    const ready = await waitForReadyLine(child, readyFile, logFile, opts, clock);
    const endpoint = new DemoEndpoint(
      opts.name,
      child,
      ready,
      token,
      logFile,
      opts.record,
      clock,
      opts.signal,
    );
    await endpoint.openStream();
    return endpoint;
  }

  private openStream(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.clock.clearTimeout(timer);
        this.stream?.stop();
        reject(new DemoInterrupted(String(this.signal.reason ?? "a signal")));
      };
      const timer = this.clock.setTimeout(() => {
        this.signal.removeEventListener("abort", onAbort);
        this.stream?.stop();
        reject(new DemoTimeout(`${this.name}: the event stream did not open within 10 s`));
      }, 10_000);
      this.signal.addEventListener("abort", onAbort, { once: true });
      this.stream = new EventStreamClient({
        baseUrl: this.ready.api,
        token: this.token,
        clock: this.clock,
        onEvent: (event) => {
          this.events.push(event);
          this.waiters = this.waiters.filter((w) => {
            if (!w.match(event)) return true;
            w.resolve(event);
            return false;
          });
        },
        onState: (s) => {
          if (s.state === "open") {
            this.clock.clearTimeout(timer);
            this.signal.removeEventListener("abort", onAbort);
            resolve();
          }
        },
      });
      this.stream.start();
    });
  }

  /**
   * The first event of `type` matching `pred` seen from `since` on (already seen or still to
   * come). Rejects after `ms` with what was seen instead, or at once when the demo is
   * interrupted.
   */
  waitFor<T extends ApiEvent["type"]>(
    type: T,
    pred: (e: Extract<ApiEvent, { type: T }>) => boolean = () => true,
    opts: { since?: number; ms?: number } = {},
  ): Promise<Extract<ApiEvent, { type: T }>> {
    type E = Extract<ApiEvent, { type: T }>;
    const match = (e: ApiEvent): boolean => e.type === type && pred(e as E);
    const seen = this.events.slice(opts.since ?? 0).find(match);
    if (seen) return Promise.resolve(seen as E);
    const ms = opts.ms ?? 15_000;
    return new Promise<E>((resolve, reject) => {
      const onAbort = () => {
        this.clock.clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new DemoInterrupted(String(this.signal.reason ?? "a signal")));
      };
      const timer = this.clock.setTimeout(() => {
        this.signal.removeEventListener("abort", onAbort);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        const types = this.events
          .slice(opts.since ?? 0)
          .map((e) => e.type)
          .join(", ");
        reject(
          new DemoTimeout(
            `${this.name}: no ${type} event as expected within ${ms / 1000} s (seen meanwhile: ${types || "nothing"}); log: ${this.logFile}`,
          ),
        );
      }, ms);
      const waiter: Waiter = {
        match,
        resolve: (e) => {
          this.clock.clearTimeout(timer);
          this.signal.removeEventListener("abort", onAbort);
          resolve(e as E);
        },
      };
      if (this.signal.aborted) return onAbort();
      this.signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** The wire traffic the daemon traced (`--trace`), oldest first, read from its log. */
  wire(protocol: "sip" | "xmpp", dir: "in" | "out"): string[] {
    let text = "";
    try {
      text = readFileSync(this.logFile, "utf8");
    } catch {
      return [];
    }
    return tracedMessages(text.split("\n"), protocol, dir);
  }

  /** Stops the event stream and lets the daemon outlive this process (--keep). */
  detach(): void {
    this.stream?.stop();
    this.child.unref();
  }

  /**
   * SIGTERM to its process group (the daemon hangs up, unregisters and logs out), SIGKILL after
   * `graceMs`; resolves once no process of it remains. True if it had to be killed.
   */
  async stop(graceMs = 8000): Promise<boolean> {
    this.stream?.stop();
    return stopGroup(this.pid, graceMs);
  }

  get alive(): boolean {
    return livePidsInGroup(this.pid).length > 0;
  }
}

async function waitForReadyLine(
  child: ChildProcess,
  readyFile: string,
  logFile: string,
  opts: DemoEndpointOptions,
  clock: Clock,
): Promise<ReadyLine> {
  const deadline = clock.now() + (opts.readyTimeoutMs ?? 30_000);
  let exited: number | string | null = null;
  child.once("exit", (code, sig) => {
    exited = code ?? sig ?? "unknown";
  });
  const tail = () => {
    if (!existsSync(logFile)) return "(no log)";
    return readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-8).join("\n");
  };
  for (;;) {
    const text = existsSync(readyFile) ? readFileSync(readyFile, "utf8") : "";
    const nl = text.indexOf("\n");
    if (nl >= 0) {
      try {
        return JSON.parse(text.slice(0, nl)) as ReadyLine;
      } catch {
        throw new Error(`${opts.name}'s daemon printed no JSON ready line: ${text.slice(0, nl)}`);
      }
    }
    if (exited !== null)
      throw new Error(`${opts.name}'s daemon exited (${exited}) before it was ready:\n${tail()}`);
    if (opts.signal.aborted) throw new DemoInterrupted(String(opts.signal.reason ?? "a signal"));
    if (clock.now() > deadline)
      throw new DemoTimeout(`${opts.name}'s daemon was not ready within 30 s:\n${tail()}`);
    await new Promise<void>((r) => clock.setTimeout(r, 50));
  }
}
