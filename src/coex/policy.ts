// The user's policy (issue 6): who may learn our JID through OPTIONS (PROFILE.md §4) and how
// long correlation data lives (§3.2, §5). Kept as plain JSON so the endpoint can store it and
// the API can show and set it as is.

import { CoexError } from "./errors.js";

/**
 * One discovery allow rule: "roster" (roster contacts whose SIP address we know),
 * "domain:example.com" (any asker in that SIP domain), "sip:…" (that URI), "*" (anyone).
 */
export type DiscoveryRule = string;

export interface ExpiryPolicy {
  /** XMPP-issued tokens die after their thread has been idle this long (§5; default 24 h). */
  readonly threadIdleMs: number;
  /** SIP-issued tokens live for their dialog plus this (§5; default 15 min). */
  readonly dialogGraceMs: number;
  /** Caller-identity matching only within this long after a pre-announcement (§3.2; 30 s). */
  readonly identityWindowMs: number;
  /** A pre-announced Session-ID is matched only this long after it was announced (5 min). */
  readonly announcementMs: number;
}

export interface Policy {
  readonly discovery: { readonly allow: readonly DiscoveryRule[] };
  readonly expiry: ExpiryPolicy;
}

export const DEFAULT_EXPIRY: ExpiryPolicy = {
  threadIdleMs: 24 * 3600_000,
  dialogGraceMs: 15 * 60_000,
  identityWindowMs: 30_000,
  announcementMs: 5 * 60_000,
};

export const DEFAULT_POLICY: Policy = {
  discovery: { allow: ["roster"] },
  expiry: DEFAULT_EXPIRY,
};

function bad(message: string): CoexError {
  return new CoexError(
    "malformed-policy",
    message,
    'expected {discovery: {allow: ["roster" | "domain:example.com" | "sip:user@host" | "*"]}, expiry: {threadIdleMs, dialogGraceMs, identityWindowMs, announcementMs}}',
  );
}

export function validateRule(rule: unknown): DiscoveryRule {
  if (typeof rule !== "string") throw bad(`a discovery rule must be a string, got ${typeof rule}`);
  if (rule === "roster" || rule === "*") return rule;
  if (/^domain:[A-Za-z0-9.-]+$/.test(rule)) return `domain:${rule.slice(7).toLowerCase()}`;
  if (/^sips?:[^@\s]+@[^\s]+$/i.test(rule)) return rule;
  throw bad(`unknown discovery rule ${JSON.stringify(rule)}`);
}

/** Validates a policy (e.g. from `policy.set`), filling what is missing from `base`. */
export function parsePolicy(input: unknown, base: Policy = DEFAULT_POLICY): Policy {
  if (typeof input !== "object" || input === null) throw bad("policy must be an object");
  const o = input as { discovery?: unknown; expiry?: unknown };
  let allow = base.discovery.allow;
  if (o.discovery !== undefined) {
    const d = o.discovery as { allow?: unknown };
    if (typeof d !== "object" || d === null || !Array.isArray(d.allow)) {
      throw bad("discovery.allow must be an array of rules");
    }
    allow = d.allow.map(validateRule);
  }
  const expiry: Record<string, number> = { ...base.expiry };
  if (o.expiry !== undefined) {
    if (typeof o.expiry !== "object" || o.expiry === null) throw bad("expiry must be an object");
    for (const [k, v] of Object.entries(o.expiry)) {
      if (!(k in DEFAULT_EXPIRY)) throw bad(`unknown expiry setting ${JSON.stringify(k)}`);
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        throw bad(`expiry.${k} must be a non-negative number of milliseconds`);
      }
      expiry[k] = v;
    }
  }
  return { discovery: { allow: [...allow] }, expiry: expiry as unknown as ExpiryPolicy };
}
