// Test helpers for the API: a small EndpointApi backed by a real CoexEngine (what the future
// endpoint does with SIP and XMPP is replaced by recording the engine's actions), an HTTP
// JSON-RPC client and an event-stream client that parses text/event-stream itself.

import { request } from "node:http";
import { type Action, CoexEngine, type Conversation, sipAor } from "../../../src/coex/index.js";
import type { FakeClock } from "../../../src/common/clock.js";
import {
  type ApiAddress,
  ApiError,
  type ApiEvent,
  apiEventFrom,
  type ContactView,
  conversationDetail,
  conversationSummary,
  type EndpointApi,
  type MethodName,
  messageView,
  type OwnShow,
  type ParamsOf,
  type ResultOf,
} from "../../../src/endpoint/api/index.js";

export const TOKEN = "test-token-7f3a9c1e5b2d4f60";

export class TestEndpoint implements EndpointApi {
  readonly engine: CoexEngine;
  readonly actions: Action[] = [];
  readonly dtmf: string[] = [];
  readonly calls: { method: string; params: unknown }[] = [];
  private readonly contacts = new Map<string, ContactView>();
  private presence: { show: OwnShow; status?: string } = { show: "available" };
  /** Makes the next `status` throw a plain Error (an internal error for the server). */
  failNextStatus = false;
  /** Resolves `status` only when this is called (to hold a request in flight). */
  holdStatus: Promise<void> | undefined;

  constructor(
    clock: FakeClock,
    private readonly publish: (e: ApiEvent) => void,
  ) {
    this.engine = new CoexEngine({
      self: {
        jid: "alice@chat.example.test/duet",
        sipUri: "sip:alice@voip.example.test;gr=urn:uuid:0a1b2c3d-0000-4000-8000-00000000000a",
        media: ["audio", "video"],
      },
      clock,
    });
  }

  private carryOut(actions: readonly Action[]): void {
    for (const a of actions) {
      if (a.type !== "event") {
        this.actions.push(a);
        continue;
      }
      const e = apiEventFrom(a.event, (id) => this.engine.conversation(id));
      if (e) this.publish(e);
    }
  }

  private conv(id: string): Conversation {
    return this.engine.conversation(id);
  }

  async status() {
    this.calls.push({ method: "status", params: {} });
    if (this.holdStatus) await this.holdStatus;
    if (this.failNextStatus) {
      this.failNextStatus = false;
      throw new Error("the test asked status to fail");
    }
    return {
      xmpp: { jid: "alice@chat.example.test/duet", connected: true },
      sip: { aor: "sip:alice@voip.example.test", registered: true },
      media: ["audio", "video"] as const,
      presence: this.presence,
      activeCalls: this.engine.activeCalls().length,
    };
  }

  "contacts.list"() {
    return { contacts: [...this.contacts.values()] };
  }

  "contacts.add"(p: ParamsOf<"contacts.add">) {
    const contact: ContactView = {
      jid: p.jid,
      ...(p.name !== undefined ? { name: p.name } : {}),
      subscription: "none",
      pendingOut: true,
    };
    this.contacts.set(p.jid, contact);
    return { contact };
  }

  "contacts.approve"(p: ParamsOf<"contacts.approve">) {
    if (!this.contacts.has(p.jid)) {
      throw new ApiError(
        "unknown-contact",
        `no subscription request from ${p.jid}`,
        "approve a JID named by a contact.request event",
        { jid: p.jid },
      );
    }
    return { jid: p.jid, approved: p.approve };
  }

  "presence.set"(p: ParamsOf<"presence.set">) {
    this.presence = p;
    return p;
  }

  "conversations.list"() {
    return { conversations: this.engine.conversations().map(conversationSummary) };
  }

  "conversations.get"(p: ParamsOf<"conversations.get">) {
    return conversationDetail(this.conv(p.conversation));
  }

  "conversations.start"(p: ParamsOf<"conversations.start">) {
    const peer = p.peer.protocol === "xmpp" ? { jid: p.peer.jid } : { sip: p.peer.uri };
    const r = this.engine.startConversation(peer, {
      ...(p.text !== undefined ? { text: p.text } : {}),
      ...(p.media !== undefined ? { media: p.media } : {}),
      force: p.force,
    });
    this.carryOut(r.actions);
    const c = this.conv(r.conversation);
    const message = p.text !== undefined ? c.messages[c.messages.length - 1] : undefined;
    const call = p.media !== undefined ? c.calls[c.calls.length - 1]?.id : undefined;
    return {
      conversation: r.conversation,
      ...(message ? { message: messageView(message) } : {}),
      ...(call !== undefined ? { call } : {}),
    };
  }

  "messages.send"(p: ParamsOf<"messages.send">) {
    this.carryOut(this.engine.sendText(p.conversation, p.text, { force: p.force }));
    const c = this.conv(p.conversation);
    return { message: messageView(c.messages[c.messages.length - 1]!) };
  }

  "calls.start"(p: ParamsOf<"calls.start">) {
    const r = this.engine.startCall(p.conversation, p.media);
    this.carryOut(r.actions);
    return { conversation: p.conversation, call: r.call };
  }

  "calls.answer"(p: ParamsOf<"calls.answer">) {
    this.carryOut(this.engine.answerCall(p.call).actions);
    return { call: p.call, state: "active" as const };
  }

  "calls.reject"(p: ParamsOf<"calls.reject">) {
    this.carryOut(this.engine.endCall(p.call, p.reason === "busy" ? "busy" : "rejected"));
    return {};
  }

