// XEP-0059 Result Set Management: <set><max/><after/><before/></set> in requests and
// <set><first/><last/><count/></set> in results.
import { type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export interface RsmRequest {
  readonly max?: number;
  readonly after?: string;
  /** "" asks for the last page (§2.5). */
  readonly before?: string;
}

export interface RsmResult {
  readonly first?: string;
  readonly last?: string;
  readonly count?: number;
}

export function buildRsm(req: RsmRequest): XmlElement {
  return xml(
    "set",
    { xmlns: NS.rsm },
    req.max !== undefined ? xml("max", {}, String(req.max)) : null,
    req.after !== undefined ? xml("after", {}, req.after) : null,
    req.before !== undefined ? xml("before", {}, req.before) : null,
  );
}

export function parseRsm(container: XmlElement): RsmResult {
  const set = container.getChild("set", NS.rsm);
  if (!set) return {};
  const first = set.getChildText("first") ?? undefined;
  const last = set.getChildText("last") ?? undefined;
  const countText = set.getChildText("count");
  const count =
    countText !== null && /^\d+$/.test(countText.trim()) ? Number(countText) : undefined;
  return {
    ...(first ? { first } : {}),
    ...(last ? { last } : {}),
    ...(count !== undefined ? { count } : {}),
  };
}
