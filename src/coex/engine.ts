// The correlation engine (PROFILE.md §3-§6): a state machine over conversations, tokens,
// contacts and discovery links, driven by what happens on the wire and by the user, and
// answering with the actions the endpoint must take. It never does I/O and reads time only
// from the injected Clock, so every rule can be tested with FakeClock.

import type { Clock } from "../common/clock.js";
import { type Action, notify } from "./actions.js";
import type {
  Binding,
  CallRecord,
  Conversation,
  Correlation,
  CorrelationReason,
  MessageRecord,
} from "./conversation.js";
import {
  askerIdentity,
  decideDiscovery,
  discoveryCallInfo,
  type OptionsAsker,
} from "./discovery.js";
import { CoexError } from "./errors.js";
import { bareJid, sameSipIdentity, sipAor, tryParseSipAor } from "./identity.js";
import { DEFAULT_POLICY, type Policy, parsePolicy } from "./policy.js";
import type { CallActivity } from "./presence.js";
import { cryptoRandomBytes, type RandomBytes, randomHex } from "./random.js";
import { type CoexSnapshot, readSnapshot, SNAPSHOT_VERSION } from "./snapshot.js";
import { type EchoCheck, TokenStore } from "./tokens.js";
import { parseCallInfo, serializeCallInfo } from "./wire/call-info.js";
import type { Media } from "./wire/media.js";
import type { SipPayload } from "./wire/message-payload.js";
import { type CallState, capabilitiesFromFeatures } from "./wire/presence-payload.js";
import {
  generateSessionUuid,
  NULL_SESSION_UUID,
  normalizeSessionUuid,
  parseSessionId,
  serializeSessionId,
} from "./wire/session-id.js";
import { base64url, isWellFormedToken } from "./wire/token.js";

/** This endpoint's own addresses (PROFILE.md §1). */
export interface SelfAddress {
  /** Full JID of this device. */
  readonly jid: string;
  /** SIP address to advertise: pub-gruu if the registrar gave one, else the AOR. */
  readonly sipUri?: string;
  /** What this device can do. */
  readonly media: readonly Media[];
}

/** What a peer's JID says about its SIP side (presence, disco), all of it a claim. */
export interface ContactInfo {
  readonly jid: string;
  advertisedUri?: string;
  reach: string[];
  media: Media[];
  call?: CallState;
  /** From disco#info: whether it supports the profile; undefined when not asked. */
  integrated?: boolean;
}

/** A JID learned for a SIP address through OPTIONS (§4). */
export interface DiscoveredLink {
  readonly sip: string;
  readonly jid: string;
  level: "verified" | "claimed";
  reason: CorrelationReason;
  readonly at: number;
}

export interface IncomingMessage {
  /** Sender's full JID as the server stamped it (authenticated, RFC 6120 §8.1.2.1). */
  readonly from: string;
  readonly thread?: string;
  readonly body?: string;
  /** The <sip/> payload, read with readSipPayloadFromMessage. */
  readonly payload?: SipPayload;
}

export interface IncomingInvite {
  /** The endpoint's own handle for the dialog; generated if absent. Never sent anywhere. */
  readonly call?: string;
  readonly fromUri: string;
  readonly assertedIdentity?: string;
  /** The INVITE came through the configured proxy that asserts identities. */
  readonly viaTrustedProxy: boolean;
  /** All Call-Info header values. */
  readonly callInfo: readonly string[];
  /** The Session-ID header value, if any. */
  readonly sessionId?: string;
  readonly media: readonly Media[];
}

export interface AnswerReceived {
  readonly callInfo: readonly string[];
  readonly sessionId?: string;
}

export interface IncomingPresence {
  readonly from: string;
  readonly sip?: {
    readonly uri?: string;
    readonly media: readonly Media[];
    readonly call?: CallState;
  };
  readonly reach?: readonly string[];
}

export interface CoexEngineOptions {
  readonly self: SelfAddress;
  readonly clock: Clock;
  readonly random?: RandomBytes;
  readonly policy?: Policy;
  /** State saved by snapshot(), to continue after a restart. */
  readonly snapshot?: unknown;
}

export class CoexEngine {
  private self: SelfAddress;
  private readonly clock: Clock;
  private readonly random: RandomBytes;
  private readonly tokens: TokenStore;
  private currentPolicy: Policy;
  private convs: Conversation[] = [];
  private contacts = new Map<string, ContactInfo>();
  private discovered = new Map<string, DiscoveredLink>();
  private roster = new Set<string>();

  constructor(options: CoexEngineOptions) {
    this.self = options.self;
    this.clock = options.clock;
    this.random = options.random ?? cryptoRandomBytes;
    this.tokens = new TokenStore(this.clock, this.random);
    this.currentPolicy = options.policy ?? DEFAULT_POLICY;
    if (options.snapshot !== undefined) this.load(readSnapshot(options.snapshot));
  }

