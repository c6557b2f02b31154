// The TUI's state and the one reducer that changes it. Everything the screen shows is derived
// from this state; the state changes only through actions: API events from the stream, results
// of RPC calls, the stream's connection state and the user's keys. Pure, so it is tested
// without a terminal; times come in with the actions (no clock is read here).

import type {
  ApiEvent,
  BindingView,
  CallView,
  ContactView,
  ConversationDetail,
  ConversationSummary,
  CorrelationView,
  Media,
  MessageView,
  PeerView,
  Policy,
  StatusResult,
} from "../../endpoint/api/contract.js";
import type { StreamState } from "./event-stream.js";

export interface ConversationState {
  readonly conversation: string;
  readonly thread: string;
  readonly peer: PeerView;
  readonly binding: BindingView;
  readonly messages: readonly MessageView[];
  readonly calls: readonly CallView[];
  readonly lastActivity: number;
  /** Messages received while this conversation was not open. */
  readonly unread: number;
  /** Whether messages and calls came from conversations.get (else only from events). */
  readonly loaded: boolean;
}

export type Banner =
  | {
      readonly kind: "call";
      readonly conversation: string;
      readonly call: string;
      readonly from: string;
      readonly media: readonly Media[];
      readonly correlation: CorrelationView;
    }
  | {
      readonly kind: "message";
      readonly conversation: string;
      readonly from: string;
      readonly text: string;
    }
  | { readonly kind: "contact.request"; readonly jid: string }
  | { readonly kind: "discovery.refused"; readonly asker: string }
  | { readonly kind: "security"; readonly from: string; readonly detail: string };

export type Focus = "roster" | "conversations" | "input";

export interface Notice {
  readonly level: "info" | "error";
  readonly text: string;
}

export type Connection = StreamState | { readonly state: "starting" };

export interface TuiState {
  readonly connection: Connection;
  readonly self?: StatusResult;
  readonly contacts: readonly ContactView[];
  /** Most recent activity first. */
  readonly conversations: readonly ConversationState[];
  readonly open?: string;
  readonly focus: Focus;
  readonly rosterIndex: number;
  readonly conversationIndex: number;
  readonly input: string;
  /** Newest last; the screen shows the last one, Esc dismisses it. */
  readonly banners: readonly Banner[];
  readonly notice?: Notice;
  readonly help: boolean;
  readonly policy?: Policy;
  /** Askers refused discovery and JIDs asking to subscribe, for /allow and /approve. */
  readonly refusedAskers: readonly string[];
  readonly contactRequests: readonly string[];
}

export const initialState: TuiState = {
  connection: { state: "starting" },
  contacts: [],
  conversations: [],
  focus: "roster",
  rosterIndex: 0,
  conversationIndex: 0,
  input: "",
  banners: [],
  help: false,
  refusedAskers: [],
  contactRequests: [],
};

export type TuiAction =
  | { readonly type: "connection"; readonly connection: Connection }
  | {
      readonly type: "loaded";
      readonly status: StatusResult;
      readonly contacts: readonly ContactView[];
      readonly conversations: readonly ConversationSummary[];
      readonly policy?: Policy;
    }
  | { readonly type: "conversation.loaded"; readonly detail: ConversationDetail }
  | { readonly type: "event"; readonly event: ApiEvent; readonly at: number }
  | {
      readonly type: "message.sent";
      readonly conversation: string;
      readonly message: MessageView;
      readonly at: number;
    }
  | {
      readonly type: "call.placed";
      readonly conversation: string;
      readonly call: string;
      readonly peer: string;
      readonly media: readonly Media[];
      readonly at: number;
    }
  | { readonly type: "call.media"; readonly call: string; readonly media: readonly Media[] }
  | { readonly type: "policy"; readonly policy: Policy }
  | { readonly type: "open"; readonly conversation: string }
  | { readonly type: "focus"; readonly focus: Focus }
  | { readonly type: "move"; readonly delta: number }
  | { readonly type: "input"; readonly text: string }
  | { readonly type: "notice"; readonly notice: Notice | undefined }
  | { readonly type: "help"; readonly show: boolean }
  | { readonly type: "banner.dismiss" };

