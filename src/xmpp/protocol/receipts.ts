// XEP-0184 Message Delivery Receipts: <request/> on a message that carries an id, and
// <received id='…'/> in a separate message sent back.
import { attr, type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export function buildReceiptRequest(): XmlElement {
  return xml("request", { xmlns: NS.receipts });
}

export function buildReceived(messageId: string): XmlElement {
  return xml("received", { xmlns: NS.receipts, id: messageId });
}

export function hasReceiptRequest(message: XmlElement): boolean {
  return message.getChild("request", NS.receipts) !== undefined;
}

/** The id a receipt acknowledges; §5 lets older clients omit it and use the stanza id instead. */
export function parseReceived(message: XmlElement): string | undefined {
  const el = message.getChild("received", NS.receipts);
  return el ? receiptIdOf(el, message) : undefined;
}

/** The id a <received/> element of `message` acknowledges. */
export function receiptIdOf(received: XmlElement, message: XmlElement): string | undefined {
  return attr(received, "id") ?? attr(message, "id");
}
