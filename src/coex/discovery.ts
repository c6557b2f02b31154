// REQ-4 (PROFILE.md §4): whether an OPTIONS asker may learn our bare JID. The answer to a
// refused asker is byte-for-byte the 200 OK everyone else gets minus the Call-Info, so it
// learns nothing, not even that an XMPP address exists; the user is told instead.

import { sameSipIdentity, sipDomain, tryParseSipAor } from "./identity.js";
import type { DiscoveryRule } from "./policy.js";
import { serializeCallInfo } from "./wire/call-info.js";

export interface OptionsAsker {
  /** From URI of the OPTIONS request. */
  readonly fromUri: string;
  /** P-Asserted-Identity (RFC 3325), if the request carried one. */
  readonly assertedIdentity?: string;
  /**
   * True when the request came through the configured proxy that asserts identities (the
   * endpoint checks the hop); only then is P-Asserted-Identity believed (RFC 3325 §9.1).
   */
  readonly viaTrustedProxy: boolean;
}

/** The identity decisions are made on: PAI through the trusted proxy, else From (§4). */
export function askerIdentity(asker: OptionsAsker): string | undefined {
  if (asker.viaTrustedProxy && asker.assertedIdentity) {
    const pai = tryParseSipAor(asker.assertedIdentity);
    if (pai) return pai;
  }
  return tryParseSipAor(asker.fromUri);
}

export type DiscoveryDecision =
  | { readonly allowed: true; readonly asker: string; readonly rule: DiscoveryRule }
  | { readonly allowed: false; readonly asker: string | undefined };

/**
 * `rosterSipAddresses` are the SIP addresses we know for roster contacts (learned from their
 * presence or a verified binding, never derived from their JIDs).
 */
export function decideDiscovery(
  asker: OptionsAsker,
  allow: readonly DiscoveryRule[],
  rosterSipAddresses: readonly string[],
): DiscoveryDecision {
  const who = askerIdentity(asker);
  if (!who) return { allowed: false, asker: undefined };
  for (const rule of allow) {
    if (rule === "*") return { allowed: true, asker: who, rule };
    if (rule === "roster" && rosterSipAddresses.some((a) => sameSipIdentity(a, who))) {
      return { allowed: true, asker: who, rule };
    }
    if (rule.startsWith("domain:") && sipDomain(who) === rule.slice(7).toLowerCase()) {
      return { allowed: true, asker: who, rule };
    }
    if (/^sips?:/i.test(rule) && tryParseSipAor(rule) && sameSipIdentity(rule, who)) {
      return { allowed: true, asker: who, rule };
    }
  }
  return { allowed: false, asker: who };
}

/** The Call-Info value an allowed asker gets: our bare JID, no token, no thread (§4). */
export function discoveryCallInfo(ownBareJid: string): string {
  return serializeCallInfo({ jid: ownBareJid });
}
