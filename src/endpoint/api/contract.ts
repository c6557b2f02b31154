// The daemon's API contract (issue 6): every JSON-RPC method with its parameters and result,
// and every event on the stream. The endpoint implements EndpointApi; the server validates
// parameters into the types below before calling it, so an implementation never sees a
// malformed request. Times are wall-clock milliseconds since 1970 (as the store keeps them).

import type { BindingLevel, CorrelationReason, Media, Policy, Show } from "../../coex/index.js";

export type { Media, Policy, Show };

/** How strongly a peer's JID and SIP identity are bound, and why (PROFILE.md §3). */
export interface CorrelationView {
  readonly level: BindingLevel;
  readonly reason: CorrelationReason;
}

export interface BindingView extends CorrelationView {
  /** When the level or reason last changed. */
  readonly since: number;
}

/** The peer's identities as far as known: bare JID and SIP address of record. */
export interface PeerView {
  readonly jid?: string;
  readonly sip?: string;
}

/** `received`/`shown` for incoming text; `held`/`released`/`sent` for the user's own. */
export type MessageState = "received" | "shown" | "held" | "released" | "sent";

export interface MessageView {
  readonly id: string;
  readonly direction: "in" | "out";
  readonly text: string;
  readonly at: number;
  readonly state: MessageState;
}

export type CallPhase = "ringing" | "active" | "ended";

export interface CallView {
  readonly call: string;
  readonly direction: "incoming" | "outgoing";
  readonly state: CallPhase;
  /** Why it ended (`hangup`, `rejected`, `busy`, `cancelled`, `failed: …`), once ended. */
  readonly reason?: string;
  readonly media: readonly Media[];
  /** The peer's SIP identity for this dialog. */
  readonly peer: string;
  readonly correlation: CorrelationView;
  readonly startedAt: number;
  readonly answeredAt?: number;
  readonly endedAt?: number;
}

export interface ConversationSummary {
  readonly conversation: string;
  /** XEP-0201 thread id of the IM component. */
  readonly thread: string;
  readonly peer: PeerView;
  readonly binding: BindingView;
  readonly createdAt: number;
  readonly lastActivity: number;
  /** Calls not yet ended. */
  readonly activeCalls: readonly string[];
}

export interface ConversationDetail extends ConversationSummary {
  readonly messages: readonly MessageView[];
  readonly calls: readonly CallView[];
}

/** A contact's presence (RFC 6121 §4) with what the profile adds (PROFILE.md §2). */
export interface PresenceView {
  readonly available: boolean;
  readonly show?: Show;
  readonly status?: string;
  /** The device's advertised SIP side, from its `<sip/>` presence element. */
  readonly sip?: {
    readonly uri?: string;
    readonly media: readonly Media[];
    readonly call?: "idle" | "ringing" | "busy";
  };
  /** XEP-0108 activity while on a call. */
  readonly activity?: "on_the_phone" | "on_video_phone";
}

/** RFC 6121 §2.1.2.5 subscription states. */
export type Subscription = "none" | "to" | "from" | "both";

export interface ContactView {
  readonly jid: string;
  readonly name?: string;
  readonly subscription: Subscription;
  /** We asked to see its presence and it has not answered yet. */
  readonly pendingOut?: boolean;
  readonly presence?: PresenceView;
  /** Whether its disco#info shows the profile (undefined: not asked yet). */
  readonly integrated?: boolean;
}

// ---- methods --------------------------------------------------------------------------------

/** The peer of `conversations.start`, parsed from an `xmpp:` or `sip:` URI. */
export type PeerAddress =
  | { readonly protocol: "xmpp"; readonly jid: string }
  | { readonly protocol: "sip"; readonly uri: string };

export type OwnShow = "available" | Show;

export interface StatusResult {
  readonly xmpp: { readonly jid: string; readonly connected: boolean };
  readonly sip: {
    readonly aor: string;
    /** The public GRUU (RFC 5627) when the registrar gave one. */
    readonly gruu?: string;
    readonly registered: boolean;
  };
  readonly media: readonly Media[];
  readonly presence: { readonly show: OwnShow; readonly status?: string };
  readonly activeCalls: number;
}

type NoParams = Record<string, never>;
type Done = Record<string, never>;

