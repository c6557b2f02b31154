// The daemon's API transport on node:http (issue 6): JSON-RPC 2.0 at `POST /rpc` and the event
// stream at `GET /events`, both behind `Authorization: Bearer <token>`, on 127.0.0.1 unless
// told otherwise. What answers the methods is the EndpointApi given to it; what the stream
// carries is whatever is publish()ed.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, systemClock } from "../../common/clock.js";
import { BearerCheck } from "./auth.js";
import type { ApiEvent, EndpointApi } from "./contract.js";
import { dispatcher } from "./dispatch.js";
import { EventLog, type LoggedEvent } from "./event-log.js";
import { type Dispatch, handleBody } from "./jsonrpc.js";
import { EventStream } from "./sse.js";

export interface ApiServerOptions {
  readonly api: EndpointApi;
  readonly token: string;
  /** Default 127.0.0.1: the API controls calls and chat, so it stays on loopback unless asked. */
  readonly host?: string;
  /** Default 0: the system picks a free port. */
  readonly port?: number;
  readonly clock?: Clock;
  /** How many recent events are kept for Last-Event-ID resumption (default 1000). */
  readonly eventBuffer?: number;
  /** Comment line interval on idle streams (default 15 s). */
  readonly heartbeatMs?: number;
  /** Largest accepted request body (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** Most requests in one batch (default 100). */
  readonly maxBatch?: number;
  /**
   * Events for a newly opened stream alone, sent before live ones (e.g. messages that arrived
   * while no client was connected). `resumed`: the client gave a Last-Event-ID.
   */
  readonly onStreamOpen?: (resumed: boolean) => readonly ApiEvent[];
  /** Called with what an EndpointApi method threw that was not an expected error. */
  readonly onInternalError?: (e: unknown) => void;
}

export interface ApiAddress {
  readonly host: string;
  readonly port: number;
  /** Base URL, e.g. http://127.0.0.1:43567 */
  readonly url: string;
}

/** The API could not listen where it was told to. */
export class ApiListenError extends Error {
  override readonly name = "ApiListenError";
  constructor(
    readonly host: string,
    readonly port: number,
    readonly code: string,
    readonly hint: string,
  ) {
    super(`the API cannot listen on ${host}:${port} (${code}): ${hint}`);
  }
}

export class ApiServer {
  private readonly server: Server;
  private readonly auth: BearerCheck;
  private readonly log: EventLog;
  private readonly streams = new Set<EventStream>();
  private readonly dispatch: Dispatch;
  private readonly clock: Clock;
  private bound: ApiAddress | undefined;
  private closing = false;

  constructor(private readonly options: ApiServerOptions) {
    this.auth = new BearerCheck(options.token);
    this.log = new EventLog(options.eventBuffer ?? 1000);
    this.clock = options.clock ?? systemClock;
    this.dispatch = dispatcher(options.api, options.onInternalError);
    this.server = createServer((req, res) => {
      this.route(req, res).catch((e) => {
        // A client that went away mid-request is not the daemon's failure.
        if (req.destroyed || res.destroyed) return;
        options.onInternalError?.(e);
        if (!res.headersSent)
          sendJson(res, 500, problem("internal", "the request failed", String(e)));
        else res.destroy();
      });
    });
  }

  /** Starts listening; resolves with the bound address. */
  listen(): Promise<ApiAddress> {
    const host = this.options.host ?? "127.0.0.1";
    const port = this.options.port ?? 0;
    return new Promise((resolve, reject) => {
      this.server.once("error", (e: NodeJS.ErrnoException) => {
        reject(
          new ApiListenError(
            host,
            port,
            e.code ?? "error",
            e.code === "EADDRINUSE"
              ? "another program uses that port: choose another --api HOST:PORT, or port 0 to let the system pick"
              : e.code === "EADDRNOTAVAIL"
                ? "that address is not one of this machine's: use 127.0.0.1 (the default) or a local address"
                : e.code === "EACCES"
                  ? "ports below 1024 need privileges: choose a higher port, or 0"
                  : "check the --api HOST:PORT setting",
          ),
        );
      });
      this.server.listen(port, host, () => {
        this.server.removeAllListeners("error");
        // Later server errors (e.g. out of file descriptors on accept) must not crash the
        // daemon through an unhandled 'error' event.
        this.server.on("error", (e) => this.options.onInternalError?.(e));
        const a = this.server.address() as AddressInfo;
        const urlHost = a.family === "IPv6" ? `[${a.address}]` : a.address;
        this.bound = { host: a.address, port: a.port, url: `http://${urlHost}:${a.port}` };
        resolve(this.bound);
      });
    });
  }