export function reduce(state: TuiState, action: TuiAction): TuiState {
  switch (action.type) {
    case "connection":
      return { ...state, connection: action.connection };
    case "loaded":
      return loaded(state, action);
    case "conversation.loaded":
      return upsert(state, fromDetail(action.detail, find(state, action.detail.conversation)));
    case "event":
      return onEvent(state, action.event, action.at);
    case "message.sent":
      return withMessage(state, action.conversation, action.message, action.at, false);
    case "call.placed":
      return withCall(state, action.conversation, {
        call: action.call,
        direction: "outgoing",
        state: "ringing",
        media: action.media,
        peer: action.peer,
        correlation: { level: "none", reason: "no-correlation-data" },
        startedAt: action.at,
      });
    case "call.media":
      return mapCall(state, action.call, (c) => ({ ...c, media: action.media }));
    case "policy":
      return { ...state, policy: action.policy };
    case "open": {
      const index = state.conversations.findIndex((c) => c.conversation === action.conversation);
      return {
        ...state,
        open: action.conversation,
        conversationIndex: index >= 0 ? index : state.conversationIndex,
        conversations: state.conversations.map((c) =>
          c.conversation === action.conversation ? { ...c, unread: 0 } : c,
        ),
        banners: state.banners.filter(
          (b) => b.kind !== "message" || b.conversation !== action.conversation,
        ),
      };
    }
    case "focus":
      return { ...state, focus: action.focus };
    case "move":
      if (state.focus === "roster")
        return {
          ...state,
          rosterIndex: clamp(state.rosterIndex + action.delta, state.contacts.length),
        };
      if (state.focus === "conversations")
        return {
          ...state,
          conversationIndex: clamp(
            state.conversationIndex + action.delta,
            state.conversations.length,
          ),
        };
      return state;
    case "input":
      return { ...state, input: action.text };
    case "notice":
      return action.notice ? { ...state, notice: action.notice } : withoutNotice(state);
    case "help":
      return { ...state, help: action.show };
    case "banner.dismiss":
      return { ...state, banners: state.banners.slice(0, -1) };
  }
}

function loaded(state: TuiState, a: Extract<TuiAction, { type: "loaded" }>): TuiState {
  const conversations = sortByActivity(
    a.conversations.map((s) => {
      const known = find(state, s.conversation);
      return {
        conversation: s.conversation,
        thread: s.thread,
        peer: s.peer,
        binding: s.binding,
        messages: known?.messages ?? [],
        calls: known?.calls ?? [],
        lastActivity: s.lastActivity,
        unread: known?.unread ?? 0,
        // A reload (e.g. after a stream gap) makes the open conversation stale until re-fetched.
        loaded: false,
      };
    }),
  );
  const contacts = [...a.contacts].sort((x, y) => x.jid.localeCompare(y.jid));
  return {
    ...state,
    self: a.status,
    contacts,
    conversations,
    ...(a.policy ? { policy: a.policy } : {}),
    rosterIndex: clamp(state.rosterIndex, contacts.length),
    conversationIndex: clamp(state.conversationIndex, conversations.length),
  };
}

function fromDetail(
  d: ConversationDetail,
  known: ConversationState | undefined,
): ConversationState {
  return {
    conversation: d.conversation,
    thread: d.thread,
    peer: d.peer,
    binding: d.binding,
    messages: d.messages,
    calls: d.calls,
    lastActivity: d.lastActivity,
    unread: known?.unread ?? 0,
    loaded: true,
  };
}

