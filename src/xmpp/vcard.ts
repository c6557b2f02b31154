// XEP-0054 vcard-temp: read anyone's vCard, replace our own.
import type { XmppConnection } from "./connection.js";
import { NS } from "./protocol/namespaces.js";
import { buildVCardGet, buildVCardSet, parseVCard, type VCard } from "./protocol/vcard.js";

export class VCards {
  constructor(private readonly conn: XmppConnection) {}

  /** Our vCard (no `jid`) or a contact's; an account without one gives an empty card. */
  async get(jid?: string): Promise<VCard> {
    const result = await this.conn.request(buildVCardGet(jid), `vCard of ${jid ?? "our account"}`);
    return parseVCard(result.getChild("vCard", NS.vcard));
  }

  /** Replaces our vCard (XEP-0054 §3.2: the whole card is sent). */
  async set(card: VCard): Promise<void> {
    await this.conn.request(buildVCardSet(card), "vCard update");
  }
}
