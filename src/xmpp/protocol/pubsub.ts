// XEP-0060 Publish-Subscribe as XEP-0163 PEP uses it: publish one item to a node of our own
// account, and read <event><items><item/></items></event> notifications.
import { attr, detached, type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export function buildPublish(node: string, payload: XmlElement, itemId = "current"): XmlElement {
  return xml(
    "iq",
    { type: "set" },
    xml(
      "pubsub",
      { xmlns: NS.pubsub },
      xml("publish", { node }, xml("item", { id: itemId }, detached(payload))),
    ),
  );
}

export function buildItemsRequest(to: string, node: string, max?: number): XmlElement {
  return xml(
    "iq",
    { type: "get", to },
    xml("pubsub", { xmlns: NS.pubsub }, xml("items", { node, max_items: max })),
  );
}

export interface PubsubItem {
  readonly id?: string;
  readonly payload?: XmlElement;
}

export interface PubsubEvent {
  readonly node: string;
  readonly items: readonly PubsubItem[];
  readonly retracted: readonly string[];
}

function readItems(items: XmlElement): PubsubItem[] {
  return items.getChildren("item").map((item) => {
    const id = attr(item, "id");
    const payload = item.getChildElements()[0];
    return { ...(id ? { id } : {}), ...(payload ? { payload } : {}) };
  });
}

/** The event a notification message carries, if any. */
export function parsePubsubEvent(message: XmlElement): PubsubEvent | undefined {
  const items = message.getChild("event", NS.pubsubEvent)?.getChild("items");
  const node = items ? attr(items, "node") : undefined;
  if (!items || !node) return undefined;
  const retracted = items
    .getChildren("retract")
    .flatMap((r) => (attr(r, "id") ? [attr(r, "id") as string] : []));
  return { node, items: readItems(items), retracted };
}

/** The items of an items-request result. */
export function parseItemsResult(iq: XmlElement): PubsubItem[] {
  const items = iq.getChild("pubsub", NS.pubsub)?.getChild("items");
  return items ? readItems(items) : [];
}
