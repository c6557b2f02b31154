// The TUI's JSON-RPC 2.0 client for the daemon's `POST /rpc` (docs/api.md): one request per
// call, the bearer token on each, and every failure turned into an RpcCallError that says what
// went wrong and what to do, so the status line can show it as is.

import type { MethodName, ParamsOf, ResultOf } from "../../endpoint/api/contract.js";

/** A call that failed: transport, HTTP status, or a JSON-RPC error object. */
export class RpcCallError extends Error {
  override readonly name = "RpcCallError";
  constructor(
    readonly method: string,
    message: string,
    readonly hint: string,
    /** The JSON-RPC error code, or undefined when the call never got a JSON-RPC answer. */
    readonly code?: number,
    /** The `data.error` kind the daemon gave, e.g. `unknown-call`. */
    readonly kind?: string,
  ) {
    super(message);
  }
}

/** What the TUI needs from the daemon: typed method calls. */
export interface RpcCaller {
  call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<ResultOf<M>>;
}

/**
 * Parameters as sent: the server fills defaults (e.g. `force`), and takes peers as URI
 * strings, so callers may leave those out.
 */
export type ParamsIn<M extends MethodName> = M extends "conversations.start"
  ? { peer: string; text?: string; media?: ParamsOf<M>["media"]; force?: boolean }
  : M extends "messages.send"
    ? Omit<ParamsOf<M>, "force"> & { force?: boolean }
    : M extends "calls.dtmf"
      ? Omit<ParamsOf<M>, "durationMs"> & { durationMs?: number }
      : M extends "calls.reject"
        ? Omit<ParamsOf<M>, "reason"> & { reason?: "busy" | "decline" }
        : ParamsOf<M>;

export class RpcClient implements RpcCaller {
  private nextId = 1;

  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async call<M extends MethodName>(method: M, params: ParamsIn<M>): Promise<ResultOf<M>> {
    const id = this.nextId++;
    let res: Response;
    try {
      res = await fetch(new URL("/rpc", this.baseUrl), {
        method: "POST",
        headers: { "Content-Type": "application/json", Authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ jsonrpc: "2.0", id, method, params }),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code ?? String(e);
      throw new RpcCallError(
        method,
        `cannot reach the daemon at ${this.baseUrl} (${cause})`,
        "check that `duet daemon` is running and that --api names its URL",
      );
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (res.status === 401) {
      throw new RpcCallError(
        method,
        "the daemon refused the API token",
        "pass the daemon's token with --api-token",
      );
    }
    if (res.status !== 200 || typeof body !== "object" || body === null) {
      const problem = (body as { error?: { message?: string; hint?: string } } | undefined)?.error;
      throw new RpcCallError(
        method,
        `the daemon answered HTTP ${res.status}${problem?.message ? `: ${problem.message}` : ""}`,
        problem?.hint ?? "check that --api names a Duet daemon",
      );
    }
    const reply = body as {
      result?: unknown;
      error?: { code?: number; message?: string; data?: { error?: string; hint?: string } };
    };
    if (reply.error) {
      throw new RpcCallError(
        method,
        reply.error.message ?? "the daemon reported an error",
        reply.error.data?.hint ?? "",
        reply.error.code,
        reply.error.data?.error,
      );
    }
    return reply.result as ResultOf<M>;
  }
}
