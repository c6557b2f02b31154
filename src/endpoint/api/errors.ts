// Errors the API reports. JSON-RPC 2.0 §5.1 fixes -32700..-32603; application errors use the
// range it leaves to implementations (-32000..-32099), one code per kind, with `data` saying
// which kind (`error`), what to do (`hint`) and whatever else helps.

import { CoexError } from "../../coex/index.js";
import { StoreError } from "../store/index.js";

export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;

/** Application error kinds and their codes. Codes never change once published. */
export const API_ERROR_CODES = {
  "unknown-conversation": -32001,
  "unknown-call": -32002,
  "unknown-contact": -32003,
  "invalid-state": -32004,
  "no-sip-address": -32005,
  "no-xmpp-address": -32006,
  "not-connected": -32007,
  "call-failed": -32008,
  storage: -32009,
  "bad-policy": -32010,
} as const;

export type ApiErrorKind = keyof typeof API_ERROR_CODES;

/** Thrown by an EndpointApi implementation to answer with an application error. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly code: number;
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly hint: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.code = API_ERROR_CODES[kind];
  }
}

export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

// coex's hints speak of its own methods; these speak of the API's.
const API_HINTS: Partial<Record<ApiErrorKind, string>> = {
  "unknown-conversation": "use an id from conversations.list or a conversation.created event",
  "unknown-call": "use an id from calls.start, conversations.start or a call.incoming event",
};

const COEX_KINDS: Partial<Record<CoexError["code"], ApiErrorKind>> = {
  "unknown-conversation": "unknown-conversation",
  "unknown-call": "unknown-call",
  "invalid-state": "invalid-state",
  "no-sip-address": "no-sip-address",
  "no-xmpp-address": "no-xmpp-address",
  "malformed-policy": "bad-policy",
};

/** What an implementation threw, as a JSON-RPC error object. */
export function errorObjectFrom(e: unknown): RpcErrorObject {
  if (e instanceof ApiError) {
    return {
      code: e.code,
      message: e.message,
      data: { error: e.kind, hint: e.hint, ...e.details },
    };
  }
  if (e instanceof CoexError) {
    const kind = COEX_KINDS[e.code];
    // CoexError's message already ends with "(hint)"; keep the message without it.
    const message = e.message.endsWith(`(${e.hint})`)
      ? e.message.slice(0, -(e.hint.length + 3))
      : e.message;
    if (kind) {
      const hint = API_HINTS[kind] ?? e.hint;
      return { code: API_ERROR_CODES[kind], message, data: { error: kind, hint } };
    }
  }
  if (e instanceof StoreError) {
    return {
      code: API_ERROR_CODES.storage,
      message: e.message,
      data: { error: "storage", hint: e.hint, store: e.code },
    };
  }
  return {
    code: RPC_INTERNAL_ERROR,
    message: `internal error: ${e instanceof Error ? e.message : String(e)}`,
    data: { error: "internal", hint: "this is a bug in the daemon, please report it" },
  };
}
