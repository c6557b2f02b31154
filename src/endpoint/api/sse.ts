// One client's event stream in the text/event-stream format (WHATWG HTML §9.2): each event is
// an `id:` line and one `data:` line holding the JSON object (JSON.stringify never emits a raw
// newline, so one data line always suffices), then a blank line. Comment lines (starting with
// ":") keep idle connections from being cut by proxies and let clients notice a dead daemon;
// they are timed by the injected Clock.

import type { ServerResponse } from "node:http";
import type { Clock, TimerHandle } from "../../common/clock.js";
import type { ApiEvent } from "./contract.js";
import type { EventLog, LoggedEvent } from "./event-log.js";

export function formatEvent(e: LoggedEvent): string {
  return `id: ${e.id}\ndata: ${JSON.stringify({ ...e.event })}\n\n`;
}

export function formatGap(id: string, lastEventId: string): string {
  return `id: ${id}\ndata: ${JSON.stringify({ type: "stream.gap", lastEventId })}\n\n`;
}

export interface StreamOptions {
  readonly clock: Clock;
  readonly heartbeatMs: number;
  /** A client this far behind (bytes not yet taken by the socket) is cut off; it can resume. */
  readonly maxBufferedBytes: number;
  /** Suggested reconnection delay for EventSource clients (the `retry:` field). */
  readonly retryMs: number;
}

export class EventStream {
  private timer: TimerHandle | undefined;
  private unsubscribe: (() => void) | undefined;
  private ended = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly log: EventLog,
    private readonly options: StreamOptions,
    private readonly onEnd: (stream: EventStream) => void,
  ) {}

  /**
   * Sends the headers, what the client missed since `lastEventId`, `initial` (events for this
   * client alone, sent without an id so they never move its resumption point), then live events.
   */
  start(lastEventId: string | undefined, initial: readonly ApiEvent[] = []): void {
    this.res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    this.res.on("close", () => this.end());
    let opening = `retry: ${this.options.retryMs}\n: duet events, run ${this.log.run}\n\n`;
    if (lastEventId !== undefined) {
      const missed = this.log.since(lastEventId);
      if (!missed.complete) {
        // The gap notice takes the id of the event just before the first replayed one, so that
        // resuming from it again replays the same events and no more.
        const first = missed.events[0];
        const before = first ? `${this.log.run}-${first.seq - 1}` : `${this.log.run}-0`;
        opening += formatGap(before, lastEventId);
      }
      for (const e of missed.events) opening += formatEvent(e);
    }
    for (const e of initial) opening += `data: ${JSON.stringify(e)}\n\n`;
    this.write(opening);
    this.unsubscribe = this.log.subscribe((e) => this.write(formatEvent(e)));
    this.scheduleHeartbeat();
  }

  private scheduleHeartbeat(): void {
    this.timer = this.options.clock.setTimeout(() => {
      this.write(": heartbeat\n\n");
      if (!this.ended) this.scheduleHeartbeat();
    }, this.options.heartbeatMs);
  }

  private write(text: string): void {
    if (this.ended) return;
    if (this.res.writableLength > this.options.maxBufferedBytes) {
      this.end();
      return;
    }
    this.res.write(text);
  }

  /** Ends the stream (server shutdown, slow client, or the client went away). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.options.clock.clearTimeout(this.timer);
    this.unsubscribe?.();
    if (!this.res.writableEnded) this.res.end();
    this.onEnd(this);
  }
}