  // ---- state access -------------------------------------------------------------------------

  get policy(): Policy {
    return this.currentPolicy;
  }

  /** Validates and installs a policy (issue 6 `policy.set`); returns the effective one. */
  setPolicy(input: unknown): Policy {
    this.currentPolicy = parsePolicy(input, this.currentPolicy);
    return this.currentPolicy;
  }

  setSelf(self: SelfAddress): void {
    this.self = self;
  }

  /** The roster's bare JIDs (RFC 6121 §2), for the "roster" discovery rule and early echoes. */
  setRoster(jids: readonly string[]): void {
    this.roster = new Set(jids.map(bareJid));
  }

  conversations(): readonly Conversation[] {
    return this.convs;
  }

  conversation(id: string): Conversation {
    const c = this.convs.find((x) => x.id === id);
    if (!c) {
      throw new CoexError(
        "unknown-conversation",
        `no conversation ${JSON.stringify(id)}`,
        "use an id from conversations()",
      );
    }
    return c;
  }

  contact(jid: string): ContactInfo | undefined {
    return this.contacts.get(bareJid(jid));
  }

  discoveredLink(sipUri: string): DiscoveredLink | undefined {
    const aor = tryParseSipAor(sipUri);
    return aor ? this.discovered.get(aor) : undefined;
  }

  /** Calls not yet ended, for presence composition (§2). */
  activeCalls(): CallActivity[] {
    return this.convs.flatMap((c) =>
      c.calls
        .filter((k) => k.state !== "ended")
        .map((k) => ({
          state: k.state === "active" ? ("active" as const) : ("ringing" as const),
          media: k.media,
        })),
    );
  }

  // ---- XMPP side ----------------------------------------------------------------------------

  /**
   * Opens (or reuses) the conversation with a peer known by one address and does §3.4: the
   * first text, then the call, back to back.
   */
  startConversation(
    peer: { readonly jid?: string; readonly sip?: string },
    first: {
      readonly text?: string;
      readonly media?: readonly Media[];
      readonly force?: boolean;
    } = {},
  ): { conversation: string; actions: Action[] } {
    const actions: Action[] = [];
    let conv: Conversation | undefined;
    if (peer.jid !== undefined) {
      const bare = bareJid(peer.jid);
      conv = this.latestJoinable(bare);
      if (!conv) {
        conv = this.create({ jid: bare, fullJid: peer.jid, jidSource: "xmpp" }, undefined, actions);
      }
    } else if (peer.sip !== undefined) {
      const aor = sipAor(peer.sip);
      conv =
        this.latest((c) => c.peer.sip === aor && c.binding.level === "verified") ??
        this.latest((c) => c.peer.sip === aor && c.peer.jid === undefined);
      if (!conv) {
        conv = this.create(
          { sip: aor, sipSource: "dialed", sipContact: peer.sip },
          undefined,
          actions,
        );
      }
    } else {
      throw new CoexError(
        "no-xmpp-address",
        "a conversation needs a peer",
        "give the peer as an xmpp: JID or a sip: URI",
      );
    }
    if (first.text !== undefined) {
      actions.push(...this.sendText(conv.id, first.text, { force: first.force ?? false }));
    }
    if (first.media !== undefined && first.media.length > 0) {
      actions.push(...this.startCall(conv.id, first.media).actions);
    }
    return { conversation: conv.id, actions };
  }

  /**
   * The user sends text (§3.3 step 3): held while the peer's JID is only claimed by its SIP
   * side, unless `force`; the first message in a thread advertises our SIP side (§3.2 step 1).
   */
  sendText(conversationId: string, text: string, opts: { force?: boolean } = {}): Action[] {
    const conv = this.conversation(conversationId);
    if (conv.peer.jid === undefined) {
      throw new CoexError(
        "no-xmpp-address",
        "the peer's XMPP address is not known in this conversation",
        "wait for the peer's Call-Info, or start a conversation with its JID",
      );
    }
    const message: MessageRecord = {
      id: this.newId("msg"),
      direction: "out",
      text,
      at: this.now(),
      state: "held",
    };
    conv.messages.push(message);
    this.touch(conv);
    if (!this.joinable(conv) && !opts.force) {
      return [
        notify({
          type: "message.held",
          conversation: conv.id,
          message: { ...message },
          reason: "peer JID only claimed",
        }),
      ];
    }
    return this.deliver(conv, message, "message.sent");
  }

  private deliver(
    conv: Conversation,
    message: MessageRecord,
    event: "message.sent" | "message.released",
  ): Action[] {
    const payload = this.advertisement(conv);
    message.state = "sent";
    return [
      {
        type: "xmpp.send",
        conversation: conv.id,
        to: conv.peer.fullJid ?? conv.peer.jid!,
        thread: conv.thread,
        body: message.text,
        message: message.id,
        ...(payload ? { payload } : {}),
      },
      notify({ type: event, conversation: conv.id, message: { ...message } }),
    ];
  }

