// XEP-0313 Message Archive Management (urn:xmpp:mam:2): the query IQ with its filter form and
// RSM paging, the <result/> messages, and the closing <fin/>.
import { attr, type XmlElement, xml } from "../xml.js";
import { buildDataForm } from "./data-form.js";
import { type Forwarded, parseForwarded } from "./forward.js";
import { NS } from "./namespaces.js";
import { buildRsm, parseRsm, type RsmRequest, type RsmResult } from "./rsm.js";

export interface MamFilter {
  /** Only messages to or from this JID (§4.1.1). */
  readonly with?: string;
  readonly start?: Date;
  readonly end?: Date;
  /** Only messages after this archive id (§4.1.1, urn:xmpp:mam:2). */
  readonly afterId?: string;
}

export function buildMamQuery(
  queryId: string,
  filter: MamFilter,
  page: RsmRequest,
  to?: string,
): XmlElement {
  const fields = [
    { var: "FORM_TYPE", type: "hidden", values: [NS.mam] },
    ...(filter.with ? [{ var: "with", values: [filter.with] }] : []),
    ...(filter.start ? [{ var: "start", values: [filter.start.toISOString()] }] : []),
    ...(filter.end ? [{ var: "end", values: [filter.end.toISOString()] }] : []),
    ...(filter.afterId ? [{ var: "after-id", values: [filter.afterId] }] : []),
  ];
  return xml(
    "iq",
    { type: "set", to },
    xml(
      "query",
      { xmlns: NS.mam, queryid: queryId },
      buildDataForm({ type: "submit", fields }),
      buildRsm(page),
    ),
  );
}

export interface MamResult {
  readonly queryId: string;
  /** The archive id of the message (§4.2). */
  readonly id: string;
  readonly forwarded: Forwarded;
}

export function parseMamResult(message: XmlElement): MamResult | undefined {
  const result = message.getChild("result", NS.mam);
  if (!result) return undefined;
  const queryId = attr(result, "queryid");
  const id = attr(result, "id");
  const forwarded = parseForwarded(result);
  if (!queryId || !id || !forwarded) return undefined;
  return { queryId, id, forwarded };
}

export interface MamFin {
  readonly complete: boolean;
  readonly rsm: RsmResult;
}

export function parseMamFin(iq: XmlElement): MamFin | undefined {
  const fin = iq.getChild("fin", NS.mam);
  if (!fin) return undefined;
  return { complete: attr(fin, "complete") === "true", rsm: parseRsm(fin) };
}
