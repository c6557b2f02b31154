// The tokens this endpoint has issued (PROFILE.md §3, §5, §6). A token is issued over one
// protocol and is only good when it comes back over the other, from the identity that
// protocol authenticates. Expiry is stored as absolute wall-clock time so that a restored
// snapshot keeps exactly the same validity.

import type { Clock } from "../common/clock.js";
import type { RandomBytes } from "./random.js";
import { constantTimeEqual, generateToken } from "./wire/token.js";

export type Carrier = "xmpp" | "sip";

export interface IssuedToken {
  readonly value: string;
  /** The protocol it was sent over; it must come back over the other one. */
  readonly issuedOver: Carrier;
  readonly conversation: string;
  /** For SIP-issued tokens: the call (dialog) whose life it shares. */
  readonly call?: string;
  /** Whom it was given to: a bare JID (XMPP-issued) or a SIP AOR (SIP-issued). */
  readonly issuedTo: string;
  /** An identity named for the echo (e.g. the JID a Call-Info named); only it may echo. */
  expected?: string;
  /** The first identity that echoed it (§5): later echoes must come from it. */
  boundTo?: string;
  readonly issuedAt: number;
  /** Wall-clock ms; undefined while the token's dialog is up. */
  expiresAt?: number;
}

export type EchoCheck =
  | { readonly result: "verified"; readonly token: IssuedToken }
  | { readonly result: "unknown" }
  | { readonly result: "wrong-carrier"; readonly token: IssuedToken }
  | { readonly result: "expired"; readonly token: IssuedToken }
  | { readonly result: "bound-elsewhere"; readonly token: IssuedToken; readonly boundTo: string }
  | {
      readonly result: "unexpected-identity";
      readonly token: IssuedToken;
      readonly expected: string;
    };

/** Expired tokens are remembered this long to say "expired" rather than "unknown". */
const RETAIN_EXPIRED_MS = 7 * 24 * 3600_000;

export class TokenStore {
  private tokens: IssuedToken[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly random: RandomBytes,
  ) {}

  private now(): number {
    return this.clock.wallTime().getTime();
  }

  issue(params: {
    issuedOver: Carrier;
    conversation: string;
    issuedTo: string;
    call?: string;
    expected?: string;
    /** Lifetime from now; omit for a SIP token whose dialog is up. */
    lifetimeMs?: number;
  }): IssuedToken {
    let value = generateToken(this.random);
    // 128 random bits never collide in practice; a broken injected source must not alias.
    while (this.tokens.some((t) => t.value === value)) value = generateToken(this.random);
    const now = this.now();
    const token: IssuedToken = {
      value,
      issuedOver: params.issuedOver,
      conversation: params.conversation,
      issuedTo: params.issuedTo,
      issuedAt: now,
      ...(params.call !== undefined ? { call: params.call } : {}),
      ...(params.expected !== undefined ? { expected: params.expected } : {}),
      ...(params.lifetimeMs !== undefined ? { expiresAt: now + params.lifetimeMs } : {}),
    };
    this.tokens.push(token);
    return token;
  }

  /**
   * Looks a token up by comparing it with every stored one in constant time (no early exit,
   * no hash lookup whose timing depends on the value), then applies the rules of §3 and §5.
   * `identity` is what the carrier authenticates: the bare JID for XMPP, the asserted SIP AOR
   * for SIP. A successful first echo binds the token to that identity.
   */
  checkEcho(echo: string, over: Carrier, identity: string): EchoCheck {
    let found: IssuedToken | undefined;
    for (const t of this.tokens) {
      if (constantTimeEqual(t.value, echo) && !found) found = t;
    }
    if (!found) return { result: "unknown" };
    if (found.issuedOver === over) return { result: "wrong-carrier", token: found };
    if (found.expiresAt !== undefined && this.now() >= found.expiresAt) {
      return { result: "expired", token: found };
    }
    if (found.boundTo !== undefined && found.boundTo !== identity) {
      return { result: "bound-elsewhere", token: found, boundTo: found.boundTo };
    }
    if (found.expected !== undefined && found.expected !== identity) {
      return { result: "unexpected-identity", token: found, expected: found.expected };
    }
    found.boundTo = identity;
    return { result: "verified", token: found };
  }

  /** Current, unexpired token issued over `over` in a conversation (for re-use). */
  current(conversation: string, over: Carrier): IssuedToken | undefined {
    const now = this.now();
    return this.tokens.find(
      (t) =>
        t.conversation === conversation &&
        t.issuedOver === over &&
        t.call === undefined &&
        (t.expiresAt === undefined || now < t.expiresAt),
    );
  }

  find(value: string): IssuedToken | undefined {
    return this.tokens.find((t) => t.value === value);
  }

  /** Activity in a thread pushes the idle expiry of its XMPP-issued tokens (§5). */
  touchThread(conversation: string, idleMs: number): void {
    const now = this.now();
    for (const t of this.tokens) {
      if (t.conversation !== conversation || t.issuedOver !== "xmpp") continue;
      if (t.expiresAt !== undefined && now >= t.expiresAt) continue; // dead stays dead
      t.expiresAt = now + idleMs;
    }
  }

  /** The dialog ended: its SIP-issued tokens live on for the grace period (§5). */
  dialogEnded(call: string, graceMs: number): void {
    const now = this.now();
    for (const t of this.tokens) {
      if (t.call === call && t.issuedOver === "sip" && t.expiresAt === undefined) {
        t.expiresAt = now + graceMs;
      }
    }
  }

  setExpected(value: string, identity: string): void {
    const t = this.find(value);
    if (t && t.boundTo === undefined) t.expected = identity;
  }

  /** Names the identity that must echo the unbound tokens issued over `over` in a conversation. */
  expectFrom(conversation: string, over: Carrier, identity: string): void {
    for (const t of this.tokens) {
      if (t.conversation === conversation && t.issuedOver === over && t.boundTo === undefined) {
        t.expected = identity;
      }
    }
  }

  /** Forgets tokens long expired. */
  purge(): void {
    const now = this.now();
    this.tokens = this.tokens.filter(
      (t) => t.expiresAt === undefined || now < t.expiresAt + RETAIN_EXPIRED_MS,
    );
  }

  all(): readonly IssuedToken[] {
    return this.tokens;
  }

  load(tokens: readonly IssuedToken[]): void {
    this.tokens = tokens.map((t) => ({ ...t }));
  }
}
