// The XMPP carrier of the handshake (PROFILE.md §3.1): one <sip/> element in the profile's
// namespace inside a chat <message> with a <thread> (XEP-0201). Every attribute is optional:
//   uri/media  advertise the sender's SIP side (a GRUU when the registrar gave one),
//   token      a token the sender issues over XMPP,
//   echo       returns a token the recipient issued over SIP,
//   session    the RFC 7989 UUID of a call the sender is about to place (the pre-announcement).
// Reading is liberal: unknown attributes and children are ignored, a malformed value is
// dropped and reported, never trusted. Writing is strict: a bad value throws.

import { CoexError } from "../errors.js";
import { tryParseSipAor } from "../identity.js";
import { NS } from "../namespace.js";
import { type Media, parseMediaList, serializeMediaList } from "./media.js";
import { normalizeSessionUuid } from "./session-id.js";
import { assertToken, isWellFormedToken } from "./token.js";
import { element, findChild, namespaceOf, parseXml, type XmlElement } from "./xml.js";

export interface SipPayload {
  readonly uri?: string;
  readonly media?: readonly Media[];
  readonly token?: string;
  readonly echo?: string;
  readonly session?: string;
}

export interface ParsedSipPayload {
  readonly payload: SipPayload;
  readonly problems: string[];
}

export function sipPayloadElement(p: SipPayload): XmlElement {
  if (p.uri !== undefined && !tryParseSipAor(p.uri)) {
    throw new CoexError(
      "malformed-uri",
      `uri is not a SIP URI: ${JSON.stringify(p.uri)}`,
      "advertise the GRUU or AOR, e.g. sip:alice@example.net",
    );
  }
  let session: string | undefined;
  if (p.session !== undefined) {
    session = normalizeSessionUuid(p.session);
    if (session !== p.session) {
      throw new CoexError(
        "malformed-session-id",
        `session is not a 32-hex-digit UUID: ${JSON.stringify(p.session)}`,
        "use generateSessionUuid()",
      );
    }
  }
  return element("sip", {
    xmlns: NS,
    uri: p.uri,
    media: p.media !== undefined ? serializeMediaList(p.media) : undefined,
    token: p.token !== undefined ? assertToken(p.token, "token") : undefined,
    echo: p.echo !== undefined ? assertToken(p.echo, "echo") : undefined,
    session,
  });
}

/** Reads a <sip xmlns=NS/> element. Returns undefined if `el` is not one. */
export function readSipPayload(el: XmlElement, inheritedNs = ""): ParsedSipPayload | undefined {
  if (el.name !== "sip" || namespaceOf(el, inheritedNs) !== NS) return undefined;
  const problems: string[] = [];
  const out: { uri?: string; media?: Media[]; token?: string; echo?: string; session?: string } =
    {};
  const a = el.attrs;
  if (a.uri !== undefined) {
    if (tryParseSipAor(a.uri)) out.uri = a.uri.trim();
    else problems.push("uri is not a sip:/sips: URI; ignored");
  }
  if (a.media !== undefined) out.media = parseMediaList(a.media);
  for (const field of ["token", "echo"] as const) {
    const v = a[field];
    if (v === undefined) continue;
    if (isWellFormedToken(v.trim())) out[field] = v.trim();
    else problems.push(`${field} is not a profile token (22 base64url characters); ignored`);
  }
  if (a.session !== undefined) {
    const s = normalizeSessionUuid(a.session);
    if (s) out.session = s;
    else problems.push("session is not an RFC 7989 UUID; ignored");
  }
  return { payload: out, problems };
}

/** Finds and reads the payload among a <message>'s children. */
export function readSipPayloadFromMessage(message: XmlElement): ParsedSipPayload | undefined {
  const el = findChild(message, "sip", NS);
  return el ? readSipPayload(el, namespaceOf(message)) : undefined;
}

export function parseSipPayloadXml(xml: string): ParsedSipPayload {
  const parsed = readSipPayload(parseXml(xml));
  if (!parsed) {
    throw new CoexError(
      "malformed-xml",
      "not a <sip/> element in the profile namespace",
      `expected <sip xmlns='${NS}' …/>`,
    );
  }
  return parsed;
}
