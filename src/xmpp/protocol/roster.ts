// Roster management, RFC 6121 §2: <query xmlns='jabber:iq:roster' ver='…'><item …/></query>.

import { normalJid } from "../jid.js";
import { attr, type XmlElement, xml } from "../xml.js";
import { NS } from "./namespaces.js";

export type Subscription = "none" | "to" | "from" | "both";
const SUBSCRIPTIONS: readonly Subscription[] = ["none", "to", "from", "both"];

export interface RosterItem {
  readonly jid: string;
  readonly name?: string;
  readonly subscription: Subscription;
  /** §2.1.2.2: we asked to subscribe and are waiting. */
  readonly pendingOut: boolean;
  /** §3.4: the contact is pre-approved for a subscription from them. */
  readonly approved: boolean;
  readonly groups: readonly string[];
}

/** One item as the server sends it: an item or a removal. */
export type RosterChange =
  | { readonly kind: "item"; readonly item: RosterItem }
  | { readonly kind: "remove"; readonly jid: string };

export interface RosterQuery {
  readonly ver?: string;
  readonly changes: readonly RosterChange[];
}

/** What a client may set (§2.1.2: subscription and ask are the server's to decide). */
export interface RosterItemUpdate {
  readonly jid: string;
  readonly name?: string;
  readonly groups?: readonly string[];
}

export function buildRosterGet(ver?: string): XmlElement {
  return xml("iq", { type: "get" }, xml("query", { xmlns: NS.roster, ver }));
}

export function buildRosterSet(update: RosterItemUpdate): XmlElement {
  return xml(
    "iq",
    { type: "set" },
    xml(
      "query",
      { xmlns: NS.roster },
      xml(
        "item",
        { jid: update.jid, name: update.name },
        ...(update.groups ?? []).map((g) => xml("group", {}, g)),
      ),
    ),
  );
}

export function buildRosterRemove(jid: string): XmlElement {
  return xml(
    "iq",
    { type: "set" },
    xml("query", { xmlns: NS.roster }, xml("item", { jid, subscription: "remove" })),
  );
}

/** Reads a roster query; items without a valid JID are skipped and reported in `warnings`. */
export function parseRosterQuery(query: XmlElement, warnings: string[] = []): RosterQuery {
  const changes: RosterChange[] = [];
  for (const el of query.getChildren("item")) {
    const jid = normalJid(attr(el, "jid"));
    if (!jid) {
      warnings.push(`roster item with invalid jid "${el.attrs.jid ?? ""}" skipped`);
      continue;
    }
    const sub = attr(el, "subscription") ?? "none";
    if (sub === "remove") {
      changes.push({ kind: "remove", jid });
      continue;
    }
    if (!SUBSCRIPTIONS.includes(sub as Subscription)) {
      warnings.push(`roster item ${jid} has unknown subscription "${sub}"; treated as none`);
    }
    const name = attr(el, "name");
    const groups = [
      ...new Set(
        el
          .getChildren("group")
          .map((g) => g.text())
          .filter((g) => g !== ""),
      ),
    ];
    changes.push({
      kind: "item",
      item: {
        jid,
        subscription: SUBSCRIPTIONS.includes(sub as Subscription) ? (sub as Subscription) : "none",
        pendingOut: attr(el, "ask") === "subscribe",
        approved: attr(el, "approved") === "true" || attr(el, "approved") === "1",
        groups,
        ...(name !== undefined ? { name } : {}),
      },
    });
  }
  const ver = attr(query, "ver");
  return ver !== undefined ? { ver, changes } : { changes };
}
