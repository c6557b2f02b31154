// The TUI's client for the daemon's `GET /events` (text/event-stream): it keeps the stream open,
// reconnects after a drop with `Last-Event-ID` so that nothing is missed (WHATWG HTML §9.2.3,
// the server replays what it still holds or says `stream.gap`), backs off while the daemon is
// away, and reports its connection state so the screen can show it. Timers go through a Clock.

import { type ClientRequest, request } from "node:http";
import { request as requestTls } from "node:https";
import type { Clock, TimerHandle } from "../../common/clock.js";
import type { ApiEvent } from "../../endpoint/api/contract.js";
import { SseParser } from "./sse-parser.js";

export type StreamState =
  | { readonly state: "connecting"; readonly attempt: number }
  | { readonly state: "open" }
  | {
      readonly state: "down";
      /** What went wrong, said for a person. */
      readonly problem: string;
      /** When the next attempt starts (Clock.now() ms). */
      readonly retryInMs: number;
    }
  | { readonly state: "closed" };

export interface EventStreamOptions {
  readonly baseUrl: string;
  readonly token: string;
  readonly clock: Clock;
  readonly onEvent: (event: ApiEvent, id: string | undefined) => void;
  readonly onState: (state: StreamState) => void;
  /** First reconnection delay; doubles up to maxRetryMs. The server's `retry:` replaces it. */
  readonly retryMs?: number;
  readonly maxRetryMs?: number;
  /** An open stream silent for this long is taken as dead (the server sends heartbeats). */
  readonly idleMs?: number;
}

export class EventStreamClient {
  private lastEventId: string | undefined;
  private req: ClientRequest | undefined;
  private retryTimer: TimerHandle | undefined;
  private idleTimer: TimerHandle | undefined;
  private attempt = 0;
  private baseRetryMs: number;
  private stopped = false;

  constructor(private readonly options: EventStreamOptions) {
    this.baseRetryMs = options.retryMs ?? 1000;
  }

  start(): void {
    this.connect();
  }

  /** Stops for good: no reconnection. */
  stop(): void {
    this.stopped = true;
    this.options.clock.clearTimeout(this.retryTimer);
    this.options.clock.clearTimeout(this.idleTimer);
    this.req?.destroy();
    this.req = undefined;
    this.options.onState({ state: "closed" });
  }

  private connect(): void {
    if (this.stopped) return;
    this.attempt++;
    this.options.onState({ state: "connecting", attempt: this.attempt });
    const url = new URL("/events", this.options.baseUrl);
    const send = url.protocol === "https:" ? requestTls : request;
    const req = send(url, {
      headers: {
        Accept: "text/event-stream",
        Authorization: `Bearer ${this.options.token}`,
        ...(this.lastEventId !== undefined ? { "Last-Event-ID": this.lastEventId } : {}),
      },
    });
    this.req = req;
    let failed = false;
    const fail = (problem: string) => {
      if (failed || this.req !== req) return;
      failed = true;
      this.req = undefined;
      req.destroy();
      this.scheduleRetry(problem);
    };
    req.on("error", (e: NodeJS.ErrnoException) =>
      fail(`cannot reach the daemon (${e.code ?? e.message})`),
    );
    req.on("response", (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        fail(
          res.statusCode === 401
            ? "the daemon refused the API token (check --api-token)"
            : `the daemon answered HTTP ${res.statusCode} on /events`,
        );
        return;
      }
      this.attempt = 0;
      this.options.onState({ state: "open" });
      this.touch(() => fail("the event stream went silent"));
      const parser = new SseParser();
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        this.touch(() => fail("the event stream went silent"));
        const got = parser.feed(chunk);
        if (got.retryMs !== undefined) this.baseRetryMs = got.retryMs;
        for (const m of got.messages) {
          if (m.id !== undefined) this.lastEventId = m.id;
          const event = parseEvent(m.data);
          // Liberal in what we accept: an event we cannot read is skipped, not fatal.
          if (event) this.options.onEvent(event, m.id);
        }
      });
      res.on("end", () => fail("the daemon closed the event stream"));
      res.on("close", () => fail("the daemon closed the event stream"));
      res.on("error", () => fail("the event stream broke"));
    });
    req.end();
  }

  private touch(onIdle: () => void): void {
    this.options.clock.clearTimeout(this.idleTimer);
    this.idleTimer = this.options.clock.setTimeout(onIdle, this.options.idleMs ?? 45_000);
  }

  private scheduleRetry(problem: string): void {
    this.options.clock.clearTimeout(this.idleTimer);
    if (this.stopped) return;
    const max = this.options.maxRetryMs ?? 30_000;
    const delay = Math.min(max, this.baseRetryMs * 2 ** Math.max(0, this.attempt - 1));
    this.options.onState({ state: "down", problem, retryInMs: delay });
    this.retryTimer = this.options.clock.setTimeout(() => this.connect(), delay);
  }
}

/** The JSON object of one `data:` field as an ApiEvent, or undefined if it is not one. */
export function parseEvent(data: string): ApiEvent | undefined {
  try {
    const v = JSON.parse(data) as unknown;
    if (typeof v === "object" && v !== null && typeof (v as { type?: unknown }).type === "string")
      return v as ApiEvent;
  } catch {
    // fall through
  }
  return undefined;
}
