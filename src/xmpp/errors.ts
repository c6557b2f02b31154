// Typed failures of the XMPP layer. Every error says what went wrong and what to do about it;
// `reason` is stable for code to switch on.
import type { StanzaErrorInfo } from "./protocol/stanza-error.js";

export type ConnectionFailureReason =
  /** SASL <not-authorized/> (RFC 6120 §6.5.10): wrong user name or password. */
  | "bad-password"
  /** Any other SASL failure (account disabled, mechanism too weak, …). */
  | "auth-failed"
  /** DNS could not resolve the host. */
  | "host-not-found"
  /** TCP connection refused or unreachable. */
  | "connection-refused"
  /** TLS handshake or certificate verification failed. */
  | "tls-failure"
  /** The config requires TLS and the server did not offer STARTTLS. */
  | "tls-required"
  /** Our resource was taken over by another login (<conflict/>, RFC 6120 §4.9.3.3). */
  | "conflict"
  /** The server ended the stream with another stream error (RFC 6120 §4.9). */
  | "stream-error"
  /** No answer in time (connect, stream open or XEP-0199 ping). */
  | "timeout"
  /** The connection dropped without a stream error. */
  | "connection-lost"
  /** A configuration that cannot work (bad JID, unknown URL scheme, …). */
  | "bad-config";

const ADVICE: Record<ConnectionFailureReason, string> = {
  "bad-password": "check the account's JID and password",
  "auth-failed": "the server refused authentication; check the account on the server",
  "host-not-found": "check the host name in the service URL (DNS did not resolve it)",
  "connection-refused": "check that the server runs and listens on that port",
  "tls-failure":
    "the TLS handshake failed; check the server certificate and that the CA is trusted",
  "tls-required":
    'the server offers no STARTTLS; enable TLS on the server or set tls: "none" only for local tests',
  conflict: "another client logged in with the same resource; use a different resource",
  "stream-error": "the server closed the stream; its condition says why",
  timeout: "the server did not answer in time; check the network and the server's load",
  "connection-lost": "the connection dropped; it is re-established automatically when enabled",
  "bad-config": "fix the XMPP configuration",
};

/** Whether retrying the same configuration can succeed (used by the reconnect policy). */
export function isRetryable(reason: ConnectionFailureReason): boolean {
  return [
    "host-not-found",
    "connection-refused",
    "timeout",
    "connection-lost",
    "stream-error",
  ].includes(reason);
}

export class XmppConnectionError extends Error {
  readonly reason: ConnectionFailureReason;
  /** The protocol condition or system error code behind it, when there is one. */
  readonly condition: string | undefined;

  constructor(reason: ConnectionFailureReason, detail: string, condition?: string) {
    super(`XMPP connection failed (${reason}): ${detail} — ${ADVICE[reason]}.`);
    this.name = "XmppConnectionError";
    this.reason = reason;
    this.condition = condition;
  }
}

/** An <error/> a peer or the server returned for one of our stanzas (RFC 6120 §8.3). */
export class XmppStanzaError extends Error {
  readonly info: StanzaErrorInfo;
  constructor(what: string, info: StanzaErrorInfo) {
    super(`${what} failed: ${info.condition} (${info.type})${info.text ? ` — ${info.text}` : ""}`);
    this.name = "XmppStanzaError";
    this.info = info;
  }
  get condition(): string {
    return this.info.condition;
  }
}

/** A request that got no answer in time. */
export class XmppTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} got no answer within ${ms} ms; the peer may be offline or the link dead.`);
    this.name = "XmppTimeoutError";
  }
}

/** A reply that does not have the shape the protocol requires. */
export class XmppProtocolError extends Error {
  constructor(what: string) {
    super(what);
    this.name = "XmppProtocolError";
  }
}
