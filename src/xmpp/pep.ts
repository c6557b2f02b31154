// XEP-0163 Personal Eventing Protocol: publish to a node of our own account; receive the
// notifications of nodes we declared interest in via "+notify" features in our caps (§4).
import type { XmppConnection } from "./connection.js";
import type { Disco } from "./disco.js";
import { TypedEmitter } from "./emitter.js";
import { bareJid } from "./jid.js";
import type { XmppLogger } from "./log.js";
import {
  buildItemsRequest,
  buildPublish,
  type PubsubItem,
  parseItemsResult,
  parsePubsubEvent,
} from "./protocol/pubsub.js";
import type { XmlElement } from "./xml.js";

export interface PepNotification {
  /** The publisher's bare JID. */
  readonly from: string;
  readonly node: string;
  readonly items: readonly PubsubItem[];
  readonly retracted: readonly string[];
}

export interface PepEvents {
  notification: [event: PepNotification];
}

export class Pep {
  readonly events: TypedEmitter<PepEvents>;

  constructor(
    private readonly conn: XmppConnection,
    private readonly disco: Disco,
    log: XmppLogger,
  ) {
    this.events = new TypedEmitter((err) => log.warn(`a PEP listener threw: ${String(err)}`));
    conn.events.on("message", (el) => {
      const event = parsePubsubEvent(el);
      if (!event) return;
      // PEP notifications come from the publisher's bare JID (XEP-0163 §4.3.1).
      const from = bareJid(el.attrs.from ?? conn.bareJid);
      if (!from) return;
      this.events.emit("notification", { from, ...event });
    });
  }

  /** Declares interest in a node: contacts' publications to it will be pushed to us (§4). */
  subscribe(node: string): void {
    this.disco.addFeatures(node, `${node}+notify`);
  }

  /** Publishes one item to our own node (§3); the server creates the node on first use. */
  async publish(node: string, payload: XmlElement, itemId = "current"): Promise<void> {
    await this.conn.request(buildPublish(node, payload, itemId), `PEP publish to ${node}`);
  }

  /** Reads the items of a contact's node (XEP-0060 §6.5). */
  async items(jid: string, node: string, max?: number): Promise<PubsubItem[]> {
    const result = await this.conn.request(
      buildItemsRequest(jid, node, max),
      `PEP items of ${node} at ${jid}`,
    );
    return parseItemsResult(result);
  }
}
