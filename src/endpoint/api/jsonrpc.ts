// JSON-RPC 2.0 (https://www.jsonrpc.org/specification) over one HTTP body: parsing a request
// or a batch, checking each request object (§4), dispatching it, and building the responses
// (§5). Notifications (no "id", §4.1) are carried out but never answered, not even with an
// error. Nothing here knows about HTTP or about the methods themselves.

import { RPC_INVALID_REQUEST, RPC_PARSE_ERROR, type RpcErrorObject } from "./errors.js";

export type RequestId = string | number | null;

export interface RpcRequest {
  readonly method: string;
  readonly params: unknown;
  /** Absent for a notification. */
  readonly id?: RequestId;
}

export type RpcResponse =
  | { readonly jsonrpc: "2.0"; readonly id: RequestId; readonly result: unknown }
  | { readonly jsonrpc: "2.0"; readonly id: RequestId; readonly error: RpcErrorObject };

/** Runs one checked request; resolves to its result or rejects with what to report. */
export type Dispatch = (
  request: RpcRequest,
) => Promise<{ result: unknown } | { error: RpcErrorObject }>;

function errorResponse(id: RequestId, error: RpcErrorObject): RpcResponse {
  return { jsonrpc: "2.0", id, error };
}

function isRequestId(v: unknown): v is RequestId {
  return v === null || typeof v === "string" || (typeof v === "number" && Number.isFinite(v));
}

/** §4: what makes a request object valid; an error says which member is wrong. */
function checkRequest(item: unknown): RpcRequest | { invalid: string; id: RequestId } {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return { invalid: "a request must be a JSON object", id: null };
  }
  const o = item as Record<string, unknown>;
  const id = isRequestId(o.id) ? o.id : null;
  if (Object.hasOwn(o, "id") && !isRequestId(o.id)) {
    return { invalid: '"id" must be a string, a number or null', id: null };
  }
  if (o.jsonrpc !== "2.0") return { invalid: '"jsonrpc" must be exactly "2.0"', id };
  if (typeof o.method !== "string" || o.method === "") {
    return { invalid: '"method" must be a non-empty string', id };
  }
  if (o.params !== undefined && (typeof o.params !== "object" || o.params === null)) {
    return { invalid: '"params" must be an object or an array when present', id };
  }
  const extra = Object.keys(o).filter((k) => !["jsonrpc", "method", "params", "id"].includes(k));
  if (extra.length > 0) {
    return {
      invalid: `unknown member "${extra[0]}" (a request has jsonrpc, method, params, id)`,
      id,
    };
  }
  return {
    method: o.method,
    params: o.params,
    ...(Object.hasOwn(o, "id") ? { id: o.id as RequestId } : {}),
  };
}

async function handleOne(item: unknown, dispatch: Dispatch): Promise<RpcResponse | undefined> {
  const request = checkRequest(item);
  if ("invalid" in request) {
    return errorResponse(request.id, {
      code: RPC_INVALID_REQUEST,
      message: `invalid request: ${request.invalid}`,
    });
  }
  const outcome = await dispatch(request);
  if (!Object.hasOwn(request, "id")) return undefined; // a notification: no answer (§4.1)
  const id = request.id ?? null;
  return "error" in outcome
    ? errorResponse(id, outcome.error)
    : { jsonrpc: "2.0", id, result: outcome.result === undefined ? null : outcome.result };
}

/**
 * Handles one HTTP body: a request or a batch (§6). Returns what to send back, or undefined
 * when there is nothing to send (only notifications).
 */
export async function handleBody(
  body: string,
  dispatch: Dispatch,
  maxBatch: number,
): Promise<RpcResponse | RpcResponse[] | undefined> {
  let parsed: unknown;
  try {
    // A UTF-8 byte order mark is not JSON (RFC 8259 §8.1) but some tools write one: skip it.
    parsed = JSON.parse(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
  } catch (e) {
    return errorResponse(null, {
      code: RPC_PARSE_ERROR,
      message: `parse error: the body is not valid JSON (${e instanceof Error ? e.message : String(e)})`,
    });
  }
  if (!Array.isArray(parsed)) return handleOne(parsed, dispatch);
  if (parsed.length === 0) {
    return errorResponse(null, {
      code: RPC_INVALID_REQUEST,
      message: "invalid request: the batch is empty",
    });
  }
  if (parsed.length > maxBatch) {
    return errorResponse(null, {
      code: RPC_INVALID_REQUEST,
      message: `invalid request: a batch may hold at most ${maxBatch} requests, this one has ${parsed.length}`,
    });
  }
  // Requests in a batch may run concurrently (§6); responses keep the batch's order anyway.
  const responses = await Promise.all(parsed.map((item) => handleOne(item, dispatch)));
  const answered = responses.filter((r): r is RpcResponse => r !== undefined);
  return answered.length > 0 ? answered : undefined;
}
