// Turns received telephone-event packets into digits. An event is identified by its RTP
// timestamp (RFC 4733 §2.5.1.3: all packets of one event carry the event's start timestamp), so
// retransmitted end packets and packets of a long event report the digit once.

import { decodeTelephoneEvent, digitOf } from "./telephone-event.js";

export class DtmfReceiver {
  private lastTimestamp: number | undefined;
  private lastEvent: number | undefined;

  constructor(
    private readonly onDigit: (digit: string, durationMs: number) => void,
    private readonly clockRate: number,
  ) {}

  receive(rtpTimestamp: number, payload: Uint8Array): void {
    const e = decodeTelephoneEvent(payload);
    if (!e) return;
    if (rtpTimestamp === this.lastTimestamp && e.event === this.lastEvent) return;
    this.lastTimestamp = rtpTimestamp;
    this.lastEvent = e.event;
    const digit = digitOf(e.event);
    if (digit !== undefined) this.onDigit(digit, (e.duration * 1000) / this.clockRate);
  }
}