function onEvent(state: TuiState, e: ApiEvent, at: number): TuiState {
  switch (e.type) {
    case "conversation.created":
      if (find(state, e.conversation)) return state;
      return upsert(state, {
        conversation: e.conversation,
        thread: e.thread,
        peer: e.peer,
        binding: { level: "none", reason: "no-correlation-data", since: at },
        messages: [],
        calls: [],
        lastActivity: at,
        unread: 0,
        loaded: true,
      });
    case "message.received": {
      const next = withMessage(state, e.conversation, e.message, at, state.open !== e.conversation);
      // The open conversation's timeline shows it already; a banner is for the others.
      if (state.open === e.conversation) return next;
      const c = find(next, e.conversation);
      return pushBanner(next, {
        kind: "message",
        conversation: e.conversation,
        from: c ? peerName(c.peer) : e.conversation,
        text: e.message.text,
      });
    }
    case "message.sent":
    case "message.held":
    case "message.released":
      return withMessage(state, e.conversation, e.message, at, false);
    case "call.incoming": {
      const next = withCall(state, e.conversation, {
        call: e.call,
        direction: "incoming",
        state: "ringing",
        media: e.media,
        peer: e.from,
        correlation: e.correlation,
        startedAt: at,
      });
      return pushBanner(next, {
        kind: "call",
        conversation: e.conversation,
        call: e.call,
        from: e.from,
        media: e.media,
        correlation: e.correlation,
      });
    }
    case "call.state": {
      let next = mapCall(state, e.call, (c) => ({
        ...c,
        state: e.state,
        media: e.media,
        ...(e.reason !== undefined ? { reason: e.reason } : {}),
        ...(e.state === "active" && c.answeredAt === undefined ? { answeredAt: at } : {}),
        ...(e.state === "ended" ? { endedAt: at } : {}),
      }));
      if (!findCall(next, e.call)) {
        // A call we had not heard of (e.g. started by another client): show it anyway.
        next = withCall(next, e.conversation, {
          call: e.call,
          direction: "outgoing",
          state: e.state,
          media: e.media,
          peer: "",
          correlation: { level: "none", reason: "no-correlation-data" },
          startedAt: at,
          ...(e.reason !== undefined ? { reason: e.reason } : {}),
        });
      }
      if (e.state !== "ringing") {
        next = {
          ...next,
          banners: next.banners.filter((b) => b.kind !== "call" || b.call !== e.call),
        };
      }
      return touch(next, e.conversation, at);
    }
    case "binding.changed": {
      const c = find(state, e.conversation);
      if (!c) return state;
      // A verified binding covers the calls still running with that peer (the daemon says so
      // in conversations.get too).
      const calls =
        e.binding.level === "verified"
          ? c.calls.map((k) =>
              k.state !== "ended" && k.correlation.level !== "verified"
                ? { ...k, correlation: { level: e.binding.level, reason: e.binding.reason } }
                : k,
            )
          : c.calls;
      return upsert(state, { ...c, binding: e.binding, calls });
    }
    case "presence.changed": {
      const known = state.contacts.some((c) => c.jid === e.jid);
      const contacts = known
        ? state.contacts.map((c) => (c.jid === e.jid ? { ...c, presence: e.presence } : c))
        : [
            ...state.contacts,
            { jid: e.jid, subscription: "none" as const, presence: e.presence },
          ].sort((x, y) => x.jid.localeCompare(y.jid));
      return { ...state, contacts };
    }
    case "discovery.refused":
      return pushBanner(
        {
          ...state,
          refusedAskers: state.refusedAskers.includes(e.asker)
            ? state.refusedAskers
            : [...state.refusedAskers, e.asker],
        },
        { kind: "discovery.refused", asker: e.asker },
      );
    case "security.alert":
      return pushBanner(state, {
        kind: "security",
        from: e.from,
        detail: `${e.kind}: ${e.detail}`,
      });
    case "contact.request":
      return pushBanner(
        {
          ...state,
          contactRequests: state.contactRequests.includes(e.jid)
            ? state.contactRequests
            : [...state.contactRequests, e.jid],
        },
        { kind: "contact.request", jid: e.jid },
      );
    case "call.media":
      return state;
    case "call.dtmf":
      return { ...state, notice: { level: "info", text: `DTMF ${e.digit} from the peer` } };
    case "stream.gap":
      // The controller reloads; say why the screen may jump.
      return {
        ...state,
        notice: { level: "info", text: "missed events while away: reloading" },
      };
  }
}

// ---- helpers ---------------------------------------------------------------------------------

export function find(state: TuiState, id: string): ConversationState | undefined {
  return state.conversations.find((c) => c.conversation === id);
}

export function findCall(state: TuiState, call: string): CallView | undefined {
  for (const c of state.conversations) {
    const found = c.calls.find((x) => x.call === call);
    if (found) return found;
  }
  return undefined;
}

