// A test EndpointApi for the TUI: an in-memory endpoint (what the daemon does with SIP and XMPP
// is replaced by keeping conversations in maps) that records every call it receives and
// publishes the events a daemon would, so the TUI is driven through the real ApiServer.

import { DEFAULT_POLICY } from "../../../src/coex/index.js";
import type {
  ApiEvent,
  CallView,
  ContactView,
  ConversationDetail,
  CorrelationView,
  EndpointApi,
  Media,
  MessageView,
  ParamsOf,
  Policy,
} from "../../../src/endpoint/api/index.js";
import { ApiError } from "../../../src/endpoint/api/index.js";

export const BOB: ContactView = {
  jid: "bob@chat.example.test",
  subscription: "both",
  presence: {
    available: true,
    sip: { uri: "sip:robert@voip.example.test", media: ["audio", "video"], call: "idle" },
  },
  integrated: true,
};

export const CAROL: ContactView = {
  jid: "carol@chat.example.test",
  subscription: "both",
  presence: { available: false },
};

interface Conv {
  conversation: string;
  thread: string;
  peer: { jid?: string; sip?: string };
  binding: {
    level: "verified" | "claimed" | "none";
    reason: CorrelationView["reason"];
    since: number;
  };
  messages: MessageView[];
  calls: CallView[];
  createdAt: number;
  lastActivity: number;
}

export class FakeEndpoint implements EndpointApi {
  /** Every method called, in order, with its validated parameters. */
  readonly received: { method: string; params: unknown }[] = [];
  readonly conversations = new Map<string, Conv>();
  private policy: Policy = DEFAULT_POLICY;
  private next = 1;

