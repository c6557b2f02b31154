// XEP-0152 Reachability Addresses: <reach><addr uri='…'><desc xml:lang='…'>…</desc></addr></reach>,
// sent in presence (§4.1) or published over PEP (§4.2). Duet announces its SIP address here.
import { attr, type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export const REACH_NODE = NS.reach;

export interface ReachAddress {
  readonly uri: string;
  readonly description?: string;
  readonly lang?: string;
}

export function buildReach(addresses: readonly ReachAddress[]): XmlElement {
  return xml(
    "reach",
    { xmlns: NS.reach },
    ...addresses.map((a) =>
      xml(
        "addr",
        { uri: a.uri },
        a.description !== undefined ? xml("desc", { "xml:lang": a.lang }, a.description) : null,
      ),
    ),
  );
}

/** Addresses of a <reach/> element; entries without a URI are skipped. */
export function parseReach(el: XmlElement): ReachAddress[] {
  return el.getChildren("addr").flatMap((addr) => {
    const uri = attr(addr, "uri");
    if (!uri || !/^[a-z][a-z0-9+.-]*:/i.test(uri)) return [];
    const desc = addr.getChild("desc");
    const lang = desc ? attr(desc, "xml:lang") : undefined;
    return [
      {
        uri,
        ...(desc ? { description: desc.text() } : {}),
        ...(lang ? { lang } : {}),
      },
    ];
  });
}

/** The <reach/> of a presence or PEP payload, if any. */
export function findReach(container: XmlElement): XmlElement | undefined {
  return container.is("reach", NS.reach) ? container : container.getChild("reach", NS.reach);
}