/** The conversation shown on the right, if any. */
export function openConversation(state: TuiState): ConversationState | undefined {
  return state.open !== undefined ? find(state, state.open) : undefined;
}

/** The call the call keys act on: a ringing incoming one first, else the open one's live call. */
export function currentCall(state: TuiState): CallView | undefined {
  const banner = [...state.banners].reverse().find((b) => b.kind === "call");
  if (banner?.kind === "call") {
    const c = findCall(state, banner.call);
    if (c && c.state === "ringing") return c;
  }
  const open = openConversation(state);
  const live = open?.calls.filter((c) => c.state !== "ended") ?? [];
  return live[live.length - 1];
}

/** The conversation with a peer's bare JID or SIP AOR, if there is one. */
export function conversationWith(
  state: TuiState,
  peer: { jid?: string; sip?: string },
): ConversationState | undefined {
  return state.conversations.find(
    (c) =>
      (peer.jid !== undefined && c.peer.jid === peer.jid) ||
      (peer.sip !== undefined && c.peer.sip === peer.sip),
  );
}

export function peerName(peer: PeerView): string {
  return peer.jid ?? peer.sip ?? "unknown peer";
}

function upsert(state: TuiState, c: ConversationState): TuiState {
  const rest = state.conversations.filter((x) => x.conversation !== c.conversation);
  const conversations = sortByActivity([...rest, c]);
  // Keep the selection on the same conversation when the order changes.
  const selected = state.conversations[state.conversationIndex]?.conversation;
  const index = conversations.findIndex((x) => x.conversation === selected);
  return {
    ...state,
    conversations,
    conversationIndex: index >= 0 ? index : clamp(state.conversationIndex, conversations.length),
  };
}

function placeholder(id: string, at: number): ConversationState {
  return {
    conversation: id,
    thread: "",
    peer: {},
    binding: { level: "none", reason: "no-correlation-data", since: at },
    messages: [],
    calls: [],
    lastActivity: at,
    unread: 0,
    loaded: false,
  };
}

function withMessage(
  state: TuiState,
  id: string,
  m: MessageView,
  at: number,
  unread: boolean,
): TuiState {
  const c = find(state, id) ?? placeholder(id, at);
  const exists = c.messages.some((x) => x.id === m.id);
  const messages = exists ? c.messages.map((x) => (x.id === m.id ? m : x)) : [...c.messages, m];
  return upsert(state, {
    ...c,
    messages,
    lastActivity: Math.max(c.lastActivity, m.at),
    unread: c.unread + (unread && !exists ? 1 : 0),
  });
}

function withCall(state: TuiState, id: string, call: CallView): TuiState {
  const c = find(state, id) ?? placeholder(id, call.startedAt);
  if (c.calls.some((x) => x.call === call.call)) return state;
  return upsert(state, {
    ...c,
    calls: [...c.calls, call],
    lastActivity: Math.max(c.lastActivity, call.startedAt),
  });
}

function mapCall(state: TuiState, call: string, f: (c: CallView) => CallView): TuiState {
  return {
    ...state,
    conversations: state.conversations.map((c) =>
      c.calls.some((x) => x.call === call)
        ? { ...c, calls: c.calls.map((x) => (x.call === call ? f(x) : x)) }
        : c,
    ),
  };
}

function touch(state: TuiState, id: string, at: number): TuiState {
  const c = find(state, id);
  return c ? upsert(state, { ...c, lastActivity: Math.max(c.lastActivity, at) }) : state;
}

function pushBanner(state: TuiState, b: Banner): TuiState {
  // At most a few kept: the newest matters, older ones come back as newer ones are dismissed.
  return { ...state, banners: [...state.banners, b].slice(-5) };
}

function sortByActivity(list: readonly ConversationState[]): ConversationState[] {
  return [...list].sort((a, b) => b.lastActivity - a.lastActivity);
}

function clamp(i: number, length: number): number {
  return Math.max(0, Math.min(i, length - 1));
}

function withoutNotice(state: TuiState): TuiState {
  const { notice: _, ...rest } = state;
  return rest;
}