  /**
   * Our <sip uri media token/> for the next message in this thread, if one is due: first
   * message, SIP address changed, or the previous token idled out (§3.2 step 1, §5).
   */
  private advertisement(conv: Conversation): SipPayload | undefined {
    if (this.self.sipUri === undefined || conv.peer.jid === undefined) return undefined;
    if (this.contacts.get(conv.peer.jid)?.integrated === false) return undefined;
    const current = this.tokens.current(conv.id, "xmpp");
    if (current && conv.advertisedUri === this.self.sipUri) return undefined;
    const token =
      current ??
      this.tokens.issue({
        issuedOver: "xmpp",
        conversation: conv.id,
        issuedTo: conv.peer.jid,
        lifetimeMs: this.currentPolicy.expiry.threadIdleMs,
        ...this.expectedCaller(conv),
      });
    conv.advertisedUri = this.self.sipUri;
    return { uri: this.self.sipUri, media: [...this.self.media], token: token.value };
  }

  receiveMessage(msg: IncomingMessage): { conversation?: string; actions: Action[] } {
    const bare = bareJid(msg.from);
    const actions: Action[] = [];
    let conv: Conversation | undefined;
    const echo = msg.payload?.echo;
    if (echo !== undefined) {
      const check = this.tokens.checkEcho(echo, "xmpp", bare);
      if (check.result === "verified") {
        conv = this.convs.find((c) => c.id === check.token.conversation);
        if (conv) {
          if (conv.peer.jid === undefined) {
            conv.peer.jid = bare;
            conv.peer.jidSource = "xmpp";
          }
          conv.peer.fullJid = msg.from;
          actions.push(...this.setBinding(conv, "verified", "echo"));
        }
      } else {
        actions.push(...this.rejectedEcho(check, msg.from));
      }
    }
    conv ??=
      msg.thread !== undefined
        ? this.threadConversation(bare, msg.thread)
        : this.latestJoinable(bare);
    const payload = msg.payload;
    const substantive =
      msg.body !== undefined ||
      payload?.uri !== undefined ||
      payload?.token !== undefined ||
      payload?.session !== undefined;
    if (!conv) {
      // A bare handshake that matched nothing opens nothing: there is nothing to show.
      if (!substantive) return { actions };
      conv = this.create({ jid: bare, fullJid: msg.from, jidSource: "xmpp" }, msg.thread, actions);
    }
    if (conv.peer.jid === bare) conv.peer.fullJid = msg.from;
    if (payload) this.takeAdvertisement(conv, payload, actions);
    if (msg.body !== undefined) {
      const message: MessageRecord = {
        id: this.newId("msg"),
        direction: "in",
        text: msg.body,
        at: this.now(),
        state: "received",
      };
      conv.messages.push(message);
      actions.push(
        notify({ type: "message.received", conversation: conv.id, message: { ...message } }),
      );
    }
    this.touch(conv);
    return { conversation: conv.id, actions };
  }

  private takeAdvertisement(conv: Conversation, p: SipPayload, actions: Action[]): void {
    // Values are re-checked here even though readSipPayload already did: a payload built by
    // other code must not be able to make us write a malformed header later.
    const aor = p.uri !== undefined ? tryParseSipAor(p.uri) : undefined;
    if (p.uri !== undefined && aor !== undefined) {
      conv.peer.sipContact = p.uri;
      if (conv.peer.sip === undefined || conv.peer.sipSource === "advertised") {
        conv.peer.sip = aor;
        conv.peer.sipSource = "advertised";
        // The peer's authenticated JID told us its SIP identity: only that identity may echo
        // our token (closes the race an on-path SIP observer could win under "first echo binds").
        this.tokens.expectFrom(conv.id, "xmpp", aor);
      }
      if (conv.binding.level === "none")
        actions.push(...this.setBinding(conv, "claimed", "sip-address-advertised"));
    }
    if (p.media !== undefined) conv.peer.media = knownMedia(p.media);
    if (p.token !== undefined && isWellFormedToken(p.token)) conv.peerToken = p.token;
    const session = p.session !== undefined ? normalizeSessionUuid(p.session) : undefined;
    if (session !== undefined) {
      conv.announcements = conv.announcements.filter(
        (a) => this.now() - a.at < this.currentPolicy.expiry.announcementMs,
      );
      conv.announcements.push({ session: session, at: this.now() });
      actions.push(notify({ type: "call.announced", conversation: conv.id, session: session }));
    }
  }

