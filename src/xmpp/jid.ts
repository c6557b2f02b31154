// JIDs as RFC 7622 defines them: [localpart@]domainpart[/resourcepart]. We validate the shape
// (non-empty parts, no forbidden characters in the localpart, lengths ≤ 1023 octets, §3) but do
// not apply full PRECIS profiles; the server has done that for anything it routes to us.

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
  return { local: local.toLowerCase(), domain: domain.toLowerCase(), resource };
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
  const jid = parseJid(text);
  return jid ? formatJid(bareOf(jid)) : null;
}

/** The normalised form of a full or bare JID given as text; null when it is not a JID. */
export function normalJid(text: unknown): string | null {
  const jid = parseJid(text);
  return jid ? formatJid(jid) : null;
}

export function resourceOf(text: string): string {
  return parseJid(text)?.resource ?? "";
}
