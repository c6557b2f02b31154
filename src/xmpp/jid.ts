// JIDs as RFC 7622 defines them: [localpart@]domainpart[/resourcepart]. We validate the shape
// (non-empty parts, no forbidden characters in the localpart, lengths ≤ 1023 octets, §3) but do
// not apply full PRECIS profiles; the server has done that for anything it routes to us.

import { ownCopy } from "./own-copy.js";

export interface Jid {
  readonly local: string;
  readonly domain: string;
  readonly resource: string;
}

// RFC 7622 §3.3.1: these characters are forbidden in a localpart.
const FORBIDDEN_LOCAL = /["&'/:<>@\s]/;
const MAX_PART_OCTETS = 1023;

/**
 * Whether a JID part fits RFC 7622 §3's 1023-octet limit in UTF-8. A UTF-16 code unit takes at
 * most 3 octets, so short parts (all of them, in practice) pass without encoding anything:
 * this check runs several times per inbound stanza.
 */
function fitsOctets(part: string): boolean {
  if (part.length * 3 <= MAX_PART_OCTETS) return true;
  if (part.length > MAX_PART_OCTETS) return false;
  let octets = 0;
  for (let i = 0; i < part.length; i++) {
    const unit = part.charCodeAt(i);
    if (unit < 0x80) octets += 1;
    else if (unit < 0x800) octets += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < part.length) {
      // A surrogate pair is one code point of 4 octets.
      const next = part.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        octets += 4;
        i++;
      } else octets += 3;
    } else octets += 3; // other BMP code points, and lone surrogates (U+FFFD, 3 octets)
    if (octets > MAX_PART_OCTETS) return false;
  }
  return true;
}

/** Parses a JID, or returns null when it is not one (never throws). */
export function parseJid(text: unknown): Jid | null {
  if (typeof text !== "string" || text === "") return null;
  return known(text).jid;
}

function parseUncached(text: string): Jid | null {
  const slash = text.indexOf("/");
  const bareText = slash === -1 ? text : text.slice(0, slash);
  const resource = slash === -1 ? "" : text.slice(slash + 1);
  if (slash !== -1 && resource === "") return null;
  const at = bareText.indexOf("@");
  const local = at === -1 ? "" : bareText.slice(0, at);
  const domain = at === -1 ? bareText : bareText.slice(at + 1);
  if (at !== -1 && local === "") return null;
  if (domain === "" || /[@/\s<>]/.test(domain) || domain.endsWith(".")) return null;
  if (local !== "" && FORBIDDEN_LOCAL.test(local)) return null;
  if (!fitsOctets(local) || !fitsOctets(domain) || !fitsOctets(resource)) return null;
  return Object.freeze({ local: local.toLowerCase(), domain: domain.toLowerCase(), resource });
}

/** A JID text as parsed, with its bare and normal forms worked out when first asked for. */
interface KnownJid {
  readonly jid: Jid | null;
  bare?: string | null;
  normal?: string | null;
}

/**
 * JIDs already parsed, by their text. A client meets the same few addresses (its own, its
 * server's, its contacts') on nearly every stanza, and several layers read each one — the
 * inbound guard, the feature modules, duplicate detection — so each text is parsed once and its
 * bare form built once; handing back the same strings also lets the engine reuse their hashes
 * in the maps they key. Bounded against a peer that sends endless new addresses: cleared whole
 * when full, and texts longer than any real address are never kept.
 */
const knownJids = new Map<string, KnownJid>();
const KNOWN_JIDS_LIMIT = 1024;
const KNOWN_TEXT_MAX = 256;

function known(text: string): KnownJid {
  let entry = knownJids.get(text);
  if (entry === undefined) {
    if (text.length > KNOWN_TEXT_MAX) return { jid: parseUncached(text) };
    // Kept: a copy of its own, so that the memo holds no stanza's chunk (own-copy.ts).
    const kept = ownCopy(text);
    entry = { jid: parseUncached(kept) };
    if (knownJids.size >= KNOWN_JIDS_LIMIT) knownJids.clear();
    knownJids.set(kept, entry);
  }
  return entry;
}

export function formatJid(jid: Jid): string {
  const bare = jid.local ? `${jid.local}@${jid.domain}` : jid.domain;
  return jid.resource ? `${bare}/${jid.resource}` : bare;
}

export function bareOf(jid: Jid): Jid {
  return { local: jid.local, domain: jid.domain, resource: "" };
}

/** The bare JID of a JID given as text, normalised; null when it is not a JID. */
export function bareJid(text: unknown): string | null {
  if (typeof text !== "string" || text === "") return null;
  const entry = known(text);
  if (entry.bare === undefined) entry.bare = entry.jid ? formatJid(bareOf(entry.jid)) : null;
  return entry.bare;
}

/** The normalised form of a full or bare JID given as text; null when it is not a JID. */
export function normalJid(text: unknown): string | null {
  if (typeof text !== "string" || text === "") return null;
  const entry = known(text);
  if (entry.normal === undefined) entry.normal = entry.jid ? formatJid(entry.jid) : null;
  return entry.normal;
}

export function resourceOf(text: string): string {
  return parseJid(text)?.resource ?? "";
}
