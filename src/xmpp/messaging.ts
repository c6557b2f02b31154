// One-to-one messages on top of the connection: sending with ids, threads, receipts and
// extension payloads; receiving with automatic XEP-0184 receipts and de-duplication across live
// delivery, carbons and archive catch-up (by XEP-0359 ids).
import type { XmppConnection } from "./connection.js";
import { type SeenKey, SeenKeys } from "./dedupe.js";
import { TypedEmitter } from "./emitter.js";
import { newStanzaId } from "./id.js";
import { bareJid } from "./jid.js";
import type { XmppLogger } from "./log.js";
import {
  buildMessage,
  type MessageType,
  parseMessage,
  type ReceivedMessage,
} from "./protocol/message.js";
import { NS } from "./protocol/namespaces.js";
import type { Thread } from "./protocol/thread.js";
import type { XmlElement } from "./xml.js";

export interface SendMessageOptions {
  readonly to: string;
  readonly type?: Exclude<MessageType, "error" | "groupchat">;
  readonly body?: string;
  readonly subject?: string;
  readonly thread?: Thread;
  /** Ask for a XEP-0184 delivery receipt (default true for messages with a body). */
  readonly requestReceipt?: boolean;
  readonly extensions?: readonly XmlElement[];
}

/** How a message reached us. */
export type MessageRoute = "live" | "carbon" | "archive";

export interface MessageEvent {
  readonly message: ReceivedMessage;
  /** "outgoing": sent by us (another resource, or read back from the archive). */
  readonly direction: "incoming" | "outgoing";
  readonly route: MessageRoute;
}

export interface ReceiptEvent {
  readonly from: string;
  /** Id of our message that was delivered. */
  readonly id: string;
}

export interface MessagingEvents {
  message: [event: MessageEvent];
  receipt: [event: ReceiptEvent];
  /** A message of ours bounced (RFC 6120 §8.3); `id` is our message's id when the error echoes it. */
  error: [
    event: { readonly from: string; readonly id?: string; readonly message: ReceivedMessage },
  ];
}

export interface MessagingOptions {
  /** Answer XEP-0184 receipt requests automatically (default true). */
  readonly autoReceipts?: boolean;
}

/**
 * Whether a child marks the message as an envelope handled by another module, not a chat
 * message: a XEP-0280 carbon, a XEP-0313 archive result, a XEP-0060 event. One pass over the
 * children, as this runs for every message.
 */
function isEnvelope(el: XmlElement): boolean {
  for (const child of el.children) {
    if (typeof child !== "object") continue;
    const name = child.getName();
    if (name !== "sent" && name !== "received" && name !== "result" && name !== "event") continue;
    const ns = child.getNS();
    if (
      (ns === NS.carbons && (name === "sent" || name === "received")) ||
      (ns === NS.mam && name === "result") ||
      (ns === NS.pubsubEvent && name === "event")
    ) {
      return true;
    }
  }
  return false;
}

/** Where our archive's ids are kept in the duplicate memory: no JID is empty, so none collides. */
const ARCHIVE_SCOPE = "";

export class Messaging {
  readonly events: TypedEmitter<MessagingEvents>;
  private readonly seen = new SeenKeys();
  private readonly autoReceipts: boolean;
  /** The newest archive id (XEP-0359 stanza-id by our account) seen: where catch-up starts. */
  private lastArchiveId: string | undefined;
  /** While an archive catch-up runs, live messages wait here so that order is kept. */
  private held: { message: ReceivedMessage; route: MessageRoute }[] | null = null;

  constructor(
    private readonly conn: XmppConnection,
    log: XmppLogger,
    options: MessagingOptions = {},
  ) {
    this.events = new TypedEmitter((err) => log.warn(`a message listener threw: ${String(err)}`));
    this.autoReceipts = options.autoReceipts ?? true;
    conn.events.on("message", (el) => {
      if (isEnvelope(el)) return;
      this.deliver(parseMessage(el, conn.domain, conn.jid), "live");
    });
  }

  /** Sends a message and returns its id (also its XEP-0359 origin-id). */
  send(options: SendMessageOptions): string {
    const id = newStanzaId();
    const requestReceipt = options.requestReceipt ?? options.body !== undefined;
    // buildMessage treats undefined fields as absent.
    this.conn.send(
      buildMessage({
        to: options.to,
        type: options.type ?? "chat",
        id,
        originId: id,
        requestReceipt,
        body: options.body,
        subject: options.subject,
        thread: options.thread,
        extensions: options.extensions,
      }),
    );
    return id;
  }

  /**
   * Holds live and carbon messages back while the archive is read, so that the application sees
   * archived messages first and live ones after, each once; `endCatchUp` releases them.
   */
  beginCatchUp(): void {
    this.held ??= [];
  }

  endCatchUp(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const h of held) this.deliver(h.message, h.route);
  }

  /** The newest archive id seen so far (for XEP-0313 catch-up). */
  get newestArchiveId(): string | undefined {
    return this.lastArchiveId;
  }

  /**
   * Hands a message to the application once: the same message arriving again (resent after a
   * refused resumption, or read back from the archive) is dropped.
   */
  deliver(message: ReceivedMessage, route: MessageRoute, archiveId?: string): void {
    if (this.held && route !== "archive") {
      this.held.push({ message, route });
      return;
    }
    const own = this.conn.ownBareJid;
    const fromBare = bareJid(message.from);
    const direction = fromBare === own ? "outgoing" : "incoming";
    const archived = archiveId ?? message.stanzaIds.find((s) => bareJid(s.by) === own)?.id;
    if (archived) this.lastArchiveId = archived;
    // One key per message. The origin-id when there is one (XEP-0359: unique per sender; plain
    // stanza ids are often reused): every copy carries it — the live one, a carbon, the archived
    // one, and a resend after a refused resumption, which the server archives under a new id.
    // Otherwise our archive's id, which the live and the archived copy share.
    const key: SeenKey | null = message.originId
      ? { scope: fromBare ?? message.from, id: message.originId }
      : archived
        ? { scope: ARCHIVE_SCOPE, id: archived }
        : null;
    if (key && !this.seen.firstTime(key)) return;

    if (message.type === "error") {
      this.events.emit("error", {
        from: message.from,
        message,
        ...(message.id ? { id: message.id } : {}),
      });
      return;
    }
    if (message.receiptFor !== undefined) {
      if (direction === "incoming")
        this.events.emit("receipt", { from: message.from, id: message.receiptFor });
      // A receipt carries nothing else worth showing (XEP-0184 §5).
      if (message.body === undefined && message.extensions.length === 0) return;
    }
    if (
      this.autoReceipts &&
      route === "live" &&
      direction === "incoming" &&
      message.receiptRequested &&
      message.id !== undefined
    ) {
      // XEP-0184 §5: the receipt goes back to the full JID that asked, with the same type.
      this.conn.send(
        buildMessage({
          to: message.from,
          type: message.type === "groupchat" ? "normal" : message.type,
          id: newStanzaId(),
          receiptFor: message.id,
        }),
      );
    }
    this.events.emit("message", { message, direction, route });
  }
}