  get address(): ApiAddress | undefined {
    return this.bound;
  }

  /** Numbers an event, keeps it for resumption and sends it to every connected stream. */
  publish(event: ApiEvent): LoggedEvent {
    return this.log.append(event);
  }

  /** Number of event streams currently connected. */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Ends every event stream, stops accepting, and resolves once all connections are gone. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const s of [...this.streams]) s.end();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Idle keep-alive sockets would hold close() open; requests in progress finish first.
      this.server.closeIdleConnections();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? "/").split("?")[0];
    if (!this.auth.accepts(req.headers.authorization)) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="duet"');
      sendJson(
        res,
        401,
        problem(
          "unauthorized",
          req.headers.authorization === undefined
            ? "this API needs an Authorization header"
            : "the bearer token is not the daemon's API token",
          "send 'Authorization: Bearer <token>' with the token from --api-token or the config file",
        ),
      );
      return;
    }
    if (this.closing) {
      res.setHeader("Connection", "close");
      sendJson(
        res,
        503,
        problem("shutting-down", "the daemon is stopping", "retry once it is back"),
      );
      return;
    }
    if (path === "/rpc") {
      if (req.method !== "POST") return methodNotAllowed(res, "POST");
      return this.rpc(req, res);
    }
    if (path === "/events") {
      if (req.method !== "GET") return methodNotAllowed(res, "GET");
      return this.events(req, res);
    }
    sendJson(res, 404, problem("not-found", `no route ${path}`, "use POST /rpc or GET /events"));
  }

  private async rpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const limit = this.options.maxBodyBytes ?? 1024 * 1024;
    const body = await readBody(req, limit);
    if (body === undefined) {
      res.setHeader("Connection", "close");
      sendJson(
        res,
        413,
        problem(
          "too-large",
          `the request body exceeds ${limit} bytes`,
          "send smaller requests or batches",
        ),
      );
      req.resume();
      return;
    }
    const answer = await handleBody(body, this.dispatch, this.options.maxBatch ?? 100);
    // Closing: let this connection go once answered instead of keeping it alive.
    if (this.closing) res.setHeader("Connection", "close");
    if (answer === undefined) {
      res.writeHead(204).end();
      return;
    }
    sendJson(res, 200, answer);
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    const header = req.headers["last-event-id"];
    const lastEventId = Array.isArray(header) ? header[0] : header;
    const stream = new EventStream(
      res,
      this.log,
      {
        clock: this.clock,
        heartbeatMs: this.options.heartbeatMs ?? 15_000,
        maxBufferedBytes: 4 * 1024 * 1024,
        retryMs: 2000,
      },
      (s) => this.streams.delete(s),
    );
    this.streams.add(stream);
    req.socket.setNoDelay(true);
    stream.start(lastEventId, this.options.onStreamOpen?.(lastEventId !== undefined) ?? []);
  }
}

function problem(error: string, message: string, hint: string) {
  return { error: { code: error, message, hint } };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
  });
  res.end(text);
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader("Allow", allow);
  sendJson(res, 405, problem("method-not-allowed", `use ${allow} on this route`, `send ${allow}`));
}

/** The body as UTF-8 text, or undefined if it is larger than `limit` bytes. */
function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > limit) {
        over = true;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!over) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", reject);
  });
}