/** Every method: its validated parameters and its result. */
export interface ApiMethods {
  status: { params: NoParams; result: StatusResult };
  "contacts.list": { params: NoParams; result: { contacts: readonly ContactView[] } };
  "contacts.add": {
    params: { jid: string; name?: string };
    result: { contact: ContactView };
  };
  "contacts.approve": {
    params: { jid: string; approve: boolean };
    result: { jid: string; approved: boolean };
  };
  "presence.set": {
    params: { show: OwnShow; status?: string };
    result: { show: OwnShow; status?: string };
  };
  "conversations.list": {
    params: NoParams;
    result: { conversations: readonly ConversationSummary[] };
  };
  "conversations.get": {
    params: { conversation: string };
    result: ConversationDetail;
  };
  "conversations.start": {
    params: { peer: PeerAddress; text?: string; media?: readonly Media[]; force: boolean };
    result: { conversation: string; message?: MessageView; call?: string };
  };
  "messages.send": {
    params: { conversation: string; text: string; force: boolean };
    result: { message: MessageView };
  };
  "calls.start": {
    params: { conversation: string; media: readonly Media[] };
    result: { conversation: string; call: string };
  };
  "calls.answer": {
    params: { call: string; media?: readonly Media[] };
    result: { call: string; state: CallPhase };
  };
  "calls.reject": { params: { call: string; reason: "busy" | "decline" }; result: Done };
  "calls.hangup": { params: { call: string }; result: Done };
  "calls.update": {
    params: { call: string; media: readonly Media[] };
    result: { call: string; media: readonly Media[] };
  };
  "calls.dtmf": { params: { call: string; digits: string; durationMs: number }; result: Done };
  discover: {
    params: { sip: string };
    result: { sip: string; jid: string | null; binding: CorrelationView };
  };
  "policy.get": { params: NoParams; result: Policy };
  "policy.set": { params: PolicyPatch; result: Policy };
}

/** `policy.set` takes any part of the policy; what is left out keeps its current value. */
export interface PolicyPatch {
  readonly discovery?: { readonly allow: readonly string[] };
  readonly expiry?: Partial<Policy["expiry"]>;
}

export type MethodName = keyof ApiMethods;
export type ParamsOf<M extends MethodName> = ApiMethods[M]["params"];
export type ResultOf<M extends MethodName> = ApiMethods[M]["result"];

/** What the endpoint implements; the server calls it with validated parameters only. */
export type EndpointApi = {
  readonly [M in MethodName]: (params: ParamsOf<M>) => Promise<ResultOf<M>> | ResultOf<M>;
};

// ---- events ---------------------------------------------------------------------------------

export type ApiEvent =
  | {
      readonly type: "conversation.created";
      readonly conversation: string;
      readonly thread: string;
      readonly peer: PeerView;
    }
  | {
      readonly type: "message.received";
      readonly conversation: string;
      readonly message: MessageView;
    }
  | { readonly type: "message.sent"; readonly conversation: string; readonly message: MessageView }
  | {
      readonly type: "message.held";
      readonly conversation: string;
      readonly message: MessageView;
      readonly reason: string;
    }
  | {
      readonly type: "message.released";
      readonly conversation: string;
      readonly message: MessageView;
    }
  | {
      readonly type: "call.incoming";
      readonly conversation: string;
      readonly call: string;
      /** The caller's SIP identity (asserted by the trusted proxy, else From). */
      readonly from: string;
      readonly media: readonly Media[];
      readonly correlation: CorrelationView;
    }
  | {
      readonly type: "call.state";
      readonly conversation: string;
      readonly call: string;
      readonly state: CallPhase;
      readonly media: readonly Media[];
      /** Present when `state` is `ended`. */
      readonly reason?: string;
    }
  | {
      /** The first RTP packet of the call arrived from the peer: media is flowing. */
      readonly type: "call.media";
      readonly conversation: string;
      readonly call: string;
      /** Wall-clock time it arrived (milliseconds since 1970). */
      readonly at: number;
    }
  | {
      /** The peer sent a DTMF digit in a call (RFC 4733 telephone-event). */
      readonly type: "call.dtmf";
      readonly conversation: string;
      readonly call: string;
      readonly digit: string;
      readonly durationMs: number;
    }
  | {
      readonly type: "binding.changed";
      readonly conversation: string;
      readonly binding: BindingView;
    }
  | { readonly type: "presence.changed"; readonly jid: string; readonly presence: PresenceView }
  | {
      readonly type: "discovery.refused";
      /** The asker's SIP identity, as the policy judged it. */
      readonly asker: string;
    }
  | {
      readonly type: "security.alert";
      readonly kind: string;
      readonly from: string;
      readonly detail: string;
      readonly conversation?: string;
    }
  | { readonly type: "contact.request"; readonly jid: string; readonly name?: string }
  | {
      /**
       * Sent by the stream itself on resumption when the events after `Last-Event-ID` are no
       * longer buffered (or came from an earlier run): the client should reload its state with
       * `conversations.list` and `contacts.list`.
       */
      readonly type: "stream.gap";
      readonly lastEventId: string;
    };

export type EventType = ApiEvent["type"];
