// What the SIP core sees of transports (RFC 3261 §18): flows to remote addresses and incoming
// messages. Free of Node imports, so the core above stays portable; the Node implementation is
// node-transport.ts.
import type { PartialMessage, SipMessage, SipParseError } from "../message/index.js";

export type TransportName = "UDP" | "TCP" | "TLS" | "WS" | "WSS";

export const isReliable = (t: TransportName): boolean => t !== "UDP";

export interface Address {
  readonly host: string;
  readonly port: number;
}

/** A resolved next hop: where to send and over what (RFC 3263 §4 result). */
export interface Target extends Address {
  readonly transport: TransportName;
  /** TLS/WSS server name to verify, when it differs from host (the domain we resolved). */
  readonly serverName?: string;
  /** WebSocket URL path (RFC 7118), "/" by default. */
  readonly path?: string;
}

/** A connection (TCP/TLS/WS) or, for UDP, the 5-tuple; RFC 5626 calls both a flow. */
export interface Flow {
  readonly id: string;
  readonly transport: TransportName;
  readonly reliable: boolean;
  readonly remote: Address;
  readonly local: Address;
  send(message: SipMessage): void;
  close(): void;
  readonly closed: boolean;
}

export interface Inbound {
  readonly message: SipMessage;
  readonly flow: Flow;
}

export interface InboundError {
  readonly error: SipParseError;
  readonly partial: PartialMessage | undefined;
  readonly flow: Flow;
}

export interface TransportEvents {
  onMessage(inbound: Inbound): void;
  /** A message that could not be parsed (RFC 4475 §3.1.2: answer requests with 400). */
  onParseError?(inbound: InboundError): void;
  onFlowClosed?(flow: Flow): void;
}

/** The transport layer as the transaction layer and UA core use it. */
export interface SipTransportLayer {
  /** Where we listen for `transport` (for Via sent-by and Contact). */
  localAddress(transport: TransportName): Address | undefined;
  /** The flow to `target`, reusing an open connection (RFC 3261 §18.1.1) or opening one. */
  flowTo(target: Target): Promise<Flow>;
  /** A flow we already have (by id), e.g. the one a request arrived on. */
  flowById(id: string): Flow | undefined;
  setEvents(events: TransportEvents): void;
  close(): Promise<void>;
}