  constructor(
    private readonly publish: (e: ApiEvent) => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  private note(method: string, params: unknown): void {
    this.received.push({ method, params });
  }

  private conv(id: string): Conv {
    const c = this.conversations.get(id);
    if (!c)
      throw new ApiError(
        "unknown-conversation",
        `no conversation ${id}`,
        "use an id from conversations.list",
        {},
      );
    return c;
  }

  private call(id: string): CallView {
    for (const c of this.conversations.values()) {
      const k = c.calls.find((x) => x.call === id);
      if (k) return k;
    }
    throw new ApiError(
      "unknown-call",
      `no call ${id}`,
      "use an id from call.incoming or calls.start",
      {},
    );
  }

  private setCall(id: string, patch: Partial<CallView>): { conv: Conv; call: CallView } {
    for (const c of this.conversations.values()) {
      const i = c.calls.findIndex((x) => x.call === id);
      if (i >= 0) {
        c.calls[i] = { ...c.calls[i]!, ...patch };
        return { conv: c, call: c.calls[i]! };
      }
    }
    throw new ApiError(
      "unknown-call",
      `no call ${id}`,
      "use an id from call.incoming or calls.start",
      {},
    );
  }

  /** What a daemon does when an INVITE arrives: the call rings in a conversation. */
  ring(
    conversation: string,
    from: string,
    media: readonly Media[],
    correlation: CorrelationView,
  ): string {
    const c = this.conv(conversation);
    const call = `k${this.next++}`;
    c.calls.push({
      call,
      direction: "incoming",
      state: "ringing",
      media,
      peer: from,
      correlation,
      startedAt: this.now(),
    });
    this.publish({ type: "call.incoming", conversation, call, from, media, correlation });
    return call;
  }

  /** What a daemon does when the peer's text arrives. */
  receive(conversation: string, text: string): void {
    const message: MessageView = {
      id: `m${this.next++}`,
      direction: "in",
      text,
      at: this.now(),
      state: "received",
    };
    this.conv(conversation).messages.push(message);
    this.publish({ type: "message.received", conversation, message });
  }

  status() {
    this.note("status", {});
    return {
      xmpp: { jid: "alice@chat.example.test/duet", connected: true },
      sip: { aor: "sip:alice@voip.example.test", registered: true },
      media: ["audio", "video"] as Media[],
      presence: { show: "available" as const },
      activeCalls: 0,
    };
  }

  "contacts.list"() {
    this.note("contacts.list", {});
    return { contacts: [BOB, CAROL] };
  }

  "contacts.add"(p: ParamsOf<"contacts.add">) {
    this.note("contacts.add", p);
    return { contact: { jid: p.jid, subscription: "none" as const, pendingOut: true } };
  }

  "contacts.approve"(p: ParamsOf<"contacts.approve">) {
    this.note("contacts.approve", p);
    return { jid: p.jid, approved: p.approve };
  }

  "presence.set"(p: ParamsOf<"presence.set">) {
    this.note("presence.set", p);
    return p;
  }

  "conversations.list"() {
    this.note("conversations.list", {});
    return {
      conversations: [...this.conversations.values()].map((c) => ({
        conversation: c.conversation,
        thread: c.thread,
        peer: c.peer,
        binding: c.binding,
        createdAt: c.createdAt,
        lastActivity: c.lastActivity,
        activeCalls: c.calls.filter((k) => k.state !== "ended").map((k) => k.call),
      })),
    };
  }

  "conversations.get"(p: ParamsOf<"conversations.get">): ConversationDetail {
    this.note("conversations.get", p);
    const c = this.conv(p.conversation);
    return {
      conversation: c.conversation,
      thread: c.thread,
      peer: c.peer,
      binding: c.binding,
      createdAt: c.createdAt,
      lastActivity: c.lastActivity,
      activeCalls: c.calls.filter((k) => k.state !== "ended").map((k) => k.call),
      messages: [...c.messages],
      calls: [...c.calls],
    };
  }

  "conversations.start"(p: ParamsOf<"conversations.start">) {
    this.note("conversations.start", p);
    const conversation = `c${this.next++}`;
    const peer = p.peer.protocol === "xmpp" ? { jid: p.peer.jid } : { sip: p.peer.uri };
    const c: Conv = {
      conversation,
      thread: `thread-${conversation}`,
      peer: peer.jid === BOB.jid ? { jid: BOB.jid, sip: "sip:robert@voip.example.test" } : peer,
      binding: { level: "claimed", reason: "sip-address-advertised", since: this.now() },
      messages: [],
      calls: [],
      createdAt: this.now(),
      lastActivity: this.now(),
    };
    this.conversations.set(conversation, c);
    this.publish({ type: "conversation.created", conversation, thread: c.thread, peer: c.peer });
    return { conversation };
  }

  "messages.send"(p: ParamsOf<"messages.send">) {
    this.note("messages.send", p);
    const c = this.conv(p.conversation);
    const message: MessageView = {
      id: `m${this.next++}`,
      direction: "out",
      text: p.text,
      at: this.now(),
      state: "sent",
    };
    c.messages.push(message);
    this.publish({ type: "message.sent", conversation: c.conversation, message });
    return { message };
  }

  "calls.start"(p: ParamsOf<"calls.start">) {
    this.note("calls.start", p);
    const c = this.conv(p.conversation);
    const call = `k${this.next++}`;
    c.calls.push({
      call,
      direction: "outgoing",
      state: "ringing",
      media: p.media,
      peer: c.peer.sip ?? "",
      correlation: { level: "none", reason: "no-correlation-data" },
      startedAt: this.now(),
    });
    return { conversation: p.conversation, call };
  }

  "calls.answer"(p: ParamsOf<"calls.answer">) {
    this.note("calls.answer", p);
    const { conv, call } = this.setCall(p.call, { state: "active", answeredAt: this.now() });
    this.publish({
      type: "call.state",
      conversation: conv.conversation,
      call: p.call,
      state: "active",
      media: call.media,
    });
    if (call.correlation.level === "verified") {
      conv.binding = { ...call.correlation, since: this.now() };
      this.publish({
        type: "binding.changed",
        conversation: conv.conversation,
        binding: conv.binding,
      });
    }
    return { call: p.call, state: "active" as const };
  }

  "calls.reject"(p: ParamsOf<"calls.reject">) {
    this.note("calls.reject", p);
    this.end(p.call, p.reason === "busy" ? "busy" : "rejected");
    return {};
  }

  "calls.hangup"(p: ParamsOf<"calls.hangup">) {
    this.note("calls.hangup", p);
    this.end(p.call, "hangup");
    return {};
  }

  private end(id: string, reason: string): void {
    const { conv, call } = this.setCall(id, { state: "ended", reason, endedAt: this.now() });
    this.publish({
      type: "call.state",
      conversation: conv.conversation,
      call: id,
      state: "ended",
      media: call.media,
      reason,
    });
  }

  "calls.update"(p: ParamsOf<"calls.update">) {
    this.note("calls.update", p);
    this.call(p.call);
    const { conv } = this.setCall(p.call, { media: p.media });
    this.publish({
      type: "call.state",
      conversation: conv.conversation,
      call: p.call,
      state: "active",
      media: p.media,
    });
    return { call: p.call, media: p.media };
  }

  "calls.dtmf"(p: ParamsOf<"calls.dtmf">) {
    this.note("calls.dtmf", p);
    this.call(p.call);
    return {};
  }

  discover(p: ParamsOf<"discover">) {
    this.note("discover", p);
    const known = p.sip.startsWith("sip:robert@");
    return {
      sip: p.sip,
      jid: known ? BOB.jid : null,
      binding: known
        ? { level: "claimed" as const, reason: "discovery" as const }
        : { level: "none" as const, reason: "no-correlation-data" as const },
    };
  }

  "policy.get"() {
    this.note("policy.get", {});
    return this.policy;
  }

  "policy.set"(p: ParamsOf<"policy.set">) {
    this.note("policy.set", p);
    this.policy = {
      ...this.policy,
      ...(p.discovery ? { discovery: { allow: p.discovery.allow } } : {}),
    };
    return this.policy;
  }
}
