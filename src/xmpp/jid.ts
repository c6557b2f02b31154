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
const octets = (s: string) => new TextEncoder().encode(s).length;

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
  if ([local, domain, resource].some((p) => octets(p) > MAX_PART_OCTETS)) return null;
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
