// Stanza errors, RFC 6120 §8.3: <error type='…'><condition xmlns='…stanzas'/><text/>?</error>.
import { attr, type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export type StanzaErrorType = "auth" | "cancel" | "continue" | "modify" | "wait";
const TYPES: readonly StanzaErrorType[] = ["auth", "cancel", "continue", "modify", "wait"];

export interface StanzaErrorInfo {
  readonly type: StanzaErrorType;
  /** A defined condition of §8.3.3 (e.g. "item-not-found"), or "undefined-condition". */
  readonly condition: string;
  readonly text?: string;
  /** Who generated the error (§8.3.2 'by'), when stated. */
  readonly by?: string;
}

/** The error of an error stanza; liberal: a missing type is "cancel", a missing condition "undefined-condition". */
export function parseStanzaError(stanza: XmlElement): StanzaErrorInfo | null {
  const error = stanza.getChild("error");
  if (!error) return null;
  const rawType = attr(error, "type");
  const type = TYPES.includes(rawType as StanzaErrorType) ? (rawType as StanzaErrorType) : "cancel";
  const conditionEl = error
    .getChildElements()
    .find((c) => c.getNS() === NS.stanzas && c.name !== "text");
  const text = error.getChildText("text", NS.stanzas) ?? undefined;
  const by = attr(error, "by");
  return {
    type,
    condition: conditionEl?.name ?? "undefined-condition",
    ...(text ? { text } : {}),
    ...(by ? { by } : {}),
  };
}

export function buildStanzaErrorElement(info: StanzaErrorInfo): XmlElement {
  return xml(
    "error",
    { type: info.type, by: info.by },
    xml(info.condition, { xmlns: NS.stanzas }),
    info.text ? xml("text", { xmlns: NS.stanzas }, info.text) : null,
  );
}