  receivePresence(p: IncomingPresence): Action[] {
    const bare = bareJid(p.from);
    const c = this.contactFor(bare);
    if (p.sip) {
      if (p.sip.uri !== undefined && tryParseSipAor(p.sip.uri)) c.advertisedUri = p.sip.uri;
      c.media = knownMedia(p.sip.media);
      if (p.sip.call !== undefined) c.call = p.sip.call;
    }
    if (p.reach) c.reach = p.reach.filter((u) => tryParseSipAor(u) !== undefined);
    const actions: Action[] = [];
    // Mutual listing (§4, RFC 7081 §3.3): the JID an OPTIONS answer named now lists the AOR.
    for (const link of this.discovered.values()) {
      if (link.jid === bare && link.level === "claimed" && this.contactListsSip(bare, link.sip)) {
        link.level = "verified";
        link.reason = "mutual-listing";
        actions.push(
          notify({ type: "discovery.learned", sip: link.sip, jid: bare, level: "verified" }),
        );
      }
    }
    return actions;
  }

  /** Disco#info features of a peer (XEP-0030), to know whether it speaks the profile. */
  setPeerFeatures(jid: string, features: readonly string[]): void {
    const caps = capabilitiesFromFeatures(features);
    const c = this.contactFor(bareJid(jid));
    c.integrated = caps.integrated;
    if (caps.media.length > 0) c.media = [...caps.media];
  }

  // ---- SIP side -----------------------------------------------------------------------------

  /**
   * Places a call in a conversation (§3.2 step 2, §3.3 step 1, §3.5): pre-announces it in the
   * thread when the peer's JID is one we chat with, then INVITEs with Call-Info and Session-ID.
   */
  startCall(conversationId: string, media: readonly Media[]): { call: string; actions: Action[] } {
    const conv = this.conversation(conversationId);
    const target = conv.peer.sipContact ?? conv.peer.sip ?? this.contactSip(conv.peer.jid);
    if (target === undefined) {
      throw new CoexError(
        "no-sip-address",
        "the peer's SIP address is not known in this conversation",
        "wait for the peer to advertise it (message or presence), or start the call with a sip: URI",
      );
    }
    const targetAor = tryParseSipAor(target) ?? target;
    const actions: Action[] = [];
    const id = this.newId("call");
    const localSession = generateSessionUuid(this.random);
    if (conv.peer.jid !== undefined && this.joinable(conv)) {
      const payload: SipPayload = { ...this.advertisement(conv), session: localSession };
      actions.push({
        type: "xmpp.send",
        conversation: conv.id,
        to: conv.peer.fullJid ?? conv.peer.jid,
        thread: conv.thread,
        payload,
      });
    }
    const token = this.tokens.issue({
      issuedOver: "sip",
      conversation: conv.id,
      call: id,
      issuedTo: targetAor,
      ...(conv.peer.jid !== undefined ? { expected: conv.peer.jid } : {}),
    });
    const callInfo = serializeCallInfo({
      jid: this.self.jid,
      thread: conv.thread,
      token: token.value,
      ...(conv.peerToken !== undefined ? { echo: conv.peerToken } : {}),
    });
    if (conv.peer.sip === undefined) {
      conv.peer.sip = targetAor;
      conv.peer.sipSource = "dialed";
    }
    const call: CallRecord = {
      id,
      direction: "outgoing",
      state: "ringing",
      media: [...media],
      peerSip: targetAor,
      localSession,
      remoteSession: NULL_SESSION_UUID,
      correlation: { level: conv.binding.level, reason: conv.binding.reason },
      token: token.value,
      startedAt: this.now(),
    };
    conv.calls.push(call);
    this.touch(conv);
    actions.push({
      type: "sip.invite",
      conversation: conv.id,
      call: id,
      target,
      media: call.media,
      callInfo,
      sessionId: serializeSessionId({ local: localSession, remote: NULL_SESSION_UUID }),
    });
    actions.push(this.callState(conv, call));
    return { call: id, actions };
  }

