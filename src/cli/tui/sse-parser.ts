// An incremental text/event-stream parser (WHATWG HTML §9.2.6 "Interpreting an event stream"):
// lines end in LF, CR or CRLF; a blank line dispatches the event; `data:` lines are joined
// with LF; one leading space after the colon is dropped; lines starting with ":" are comments.
// Chunks may split anywhere, including between CR and LF.

export interface SseMessage {
  /** The `id:` field, when the event carried one. */
  readonly id?: string;
  readonly event: string;
  readonly data: string;
}

export interface SseFields {
  readonly messages: SseMessage[];
  /** A `retry:` field's reconnection delay in ms, when one arrived. */
  readonly retryMs?: number;
  /** Comment lines seen (heartbeats). */
  readonly comments: number;
}

export class SseParser {
  private pending = "";
  private skipLf = false;
  private data: string[] = [];
  private id: string | undefined;
  private event = "";

  /** Feeds a chunk of decoded text; returns what it completed. */
  feed(chunk: string): SseFields {
    const messages: SseMessage[] = [];
    let retryMs: number | undefined;
    let comments = 0;
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      const ch = chunk[i];
      if (ch === "\n" && this.skipLf && i === start) {
        // The LF of a CRLF whose CR ended the previous chunk or line.
        this.skipLf = false;
        start = i + 1;
        continue;
      }
      if (ch !== "\n" && ch !== "\r") continue;
      const line = this.pending + chunk.slice(start, i);
      this.pending = "";
      this.skipLf = ch === "\r";
      start = i + 1;
      const r = this.line(line);
      if (r === "comment") comments++;
      else if (typeof r === "number") retryMs = r;
      else if (r) messages.push(r);
    }
    if (start < chunk.length) {
      this.pending += chunk.slice(start);
      this.skipLf = false;
    }
    return { messages, ...(retryMs !== undefined ? { retryMs } : {}), comments };
  }

  private line(line: string): SseMessage | number | "comment" | undefined {
    if (line === "") {
      if (this.data.length === 0) {
        this.event = "";
        return undefined;
      }
      const m: SseMessage = {
        ...(this.id !== undefined ? { id: this.id } : {}),
        event: this.event || "message",
        data: this.data.join("\n"),
      };
      this.data = [];
      this.event = "";
      return m;
    }
    if (line.startsWith(":")) return "comment";
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "data":
        this.data.push(value);
        return undefined;
      case "id":
        // §9.2.6: an id containing NUL is ignored.
        if (!value.includes("\0")) this.id = value;
        return undefined;
      case "event":
        this.event = value;
        return undefined;
      case "retry":
        return /^\d+$/.test(value) ? Number(value) : undefined;
      default:
        return undefined;
    }
  }

  /** The id of the last event seen (what to send as Last-Event-ID when reconnecting). */
  get lastEventId(): string | undefined {
    return this.id;
  }
}
