// XEP-0313 Message Archive Management: page through our archive with RSM (XEP-0059), and catch
// up after a new session on what arrived while we were away, handing it to Messaging (which
// drops what it has already seen).
import type { XmppConnection } from "./connection.js";
import { XmppProtocolError } from "./errors.js";
import { newStanzaId } from "./id.js";
import type { XmppLogger } from "./log.js";
import type { Messaging } from "./messaging.js";
import { buildMamQuery, type MamFilter, parseMamFin, parseMamResult } from "./protocol/mam.js";
import { parseMessage, type ReceivedMessage } from "./protocol/message.js";
import type { RsmResult } from "./protocol/rsm.js";

export interface ArchivedMessage {
  /** The archive id (use as `after` to continue). */
  readonly archiveId: string;
  readonly stamp?: Date;
  readonly message: ReceivedMessage;
}

export interface ArchivePage {
  readonly messages: readonly ArchivedMessage[];
  readonly complete: boolean;
  readonly rsm: RsmResult;
}

export class Archive {
  constructor(
    private readonly conn: XmppConnection,
    private readonly log: XmppLogger,
  ) {}

  /** One page of results, oldest first, after the archive id `after` (or from the start). */
  async page(filter: MamFilter, max: number, after?: string): Promise<ArchivePage> {
    const queryId = newStanzaId();
    const messages: ArchivedMessage[] = [];
    // Results arrive as messages before the IQ result (§4.2); collect them by query id.
    const off = this.conn.events.on("message", (el) => {
      const result = parseMamResult(el);
      if (!result || result.queryId !== queryId) return;
      // §4.2: results must come from our own account (or the archive we asked).
      const from = el.attrs.from;
      if (from !== undefined && from !== this.conn.bareJid) {
        this.log.warn(`ignored an archive result from ${from}: not our archive`);
        return;
      }
      const stamp = result.forwarded.delay?.stamp;
      messages.push({
        archiveId: result.id,
        message: parseMessage(result.forwarded.message, this.conn.domain, this.conn.jid),
        ...(stamp ? { stamp } : {}),
      });
    });
    try {
      const iq = await this.conn.request(
        buildMamQuery(queryId, filter, { max, ...(after ? { after } : {}) }),
        "archive query",
      );
      const fin = parseMamFin(iq);
      if (!fin) throw new XmppProtocolError("the archive answered without <fin/> (XEP-0313 §4.3)");
      return { messages, complete: fin.complete, rsm: fin.rsm };
    } finally {
      off();
    }
  }

  /** Every message matching `filter`, in archive order, fetched in pages of `pageSize`. */
  async *all(
    filter: MamFilter = {},
    pageSize = 100,
    startAfter?: string,
  ): AsyncGenerator<ArchivePage> {
    let after = startAfter;
    for (;;) {
      const page = await this.page(filter, pageSize, after);
      yield page;
      if (page.complete || !page.rsm.last || page.messages.length === 0) return;
      after = page.rsm.last;
    }
  }

  /**
   * Hands every message archived after `afterId` to Messaging as route "archive" (it skips the
   * ones already delivered). Returns how many were fetched.
   */
  async catchUp(messaging: Messaging, afterId: string | undefined, since?: Date): Promise<number> {
    let count = 0;
    // RSM 'after' with an archive id continues from that message (XEP-0313 §4.1.2).
    const filter: MamFilter = !afterId && since ? { start: since } : {};
    for await (const page of this.all(filter, 100, afterId)) {
      for (const m of page.messages) {
        messaging.deliver(m.message, "archive", m.archiveId);
        count++;
      }
    }
    return count;
  }
}
