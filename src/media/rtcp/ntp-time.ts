// NTP timestamps for RTCP sender reports (RFC 3550 §4): seconds since 1900 in 32.32 fixed
// point. Taken from the injected Clock: wall time at start plus monotonic time since, so that
// FakeClock drives them in tests and round-trip times never go negative on a clock step.

import type { Clock } from "../../common/clock.js";

const NTP_EPOCH_OFFSET_S = 2208988800;

export class NtpTime {
  private readonly originMs: number;
  private readonly originMonotonic: number;

  constructor(private readonly clock: Clock) {
    this.originMs = clock.wallTime().getTime();
    this.originMonotonic = clock.now();
  }

  /** The current NTP time as a 64-bit value. */
  now64(): bigint {
    const ms = this.originMs + (this.clock.now() - this.originMonotonic);
    const seconds = Math.floor(ms / 1000);
    const fraction = Math.floor(((ms - seconds * 1000) / 1000) * 2 ** 32);
    return (BigInt(seconds + NTP_EPOCH_OFFSET_S) << 32n) | BigInt(fraction);
  }

  /** The middle 32 bits (RFC 3550 §6.4.1 LSR/DLSR units: 1/65536 s). */
  static middle32(ntp: bigint): number {
    return Number((ntp >> 16n) & 0xffffffffn);
  }

  nowMiddle32(): number {
    return NtpTime.middle32(this.now64());
  }
}
