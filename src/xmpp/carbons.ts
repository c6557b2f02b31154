// XEP-0280 Message Carbons: enabled at every new session so that all our resources see every
// conversation; carbon copies are unwrapped and handed to Messaging as live traffic of ours.
import type { XmppConnection } from "./connection.js";
import { bareJid } from "./jid.js";
import type { XmppLogger } from "./log.js";
import type { Messaging } from "./messaging.js";
import { buildCarbonsEnable, parseCarbon } from "./protocol/carbons.js";
import { parseMessage } from "./protocol/message.js";

export class Carbons {
  private on = false;

  constructor(
    private readonly conn: XmppConnection,
    private readonly log: XmppLogger,
    messaging: Messaging,
  ) {
    conn.events.on("message", (el) => {
      const carbon = parseCarbon(el);
      if (!carbon) return;
      // §11: only our own account may send us carbons; anything else is a forgery.
      const from = el.attrs.from;
      if (from !== undefined && bareJid(from) !== bareJid(conn.bareJid)) {
        log.warn(
          `ignored a carbon copy from ${from}: carbons must come from our own account (XEP-0280 §11)`,
        );
        return;
      }
      const inner = carbon.forwarded.message;
      messaging.deliver(parseMessage(inner, conn.domain, conn.jid), "carbon");
    });
    conn.events.on("session", (s) => {
      // A resumed session keeps its carbons state; a new one starts without.
      if (!s.resumed) this.on = false;
    });
  }

  get enabled(): boolean {
    return this.on;
  }

  /** Enables carbons for this session (§4). */
  async enable(): Promise<void> {
    await this.conn.request(buildCarbonsEnable(), "enabling carbons");
    this.on = true;
    this.log.info("carbons enabled");
  }
}
