// A transaction sink that records what was sent and when (fake clock time), for the
// retransmission schedule tests.
import type { FakeClock } from "../../../src/common/clock.js";
import type { SipMessage } from "../../../src/sip/message/index.js";
import { parseMessage } from "../../../src/sip/message/index.js";
import type { TransactionSink } from "../../../src/sip/transaction/index.js";

export class RecordingSink implements TransactionSink {
  readonly sent: Array<{ at: number; message: SipMessage }> = [];
  constructor(
    readonly reliable: boolean,
    private readonly clock: FakeClock,
  ) {}

  send(message: SipMessage): void {
    this.sent.push({ at: this.clock.now(), message });
  }

  times(filter: (m: SipMessage) => boolean = () => true): number[] {
    return this.sent.filter((s) => filter(s.message)).map((s) => s.at);
  }
}

export function parse(text: string): SipMessage {
  const r = parseMessage(text.replace(/\n/g, "\r\n"));
  if (!r.ok) throw r.error;
  return r.message;
}

export const INVITE = `INVITE sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKinv1
Max-Forwards: 70
From: <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: call1@192.0.2.1
CSeq: 1 INVITE
Contact: <sip:alice@192.0.2.1>
Content-Length: 0

`;

export const OPTIONS = `OPTIONS sip:bob@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKopt1
Max-Forwards: 70
From: <sip:alice@example.com>;tag=a1
To: <sip:bob@example.com>
Call-ID: call2@192.0.2.1
CSeq: 1 OPTIONS
Content-Length: 0

`;

export function response(request: string, status: number, toTag = "b1"): SipMessage {
  const req = parse(request);
  const lines = [
    `SIP/2.0 ${status} Reason`,
    `Via: ${req.get("Via")}`,
    `From: ${req.get("From")}`,
    `To: ${req.get("To")}${status > 100 ? `;tag=${toTag}` : ""}`,
    `Call-ID: ${req.get("Call-ID")}`,
    `CSeq: ${req.get("CSeq")}`,
    "Content-Length: 0",
    "",
    "",
  ];
  return parse(lines.join("\n"));
}
