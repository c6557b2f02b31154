// Addresses as the profile compares them. Nothing here maps one protocol's address onto the
// other's: a JID and a SIP URI are only ever linked by the token handshake, the Call-Info
// header or presence (the seed draft §1 rules out any algorithmic correlation).

import { CoexError } from "./errors.js";

/** The bare JID (RFC 7622 §3.2: local@domain), domain lowercased; resource dropped. */
export function bareJid(jid: string): string {
  const slash = jid.indexOf("/");
  const bare = slash < 0 ? jid : jid.slice(0, slash);
  const at = bare.indexOf("@");
  // Local parts are case-folded by Prosody's nodeprep; we lowercase for comparison likewise.
  return at < 0
    ? bare.toLowerCase()
    : `${bare.slice(0, at).toLowerCase()}@${bare.slice(at + 1).toLowerCase()}`;
}

export function isFullJid(jid: string): boolean {
  return jid.includes("/") && jid.indexOf("/") > 0;
}

/**
 * The address-of-record a SIP URI names, for comparing identities: scheme and host
 * lowercased, user kept as written (RFC 3261 §19.1.4 compares it case-sensitively), port,
 * parameters (including a GRUU's `gr`, RFC 5627 §3.1) and headers dropped. Accepts a bare URI,
 * `<uri>` or `"Name" <uri>;tag=…` as header values carry them.
 */
export function sipAor(uri: string): string {
  const parsed = tryParseSipAor(uri);
  if (!parsed) {
    throw new CoexError(
      "malformed-uri",
      `not a sip: or sips: URI with a user: ${JSON.stringify(uri.slice(0, 80))}`,
      "expected e.g. sip:alice@example.net",
    );
  }
  return parsed;
}

export function tryParseSipAor(uri: string): string | undefined {
  let u = uri.trim();
  const lt = u.indexOf("<");
  if (lt >= 0) {
    const gt = u.indexOf(">", lt);
    if (gt < 0) return undefined;
    u = u.slice(lt + 1, gt).trim();
  }
  const m = /^(sips?):([^@;?>\s]+)@([^;?>:\s]+)(?::\d+)?(?:[;?].*)?$/i.exec(u);
  if (!m) return undefined;
  let user: string;
  try {
    user = decodeURIComponent(m[2]!.split(";")[0]!);
  } catch {
    return undefined;
  }
  if (!user) return undefined;
  return `${m[1]!.toLowerCase()}:${user}@${m[3]!.toLowerCase()}`;
}

export function sameSipIdentity(a: string, b: string): boolean {
  const x = tryParseSipAor(a);
  const y = tryParseSipAor(b);
  return x !== undefined && x === y;
}

/** The domain of a SIP URI (lowercase), for "domain:" discovery rules. */
export function sipDomain(uri: string): string | undefined {
  const aor = tryParseSipAor(uri);
  return aor?.slice(aor.indexOf("@") + 1);
}
