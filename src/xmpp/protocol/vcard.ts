// XEP-0054 vcard-temp: the fields Duet shows (FN, NICKNAME, EMAIL, TEL, URL, NOTE); other
// fields of a vCard we read are kept and written back unchanged on update.
import { detached, type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export interface VCard {
  readonly fullName?: string;
  readonly nickname?: string;
  readonly emails: readonly string[];
  readonly phones: readonly string[];
  readonly url?: string;
  readonly note?: string;
  /** Fields we do not interpret, preserved for round trips. */
  readonly other: readonly XmlElement[];
}

const KNOWN = new Set(["FN", "NICKNAME", "EMAIL", "TEL", "URL", "NOTE"]);

export function buildVCardGet(to?: string): XmlElement {
  return xml("iq", { type: "get", to }, xml("vCard", { xmlns: NS.vcard }));
}

export function buildVCardSet(card: VCard): XmlElement {
  return xml(
    "iq",
    { type: "set" },
    xml(
      "vCard",
      { xmlns: NS.vcard },
      card.fullName !== undefined ? xml("FN", {}, card.fullName) : null,
      card.nickname !== undefined ? xml("NICKNAME", {}, card.nickname) : null,
      ...card.emails.map((e) => xml("EMAIL", {}, xml("INTERNET"), xml("USERID", {}, e))),
      ...card.phones.map((t) => xml("TEL", {}, xml("VOICE"), xml("NUMBER", {}, t))),
      card.url !== undefined ? xml("URL", {}, card.url) : null,
      card.note !== undefined ? xml("NOTE", {}, card.note) : null,
      ...card.other.map(detached),
    ),
  );
}

export function parseVCard(vcard: XmlElement | undefined): VCard {
  if (!vcard) return { emails: [], phones: [], other: [] };
  const text = (name: string) => vcard.getChildText(name) ?? undefined;
  const fullName = text("FN");
  const nickname = text("NICKNAME");
  const url = text("URL");
  const note = text("NOTE");
  return {
    emails: vcard
      .getChildren("EMAIL")
      .map((e) => e.getChildText("USERID") ?? "")
      .filter((e) => e !== ""),
    phones: vcard
      .getChildren("TEL")
      .map((t) => t.getChildText("NUMBER") ?? "")
      .filter((t) => t !== ""),
    other: vcard.getChildElements().filter((c) => !KNOWN.has(c.name)),
    ...(fullName !== undefined ? { fullName } : {}),
    ...(nickname !== undefined ? { nickname } : {}),
    ...(url !== undefined ? { url } : {}),
    ...(note !== undefined ? { note } : {}),
  };
}