  /**
   * An INVITE arrived (§3.2 step 3, §3.3, §5, §7). Matching, in order: the echoed token
   * (verified); the pre-announced Session-ID (claimed); the caller's identity equal to the
   * peer's advertised SIP address shortly after an announcement (claimed). An echo that fails
   * ends matching: the call is offered uncorrelated, with the reason, never rejected.
   */
  receiveInvite(invite: IncomingInvite): {
    conversation: string;
    call: CallRecord;
    correlation: Correlation;
    actions: Action[];
  } {
    const actions: Action[] = [];
    if (
      invite.call !== undefined &&
      this.convs.some((c) => c.calls.some((k) => k.id === invite.call))
    ) {
      throw new CoexError(
        "invalid-state",
        `call ${JSON.stringify(invite.call)} already exists`,
        "a re-INVITE in a dialog goes to updateCallMedia, not receiveInvite",
      );
    }
    const caller =
      tryParseSipAor(askerIdentity(invite) ?? "") ??
      tryParseSipAor(invite.fromUri) ??
      invite.fromUri.trim();
    const { info } = parseCallInfo(invite.callInfo);
    let remoteSession = NULL_SESSION_UUID;
    if (invite.sessionId !== undefined) {
      try {
        remoteSession = parseSessionId(invite.sessionId).local;
      } catch {
        // A mangled Session-ID only loses that matching level (liberal in what we accept).
      }
    }
    let conv: Conversation | undefined;
    let correlation: Correlation;
    let trustCallInfo = true;
    if (info?.echo !== undefined) {
      const check = this.tokens.checkEcho(info.echo, "sip", caller);
      if (check.result === "verified") {
        conv = this.convs.find((c) => c.id === check.token.conversation);
      } else {
        actions.push(...this.rejectedEcho(check, caller));
        trustCallInfo = false;
      }
      correlation = conv
        ? { level: "verified", reason: "echo" }
        : { level: "none", reason: reasonOf(check) };
      if (conv) {
        conv.peer.sip = caller;
        conv.peer.sipSource = "sip";
        actions.push(...this.setBinding(conv, "verified", "echo"));
      }
    } else {
      const bySession =
        remoteSession !== NULL_SESSION_UUID
          ? this.announced(remoteSession, this.currentPolicy.expiry.announcementMs)
          : undefined;
      conv = bySession ?? this.announcedByIdentity(caller);
      correlation = bySession
        ? { level: "claimed", reason: "session-id" }
        : conv
          ? { level: "claimed", reason: "caller-identity" }
          : { level: "none", reason: "no-correlation-data" };
      if (conv) {
        // A claimed match never replaces what the peer's JID advertised or an echo verified.
        if (conv.peer.sip === undefined) {
          conv.peer.sip = caller;
          conv.peer.sipSource = "sip";
        }
        if (conv.binding.level === "none")
          actions.push(...this.setBinding(conv, "claimed", correlation.reason));
      }
    }
    // Matched to a conversation we chat in, but not verified (§3.4, or a claimed match): our
    // 2xx carries a token of ours so that the caller's echo can verify it for us too.
    let answerWithCallInfo =
      conv !== undefined && correlation.level === "claimed" && info?.token !== undefined;
    const matchedExisting = conv !== undefined;
    if (!conv && trustCallInfo && info !== undefined && info.echo === undefined) {
      // §3.3: call first. The JID is the caller's claim; the conversation lives in its thread.
      const claimed = bareJid(info.jid);
      conv =
        info.thread !== undefined
          ? this.latest(
              (c) => c.thread === info.thread && c.peer.jid === claimed && c.peer.sip === caller,
            )
          : undefined;
      if (!conv) {
        conv = this.create(
          {
            jid: claimed,
            fullJid: info.jid,
            jidSource: "call-info",
            sip: caller,
            sipSource: "sip",
          },
          info.thread,
          actions,
          { level: "claimed", reason: "jid-in-call-info" },
        );
      }
      correlation = {
        level: conv.binding.level === "verified" ? "claimed" : conv.binding.level,
        reason: "jid-in-call-info",
      };
      answerWithCallInfo = true;
    }
    if (!conv) {
      conv =
        this.latest((c) => c.peer.sip === caller && c.peer.jid === undefined) ??
        this.create({ sip: caller, sipSource: "sip" }, undefined, actions);
    }
    const call: CallRecord = {
      id: invite.call ?? this.newId("call"),
      direction: "incoming",
      state: "ringing",
      media: [...invite.media],
      peerSip: caller,
      localSession: generateSessionUuid(this.random),
      remoteSession,
      correlation,
      ...(trustCallInfo && info?.token !== undefined ? { peerToken: info.token } : {}),
      ...(answerWithCallInfo ? { answerWithCallInfo } : {}),
      startedAt: this.now(),
    };
    conv.calls.push(call);
    this.touch(conv);
    actions.push(
      notify({
        type: "call.incoming",
        conversation: conv.id,
        call: structuredClone(call),
        correlation,
      }),
    );
    // §3.2 step 4 as soon as matched; §3.3 step 3 before the answer only for roster contacts.
    if (
      matchedExisting ||
      (answerWithCallInfo && conv.peer.jid !== undefined && this.roster.has(conv.peer.jid))
    ) {
      actions.push(...this.sendEcho(conv, call));
    }
    return { conversation: conv.id, call, correlation, actions };
  }