  "calls.hangup"(p: ParamsOf<"calls.hangup">) {
    this.carryOut(this.engine.endCall(p.call, "hangup"));
    return {};
  }

  "calls.update"(p: ParamsOf<"calls.update">) {
    this.carryOut(this.engine.updateCallMedia(p.call, p.media, "local"));
    return { call: p.call, media: p.media };
  }

  "calls.dtmf"(p: ParamsOf<"calls.dtmf">) {
    this.dtmf.push(p.digits);
    return {};
  }

  discover(p: ParamsOf<"discover">) {
    const link = this.engine.discoveredLink(p.sip);
    return {
      sip: sipAor(p.sip),
      jid: link?.jid ?? null,
      binding: link
        ? { level: link.level, reason: link.reason }
        : { level: "none" as const, reason: "no-correlation-data" as const },
    };
  }

  "policy.get"() {
    return this.engine.policy;
  }

  "policy.set"(p: ParamsOf<"policy.set">) {
    return this.engine.setPolicy(p);
  }
}

export interface HttpReply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

export async function post(
  address: ApiAddress,
  body: string,
  token: string | undefined = TOKEN,
  path = "/rpc",
): Promise<HttpReply> {
  const res = await fetch(`${address.url}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      ...(token !== undefined ? { Authorization: `Bearer ${token}` } : {}),
    },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

let nextId = 1;

export interface RpcErrorReply {
  readonly code: number;
  readonly message: string;
  readonly data?: {
    readonly error?: string;
    readonly hint?: string;
    readonly param?: string;
    readonly problem?: string;
    readonly known?: readonly string[];
    readonly [key: string]: unknown;
  };
}

export interface RpcReply<R> {
  readonly id: unknown;
  readonly result?: R;
  readonly error?: RpcErrorReply;
}

/** One JSON-RPC call; returns the response object. */
export async function call<M extends MethodName>(
  address: ApiAddress,
  method: M,
  params?: unknown,
): Promise<RpcReply<ResultOf<M>>>;
export async function call(
  address: ApiAddress,
  method: string,
  params?: unknown,
): Promise<RpcReply<unknown>>;
export async function call(
  address: ApiAddress,
  method: string,
  params?: unknown,
): Promise<RpcReply<unknown>> {
  const reply = await post(
    address,
    JSON.stringify({
      jsonrpc: "2.0",
      id: nextId++,
      method,
      ...(params !== undefined ? { params } : {}),
    }),
  );
  if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.text}`);
  return reply.json as RpcReply<unknown>;
}

export interface SseEvent {
  readonly id?: string;
  // biome-ignore lint/suspicious/noExplicitAny: the tests read whatever JSON the stream carried
  readonly data: any;
}

/** A text/event-stream client: collects events and comment lines until closed. */
export class EventClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  status = 0;
  contentType = "";
  readonly ended: Promise<void>;
  private buffer = "";
  private waiters: { until: () => boolean; resolve: () => void }[] = [];
  private destroy: () => void = () => {};
  private opened!: () => void;
  readonly ready = new Promise<void>((r) => {
    this.opened = r;
  });

  constructor(address: ApiAddress, opts: { token?: string | null; lastEventId?: string } = {}) {
    this.ended = new Promise((resolveEnded) => {
      const url = new URL(`${address.url}/events`);
      const token = opts.token === undefined ? TOKEN : opts.token;
      const req = request(url, {
        headers: {
          Accept: "text/event-stream",
          ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
          ...(opts.lastEventId !== undefined ? { "Last-Event-ID": opts.lastEventId } : {}),
        },
      });
      this.destroy = () => req.destroy();
      req.on("response", (res) => {
        this.status = res.statusCode ?? 0;
        this.contentType = String(res.headers["content-type"] ?? "");
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => this.feed(chunk));
        res.on("end", () => resolveEnded());
        res.on("close", () => resolveEnded());
        this.opened();
      });
      req.on("error", () => {
        this.opened();
        resolveEnded();
      });
      req.end();
    });
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let sep = this.buffer.indexOf("\n\n");
    while (sep >= 0) {
      const block = this.buffer.slice(0, sep);
      this.buffer = this.buffer.slice(sep + 2);
      let id: string | undefined;
      let data: string | undefined;
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) this.comments.push(line.slice(1).trim());
        else if (line.startsWith("id: ")) id = line.slice(4);
        else if (line.startsWith("data: "))
          data = (data === undefined ? "" : `${data}\n`) + line.slice(6);
      }
      if (data !== undefined)
        this.events.push({ ...(id !== undefined ? { id } : {}), data: JSON.parse(data) });
      sep = this.buffer.indexOf("\n\n");
    }
    this.waiters = this.waiters.filter((w) => {
      if (!w.until()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves once `until()` holds (checked after each chunk). */
  waitFor(until: () => boolean): Promise<void> {
    if (until()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ until, resolve }));
  }

  waitForEvents(n: number): Promise<void> {
    return this.waitFor(() => this.events.length >= n);
  }

  close(): Promise<void> {
    this.destroy();
    return this.ended;
  }
}

/** One JSON-RPC call that must succeed; returns its result. */
export async function callOk<M extends MethodName>(
  address: ApiAddress,
  method: M,
  params?: unknown,
): Promise<ResultOf<M>> {
  const reply = await call(address, method, params);
  if (reply.error || reply.result === undefined) {
    throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`);
  }
  return reply.result;
}
