// Reconnect delays: exponential backoff with "full jitter" (a uniformly random delay between 0
// and the exponential cap), so that many clients cut off at once do not return in lockstep.

export interface BackoffPolicy {
  /** Cap of the first retry's delay. */
  readonly initialDelayMs: number;
  /** The cap never grows beyond this. */
  readonly maxDelayMs: number;
  /** Growth of the cap per failed attempt. */
  readonly factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 60_000,
  factor: 2,
};

/**
 * The delay before retry number `attempt` (0 for the first retry). `random` returns a number in
 * [0, 1) and is injected so tests can pin it.
 */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const cap = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.factor ** Math.max(0, attempt),
  );
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(cap * r);
}
