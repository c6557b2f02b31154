// The RFC 4733 §2.3 telephone-event payload: event (8 bits), E(nd) bit, R bit, volume (6 bits),
// duration (16 bits, in timestamp units).

export const DTMF_EVENTS = "0123456789*#ABCD";

export interface TelephoneEvent {
  readonly event: number;
  readonly end: boolean;
  /** Power level as -dBm0, 0..63 (RFC 4733 §2.3.4). */
  readonly volume: number;
  readonly duration: number;
}

export function encodeTelephoneEvent(e: TelephoneEvent): Buffer {
  const b = Buffer.alloc(4);
  b[0] = e.event & 0xff;
  b[1] = (e.end ? 0x80 : 0) | (e.volume & 0x3f);
  b.writeUInt16BE(Math.min(e.duration, 0xffff), 2);
  return b;
}

/** Undefined for a payload too short to be an event (liberal: ignore it, do not throw). */
export function decodeTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return {
    event: payload[0]!,
    end: (payload[1]! & 0x80) !== 0,
    volume: payload[1]! & 0x3f,
    duration: (payload[2]! << 8) | payload[3]!,
  };
}

/** The DTMF digit of an event code, or undefined for other events (RFC 4733 §3.2). */
export function digitOf(event: number): string | undefined {
  return event < DTMF_EVENTS.length ? DTMF_EVENTS[event] : undefined;
}

export function eventOf(digit: string): number | undefined {
  const i = DTMF_EVENTS.indexOf(digit.toUpperCase());
  return i < 0 ? undefined : i;
}