  /** The user answers: the 2xx's profile headers (§3.3 step 2) and the echo (step 3). */
  answerCall(callId: string): { callInfo?: string; sessionId: string; actions: Action[] } {
    const { conv, call } = this.findCall(callId);
    if (call.direction !== "incoming" || call.state !== "ringing") {
      throw new CoexError(
        "invalid-state",
        `call ${callId} is not a ringing incoming call`,
        "answer only calls announced by call.incoming",
      );
    }
    call.state = "active";
    call.answeredAt = this.now();
    let callInfo: string | undefined;
    if (call.answerWithCallInfo) {
      const token = this.tokens.issue({
        issuedOver: "sip",
        conversation: conv.id,
        call: call.id,
        issuedTo: call.peerSip,
        ...(conv.peer.jid !== undefined ? { expected: conv.peer.jid } : {}),
      });
      call.token = token.value;
      callInfo = serializeCallInfo({ jid: this.self.jid, thread: conv.thread, token: token.value });
    }
    const actions = [...this.sendEcho(conv, call), this.callState(conv, call)];
    this.touch(conv);
    return {
      ...(callInfo !== undefined ? { callInfo } : {}),
      sessionId: serializeSessionId({ local: call.localSession, remote: call.remoteSession }),
      actions,
    };
  }

  /** Our INVITE was answered with a 2xx (§3.3 step 2-3). */
  receiveAnswer(callId: string, answer: AnswerReceived): Action[] {
    const { conv, call } = this.findCall(callId);
    const actions: Action[] = [];
    call.state = "active";
    call.answeredAt = this.now();
    if (answer.sessionId !== undefined) {
      try {
        call.remoteSession = parseSessionId(answer.sessionId).local;
      } catch {
        // keep the null UUID: the session simply has no end-to-end id from this peer
      }
    }
    const { info } = parseCallInfo(answer.callInfo);
    if (info) {
      const named = bareJid(info.jid);
      if (conv.peer.jid === undefined) {
        conv.peer.jid = named;
        conv.peer.fullJid = info.jid;
        conv.peer.jidSource = "call-info";
        if (call.token) this.tokens.setExpected(call.token, named);
        actions.push(...this.setBinding(conv, "claimed", "jid-in-call-info"));
      }
      // A 2xx naming some other JID than the peer we know is ignored: we never switch peers on
      // a SIP claim.
      if (conv.peer.jid === named) {
        if (conv.peer.jidSource === "call-info") conv.peer.fullJid = info.jid;
        if (info.token !== undefined) call.peerToken = info.token;
        actions.push(...this.sendEcho(conv, call));
      }
    }
    actions.push(this.callState(conv, call));
    this.touch(conv);
    return actions;
  }

  /** The dialog ended (BYE, CANCEL, failure): SIP-issued tokens enter their grace (§5). */
  endCall(callId: string, reason: string): Action[] {
    const { conv, call } = this.findCall(callId);
    if (call.state === "ended") return [];
    call.state = "ended";
    call.endReason = reason;
    call.endedAt = this.now();
    this.tokens.dialogEnded(call.id, this.currentPolicy.expiry.dialogGraceMs);
    this.touch(conv);
    return [this.callState(conv, call)];
  }

  /**
   * Media of a running call changed (§3.5): by us (a re-INVITE to send) or by the peer's
   * re-INVITE. Same dialog, same conversation, no new token.
   */
  updateCallMedia(callId: string, media: readonly Media[], by: "local" | "remote"): Action[] {
    const { conv, call } = this.findCall(callId);
    if (call.state === "ended") {
      throw new CoexError(
        "invalid-state",
        `call ${callId} has ended`,
        "start a new call in the conversation instead",
      );
    }
    call.media = [...media];
    const actions: Action[] = [];
    if (by === "local") {
      actions.push({
        type: "sip.reinvite",
        conversation: conv.id,
        call: call.id,
        media: call.media,
      });
    }
    actions.push(this.callState(conv, call));
    return actions;
  }

  // ---- REQ-4 discovery ----------------------------------------------------------------------

  /** Someone sent us OPTIONS (§4): the Call-Info to add to the 200 OK, if they may have it. */
  answerOptions(asker: OptionsAsker): { callInfo?: string; actions: Action[] } {
    const decision = decideDiscovery(
      asker,
      this.currentPolicy.discovery.allow,
      this.rosterSipAddresses(),
    );
    if (decision.allowed)
      return { callInfo: discoveryCallInfo(bareJid(this.self.jid)), actions: [] };
    return {
      actions: [notify({ type: "discovery.refused", asker: decision.asker ?? asker.fromUri })],
    };
  }

  /** Our OPTIONS to `sipUri` was answered: what the Call-Info taught us (§4), a claim. */
  learnFromOptions(
    sipUri: string,
    callInfo: readonly string[],
  ): { jid?: string; level: "verified" | "claimed" | "none"; actions: Action[] } {
    const aor = sipAor(sipUri);
    const { info } = parseCallInfo(callInfo);
    if (!info) return { level: "none", actions: [] };
    const jid = bareJid(info.jid);
    const verified =
      this.contactListsSip(jid, aor) ||
      this.convs.some(
        (c) => c.binding.level === "verified" && c.peer.jid === jid && c.peer.sip === aor,
      );
    const link: DiscoveredLink = {
      sip: aor,
      jid,
      level: verified ? "verified" : "claimed",
      reason: verified ? (this.contactListsSip(jid, aor) ? "mutual-listing" : "echo") : "discovery",
      at: this.now(),
    };
    this.discovered.set(aor, link);
    return {
      jid,
      level: link.level,
      actions: [notify({ type: "discovery.learned", sip: aor, jid, level: link.level })],
    };
  }

