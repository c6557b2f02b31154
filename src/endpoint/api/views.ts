// From the coex engine's records and events to what the API shows. The engine's records hold
// more than a client may see (tokens, session ids, announcements); these views keep only the
// contract's fields. The store's delivery state, when given, is more precise than the
// engine's (it knows shown and released).

import type { CallRecord, CoexEvent, Conversation, MessageRecord } from "../../coex/index.js";
import type {
  ApiEvent,
  CallView,
  ConversationDetail,
  ConversationSummary,
  MessageState,
  MessageView,
  PeerView,
} from "./contract.js";

export function peerView(c: Conversation): PeerView {
  return {
    ...(c.peer.jid !== undefined ? { jid: c.peer.jid } : {}),
    ...(c.peer.sip !== undefined ? { sip: c.peer.sip } : {}),
  };
}

export function messageView(m: MessageRecord, state?: MessageState): MessageView {
  return { id: m.id, direction: m.direction, text: m.text, at: m.at, state: state ?? m.state };
}

export function callView(k: CallRecord): CallView {
  return {
    call: k.id,
    direction: k.direction,
    state: k.state,
    ...(k.endReason !== undefined ? { reason: k.endReason } : {}),
    media: [...k.media],
    peer: k.peerSip,
    correlation: { level: k.correlation.level, reason: k.correlation.reason },
    startedAt: k.startedAt,
    ...(k.answeredAt !== undefined ? { answeredAt: k.answeredAt } : {}),
    ...(k.endedAt !== undefined ? { endedAt: k.endedAt } : {}),
  };
}

export function conversationSummary(c: Conversation): ConversationSummary {
  return {
    conversation: c.id,
    thread: c.thread,
    peer: peerView(c),
    binding: { level: c.binding.level, reason: c.binding.reason, since: c.binding.since },
    createdAt: c.createdAt,
    lastActivity: c.lastActivity,
    activeCalls: c.calls.filter((k) => k.state !== "ended").map((k) => k.id),
  };
}

/** `deliveryState` looks up a message's state in the store, when there is one. */
export function conversationDetail(
  c: Conversation,
  deliveryState: (messageId: string) => MessageState | undefined = () => undefined,
): ConversationDetail {
  return {
    ...conversationSummary(c),
    messages: c.messages.map((m) => messageView(m, deliveryState(m.id))),
    calls: c.calls.map(callView),
  };
}

/**
 * The API event for an engine event, or undefined for the engine's internal ones
 * (`call.announced`, `correlation.rejected`, `discovery.learned`: the first two show up as
 * the correlation of the call or message concerned, the last as the answer to `discover`).
 */
export function apiEventFrom(
  e: CoexEvent,
  conversation: (id: string) => Conversation,
): ApiEvent | undefined {
  switch (e.type) {
    case "conversation.created": {
      const c = conversation(e.conversation);
      return { type: e.type, conversation: c.id, thread: c.thread, peer: peerView(c) };
    }
    case "message.received":
    case "message.sent":
    case "message.released":
      return { type: e.type, conversation: e.conversation, message: messageView(e.message) };
    case "message.held":
      return {
        type: e.type,
        conversation: e.conversation,
        message: messageView(e.message),
        reason: e.reason,
      };
    case "call.incoming":
      return {
        type: e.type,
        conversation: e.conversation,
        call: e.call.id,
        from: e.call.peerSip,
        media: [...e.call.media],
        correlation: { level: e.correlation.level, reason: e.correlation.reason },
      };
    case "call.state":
      return {
        type: e.type,
        conversation: e.conversation,
        call: e.call,
        state: e.state,
        media: [...e.media],
        ...(e.reason !== undefined ? { reason: e.reason } : {}),
      };
    case "binding.changed":
      return { type: e.type, conversation: e.conversation, binding: { ...e.binding } };
    case "security.alert":
      return {
        type: e.type,
        kind: e.kind,
        from: e.from,
        detail: e.detail,
        conversation: e.conversation,
      };
    case "discovery.refused":
      return { type: e.type, asker: e.asker };
    case "call.announced":
    case "correlation.rejected":
    case "discovery.learned":
      return undefined;
  }
}
