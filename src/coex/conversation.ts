// The conversation model (issue 6): one context with one peer, holding the XMPP thread, the
// calls (SIP dialogs, past and present), the messages, what we know of the peer on both
// protocols and how strongly the two are bound. Plain JSON so that it can be persisted.

import type { Media } from "./wire/media.js";

export type BindingLevel = "verified" | "claimed" | "none";

/** Why a binding or a call's correlation has its level; the events show these to users. */
export type CorrelationReason =
  // verified
  | "echo" // a token we issued came back over the other protocol (§3)
  | "mutual-listing" // discovered JID's presence lists the same AOR (§4)
  // claimed
  | "session-id" // INVITE's Session-ID was pre-announced in the thread (§3.2 step 3)
  | "caller-identity" // caller is the advertised SIP address, soon after an announcement
  | "sip-address-advertised" // the peer's XMPP side named a SIP address
  | "jid-in-call-info" // the peer's SIP side named a JID
  | "discovery" // an OPTIONS answer named a JID (§4)
  // none
  | "no-correlation-data" // a separated peer, or nothing matched
  | "token-unknown" // echoed token we never issued (or guessed)
  | "token-expired" // echoed token past its expiry (§5)
  | "token-bound-elsewhere" // echoed token already bound to another identity (§5: hijack)
  | "token-from-unexpected-identity" // echoed by someone other than the identity named
  | "token-wrong-carrier"; // echoed over the protocol it was issued on

export interface Correlation {
  readonly level: BindingLevel;
  readonly reason: CorrelationReason;
}

export interface Binding extends Correlation {
  /** Wall-clock ms of the last change. */
  readonly since: number;
}

/** How we know the peer's JID. */
export type JidSource =
  | "xmpp" // the JID itself spoke to us (server-authenticated, RFC 6120 §8.1.2.1)
  | "call-info" // a SIP peer claimed it (§3.3)
  | "discovery"; // an OPTIONS answer named it (§4)

/** How we know the peer's SIP identity. */
export type SipSource =
  | "sip" // it called us or answered us: the asserted identity
  | "advertised" // the peer's XMPP side advertised it (message or presence)
  | "dialed"; // we called it

export interface PeerIdentities {
  /** Bare JID. */
  jid?: string;
  /** Full JID to address the device (§1): last seen as sender, or named in Call-Info. */
  fullJid?: string;
  jidSource?: JidSource;
  /** SIP AOR. */
  sip?: string;
  sipSource?: SipSource;
  /** SIP address to call: the advertised GRUU, else the AOR (§1). */
  sipContact?: string;
  /** What the peer's device advertised it can do. */
  media?: Media[];
}

export type CallDirection = "incoming" | "outgoing";
export type CallPhase = "ringing" | "active" | "ended";

export interface CallRecord {
  readonly id: string;
  readonly direction: CallDirection;
  state: CallPhase;
  endReason?: string;
  media: Media[];
  /** The peer's SIP identity for this dialog (asserted caller, or whom we dialed). */
  readonly peerSip: string;
  /** Our RFC 7989 UUID and the peer's. */
  readonly localSession: string;
  remoteSession: string;
  /** How the dialog is bound to the conversation's peer; raised when the binding is verified. */
  correlation: Correlation;
  /** Token we issued in this dialog (SIP-issued). */
  token?: string;
  /** Token the peer issued in this dialog, for us to echo over XMPP. */
  peerToken?: string;
  /** Whether we already echoed `peerToken` over XMPP. */
  echoSent?: boolean;
  /** The INVITE named a JID without echoing anything: the 2xx carries our Call-Info (§3.3). */
  answerWithCallInfo?: boolean;
  readonly startedAt: number;
  answeredAt?: number;
  endedAt?: number;
}

export type MessageState = "received" | "sent" | "held";

export interface MessageRecord {
  readonly id: string;
  readonly direction: "in" | "out";
  readonly text: string;
  readonly at: number;
  state: MessageState;
}

export interface Announcement {
  readonly session: string;
  readonly at: number;
}

export interface Conversation {
  readonly id: string;
  /** XEP-0201 thread id. */
  readonly thread: string;
  readonly createdAt: number;
  lastActivity: number;
  peer: PeerIdentities;
  binding: Binding;
  calls: CallRecord[];
  messages: MessageRecord[];
  /** The SIP address we last advertised in this thread, to re-advertise if it changes (§3.2). */
  advertisedUri?: string;
  /** The latest token the peer issued to us over XMPP in this thread, to echo in our INVITE. */
  peerToken?: string;
  /** Calls the peer pre-announced in this thread (§3.2 step 2). */
  announcements: Announcement[];
}