  // ---- snapshot -----------------------------------------------------------------------------

  /** Everything needed to continue after a restart, as plain JSON (issue 6: persistence). */
  snapshot(): CoexSnapshot {
    this.tokens.purge();
    return structuredClone({
      version: SNAPSHOT_VERSION,
      conversations: this.convs,
      tokens: [...this.tokens.all()],
      policy: this.currentPolicy,
      contacts: [...this.contacts.values()],
      discovered: [...this.discovered.values()],
      roster: [...this.roster],
    });
  }

  private load(s: CoexSnapshot): void {
    this.convs = structuredClone(s.conversations) as Conversation[];
    this.tokens.load(s.tokens);
    this.currentPolicy = parsePolicy(s.policy);
    this.contacts = new Map(s.contacts.map((c) => [c.jid, structuredClone(c)]));
    this.discovered = new Map(s.discovered.map((d) => [d.sip, structuredClone(d)]));
    this.roster = new Set(s.roster);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private now(): number {
    return this.clock.wallTime().getTime();
  }

  private newId(prefix: string): string {
    return `${prefix}-${randomHex(this.random, 8)}`;
  }

  private create(
    peer: Conversation["peer"],
    thread: string | undefined,
    actions: Action[],
    binding: Correlation = { level: "none", reason: "no-correlation-data" },
  ): Conversation {
    const now = this.now();
    const conv: Conversation = {
      id: this.newId("conv"),
      thread: thread ?? base64url(this.random(12)),
      createdAt: now,
      lastActivity: now,
      peer,
      binding: { ...binding, since: now },
      calls: [],
      messages: [],
      announcements: [],
    };
    this.convs.push(conv);
    actions.push(notify({ type: "conversation.created", conversation: conv.id }));
    return conv;
  }

  /** Text from a JID may join a conversation only if that JID is authenticated there (§6). */
  private joinable(c: Conversation): boolean {
    return (
      c.peer.jid !== undefined && (c.peer.jidSource === "xmpp" || c.binding.level === "verified")
    );
  }

  private latest(pred: (c: Conversation) => boolean): Conversation | undefined {
    let best: Conversation | undefined;
    for (const c of this.convs)
      if (pred(c) && (!best || c.lastActivity >= best.lastActivity)) best = c;
    return best;
  }

  private latestJoinable(bare: string): Conversation | undefined {
    return this.latest((c) => c.peer.jid === bare && this.joinable(c));
  }

  private threadConversation(bare: string, thread: string): Conversation | undefined {
    return this.latest((c) => c.thread === thread && c.peer.jid === bare && this.joinable(c));
  }

  private touch(conv: Conversation): void {
    conv.lastActivity = this.now();
    this.tokens.touchThread(conv.id, this.currentPolicy.expiry.threadIdleMs);
  }

  private setBinding(
    conv: Conversation,
    level: Binding["level"],
    reason: CorrelationReason,
  ): Action[] {
    const rank = { none: 0, claimed: 1, verified: 2 };
    if (rank[level] < rank[conv.binding.level]) return [];
    if (conv.binding.level === level && conv.binding.reason === reason) return [];
    conv.binding = { level, reason, since: this.now() };
    const actions: Action[] = [
      notify({ type: "binding.changed", conversation: conv.id, binding: conv.binding }),
    ];
    if (level === "verified") {
      // The running calls with the now verified SIP identity are verified with it (§3).
      for (const k of conv.calls) {
        if (
          k.state !== "ended" &&
          k.peerSip === conv.peer.sip &&
          k.correlation.level !== "verified"
        )
          k.correlation = { level: "verified", reason };
      }
      for (const m of conv.messages) {
        if (m.state === "held") actions.push(...this.deliver(conv, m, "message.released"));
      }
      // A token handshake also proves a pair that discovery had only claimed (§4).
      const link = conv.peer.sip !== undefined ? this.discovered.get(conv.peer.sip) : undefined;
      if (link && link.level === "claimed" && link.jid === conv.peer.jid) {
        link.level = "verified";
        link.reason = "echo";
        actions.push(
          notify({ type: "discovery.learned", sip: link.sip, jid: link.jid, level: "verified" }),
        );
      }
    }
    return actions;
  }

  private sendEcho(conv: Conversation, call: CallRecord): Action[] {
    if (call.peerToken === undefined || call.echoSent || conv.peer.jid === undefined) return [];
    call.echoSent = true;
    // The handshake message carries the echo and nothing else (§3.3 step 3).
    return [
      {
        type: "xmpp.send",
        conversation: conv.id,
        to: conv.peer.fullJid ?? conv.peer.jid,
        thread: conv.thread,
        payload: { echo: call.peerToken },
      },
    ];
  }

  private callState(conv: Conversation, call: CallRecord): Action {
    return notify({
      type: "call.state",
      conversation: conv.id,
      call: call.id,
      state: call.state,
      media: call.media,
      ...(call.endReason !== undefined ? { reason: call.endReason } : {}),
    });
  }

  private rejectedEcho(check: Exclude<EchoCheck, { result: "verified" }>, from: string): Action[] {
    const actions: Action[] = [
      notify({ type: "correlation.rejected", reason: reasonOf(check), from }),
    ];
    if (check.result === "bound-elsewhere") {
      actions.push(
        notify({
          type: "security.alert",
          kind: "token-replay",
          from,
          conversation: check.token.conversation,
          detail: `a token bound to ${check.boundTo} was echoed by ${from}: possible hijack; not correlated`,
        }),
      );
    } else if (check.result === "unexpected-identity") {
      actions.push(
        notify({
          type: "security.alert",
          kind: "token-from-unexpected-identity",
          from,
          conversation: check.token.conversation,
          detail: `a token meant to come back from ${check.expected} was echoed by ${from}; not correlated`,
        }),
      );
    }
    return actions;
  }

  private announced(session: string, withinMs: number): Conversation | undefined {
    const now = this.now();
    return this.latest((c) =>
      c.announcements.some((a) => a.session === session && now - a.at <= withinMs),
    );
  }

  private announcedByIdentity(caller: string): Conversation | undefined {
    const now = this.now();
    const window = this.currentPolicy.expiry.identityWindowMs;
    return this.latest(
      (c) =>
        c.announcements.some((a) => now - a.at <= window) &&
        this.joinable(c) &&
        this.advertisedSips(c).some((u) => sameSipIdentity(u, caller)),
    );
  }

  /** SIP addresses the conversation's peer advertised over XMPP (never derived from its JID). */
  private advertisedSips(c: Conversation): string[] {
    const out: string[] = [];
    if (c.peer.sipContact) out.push(c.peer.sipContact);
    if (c.peer.sip) out.push(c.peer.sip);
    const info = c.peer.jid !== undefined ? this.contacts.get(c.peer.jid) : undefined;
    if (info?.advertisedUri) out.push(info.advertisedUri);
    if (info) out.push(...info.reach);
    return out;
  }

  /** The SIP identity our XMPP-issued token must come back from, if the peer's JID named one. */
  private expectedCaller(conv: Conversation): { expected?: string } {
    const p = conv.peer;
    const trusted =
      p.sip !== undefined &&
      (p.sipSource === "advertised" ||
        (p.sipSource === "sip" && conv.binding.level === "verified"));
    return trusted ? { expected: p.sip! } : {};
  }

  private contactFor(bare: string): ContactInfo {
    let c = this.contacts.get(bare);
    if (!c) {
      c = { jid: bare, reach: [], media: [] };
      this.contacts.set(bare, c);
    }
    return c;
  }

  private contactSip(jid: string | undefined): string | undefined {
    if (jid === undefined) return undefined;
    const c = this.contacts.get(jid);
    return c?.advertisedUri ?? c?.reach[0];
  }

  private contactListsSip(jid: string, aor: string): boolean {
    const c = this.contacts.get(jid);
    if (!c) return false;
    return [...c.reach, ...(c.advertisedUri ? [c.advertisedUri] : [])].some((u) =>
      sameSipIdentity(u, aor),
    );
  }

  private rosterSipAddresses(): string[] {
    const out: string[] = [];
    for (const jid of this.roster) {
      const c = this.contacts.get(jid);
      if (c) out.push(...c.reach, ...(c.advertisedUri ? [c.advertisedUri] : []));
      for (const conv of this.convs) {
        if (conv.peer.jid === jid && conv.binding.level === "verified" && conv.peer.sip)
          out.push(conv.peer.sip);
      }
    }
    return out;
  }

  private findCall(callId: string): { conv: Conversation; call: CallRecord } {
    for (const conv of this.convs) {
      const call = conv.calls.find((c) => c.id === callId);
      if (call) return { conv, call };
    }
    throw new CoexError(
      "unknown-call",
      `no call ${JSON.stringify(callId)}`,
      "use the id from sip.invite or call.incoming",
    );
  }
}

function knownMedia(media: readonly string[]): Media[] {
  return media.filter((m): m is Media => m === "audio" || m === "video");
}

function reasonOf(check: EchoCheck): CorrelationReason {
  switch (check.result) {
    case "verified":
      return "echo";
    case "unknown":
      return "token-unknown";
    case "expired":
      return "token-expired";
    case "bound-elsewhere":
      return "token-bound-elsewhere";
    case "unexpected-identity":
      return "token-from-unexpected-identity";
    case "wrong-carrier":
      return "token-wrong-carrier";
  }
}
