// How the state reads on screen, as plain lines of text with a colour hint: kept apart from the
// Ink components so that wording and layout are tested without a terminal.

import type {
  CallView,
  ContactView,
  CorrelationView,
  Media,
  MessageView,
} from "../../endpoint/api/contract.js";
import type { Banner, Connection, ConversationState, TuiState } from "./state.js";
import { conversationWith, peerName } from "./state.js";

export type Tone = "normal" | "dim" | "good" | "warn" | "bad" | "accent";

export interface Line {
  readonly text: string;
  readonly tone: Tone;
  readonly bold?: boolean;
  readonly inverse?: boolean;
}

const line = (text: string, tone: Tone = "normal", extra: Partial<Line> = {}): Line => ({
  text,
  tone,
  ...extra,
});

/** `s` cut to `width` columns (with an ellipsis) and padded with spaces. */
export function fit(s: string, width: number): string {
  if (width <= 0) return "";
  const chars = [...s.replace(/[\r\n\t]/g, " ")];
  if (chars.length > width) return `${chars.slice(0, width - 1).join("")}…`;
  return chars.join("") + " ".repeat(width - chars.length);
}

/** Text wrapped at `width` columns on spaces where it can, hard-cut where it cannot. */
export function wrap(s: string, width: number): string[] {
  const out: string[] = [];
  for (const para of s.split(/\r?\n/)) {
    let rest = [...para];
    while (rest.length > width) {
      let cut = rest.lastIndexOf(" ", width);
      if (cut <= 0) cut = width;
      out.push(rest.slice(0, cut).join(""));
      rest = rest.slice(rest[cut] === " " ? cut + 1 : cut);
    }
    out.push(rest.join(""));
  }
  return out;
}

export function clock(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export function mediaWord(media: readonly Media[]): string {
  return media.includes("video") ? "video" : "audio";
}

/** verified and claimed must never look alike: a tick and a question mark, and colours. */
export function bindingWord(b: CorrelationView | undefined): { text: string; tone: Tone } {
  if (!b || b.level === "none") return { text: "not bound", tone: "dim" };
  if (b.level === "verified") return { text: "✓ verified", tone: "good" };
  return { text: "? claimed", tone: "warn" };
}

export function presenceWord(c: ContactView): { text: string; tone: Tone } {
  const p = c.presence;
  if (!p?.available) return { text: "offline", tone: "dim" };
  switch (p.show) {
    case "away":
      return { text: "away", tone: "warn" };
    case "xa":
      return { text: "away long", tone: "warn" };
    case "dnd":
      return { text: "busy", tone: "bad" };
    case "chat":
      return { text: "chatty", tone: "good" };
    default:
      return { text: "online", tone: "good" };
  }
}

export function sipWord(c: ContactView): string {
  const sip = c.presence?.available ? c.presence.sip : undefined;
  if (!sip) return "no SIP";
  return `SIP ${sip.media.includes("video") ? "a+v" : sip.media.includes("audio") ? "audio" : ""}`.trim();
}

export function onThePhone(c: ContactView): string | undefined {
  const p = c.presence;
  if (!p?.available) return undefined;
  if (p.activity === "on_video_phone") return "on video";
  if (p.activity === "on_the_phone" || p.sip?.call === "busy") return "on phone";
  if (p.sip?.call === "ringing") return "ringing";
  return undefined;
}

/** Two lines per contact: who, then presence · SIP · call · binding. */
export function rosterEntry(
  state: TuiState,
  c: ContactView,
  width: number,
  selected: boolean,
): [Line, Line] {
  const presence = presenceWord(c);
  const dot = presence.tone === "dim" ? "○" : "●";
  const name = c.name ? `${c.name} <${c.jid}>` : c.jid;
  const pending = c.pendingOut ? " (asked)" : "";
  const binding = conversationWith(state, { jid: c.jid })?.binding;
  const phone = onThePhone(c);
  const parts = [
    phone ? `☎ ${phone}` : presence.text,
    sipWord(c),
    binding && binding.level !== "none" ? bindingWord(binding).text : undefined,
  ]
    .filter((p) => p !== undefined)
    .join(" · ");
  return [
    line(fit(`${selected ? "›" : " "}${dot} ${name}${pending}`, width), presence.tone, {
      bold: selected,
    }),
    line(
      fit(`   ${parts}`, width),
      binding?.level === "verified" ? "good" : binding?.level === "claimed" ? "warn" : "dim",
    ),
  ];
}

export function conversationLine(
  c: ConversationState,
  width: number,
  selected: boolean,
  open: boolean,
): Line {
  const live = c.calls.find((x) => x.state !== "ended");
  const marks = [
    live ? (live.state === "ringing" ? "☎ ringing" : "☎ on call") : undefined,
    c.unread > 0 ? `${c.unread} new` : undefined,
    c.binding.level === "verified" ? "✓" : c.binding.level === "claimed" ? "?" : undefined,
  ]
    .filter((x) => x !== undefined)
    .join(" ");
  const name = peerName(c.peer);
  const head = `${selected ? "›" : " "}${open ? "*" : " "}`;
  const room = width - head.length - (marks ? marks.length + 1 : 0);
  return line(
    `${head}${fit(name, room)}${marks ? ` ${marks}` : ""}`,
    c.unread > 0 ? "accent" : "normal",
    {
      bold: selected,
    },
  );
}

function callLines(call: CallView, width: number): Line[] {
  const arrow = call.direction === "incoming" ? "←" : "→";
  const state =
    call.state === "ended" ? `ended${call.reason ? ` (${call.reason})` : ""}` : call.state;
  const b = bindingWord(call.correlation);
  const tone: Tone = call.state === "ended" ? "dim" : call.state === "ringing" ? "accent" : "good";
  const head = `${clock(call.startedAt)} ☎ ${arrow} ${mediaWord(call.media)} call ${state}`;
  const who = `      ${b.text} (${call.correlation.reason})${call.peer ? ` · ${call.peer}` : ""}`;
  return [
    line(fit(head, width), tone, { bold: call.state !== "ended" }),
    line(fit(who, width), b.tone),
  ];
}

function messageLines(m: MessageView, peer: string, width: number): Line[] {
  const who = m.direction === "in" ? (peer.split("@")[0] ?? peer) : "me";
  const mark = m.state === "held" ? " [held]" : "";
  const prefix = `${clock(m.at)} ${who}: `;
  const body = wrap(`${m.text}${mark}`, Math.max(10, width - prefix.length));
  const tone: Tone = m.state === "held" ? "warn" : m.direction === "in" ? "normal" : "accent";
  return body.map((t, i) =>
    line(fit(i === 0 ? prefix + t : " ".repeat(prefix.length) + t, width), tone),
  );
}

/** Messages and calls of one conversation in time order, as lines (oldest first). */
export function timeline(c: ConversationState, width: number): Line[] {
  type Item = { at: number; lines: Line[] };
  const peer = peerName(c.peer);
  const items: Item[] = [
    ...c.messages.map((m) => ({ at: m.at, lines: messageLines(m, peer, width) })),
    ...c.calls.map((k) => ({ at: k.startedAt, lines: callLines(k, width) })),
  ];
  items.sort((a, b) => a.at - b.at);
  return items.flatMap((i) => i.lines);
}

/** The peer's identities (on two lines if one is too narrow), then the binding and why. */
export function conversationTitle(c: ConversationState, width: number): Line[] {
  const b = bindingWord(c.binding);
  const ids = [c.peer.jid, c.peer.sip].filter((x) => x !== undefined);
  const oneLine = ` ${ids.join(" · ")}`;
  const idLines = oneLine.length <= width ? [oneLine] : ids.map((id) => ` ${id}`);
  const why = c.binding.level !== "none" ? ` (${c.binding.reason})` : "";
  return [
    ...idLines.map((t) => line(fit(t, width), "normal", { inverse: true, bold: true })),
    line(fit(` ${b.text}${why}`, width), b.tone, { inverse: true }),
  ];
}

export function bannerLine(b: Banner, width: number, typing = false): Line {
  switch (b.kind) {
    case "call": {
      const v = bindingWord(b.correlation);
      // While typing, single letters are text: name the commands instead.
      const keys = typing ? "/answer /reject" : "a answer r reject";
      return line(
        fit(` ☎ ${mediaWord(b.media)} call from ${b.from} · ${v.text} · ${keys}`, width),
        "accent",
        { inverse: true, bold: true },
      );
    }
    case "message":
      return line(fit(` ✉ ${b.from}: ${b.text} — Esc to dismiss`, width), "accent", {
        inverse: true,
      });
    case "contact.request":
      return line(
        fit(` + ${b.jid} asks to see your presence — /approve or /deny ${b.jid}`, width),
        "warn",
        {
          inverse: true,
        },
      );
    case "discovery.refused":
      return line(
        fit(` ? ${b.asker} was refused discovery — /allow ${b.asker} to let it`, width),
        "warn",
        {
          inverse: true,
        },
      );
    case "security":
      return line(fit(` ! security: ${b.from}: ${b.detail}`, width), "bad", { inverse: true });
  }
}

export function connectionWord(c: Connection): { text: string; tone: Tone } {
  switch (c.state) {
    case "starting":
      return { text: "starting", tone: "dim" };
    case "connecting":
      return {
        text: c.attempt > 1 ? `reconnecting (try ${c.attempt})` : "connecting",
        tone: "warn",
      };
    case "open":
      return { text: "connected", tone: "good" };
    case "down":
      return {
        text: `offline, retry in ${Math.ceil(c.retryInMs / 1000)}s: ${c.problem}`,
        tone: "bad",
      };
    case "closed":
      return { text: "closed", tone: "dim" };
  }
}

export function headerLine(state: TuiState, width: number): Line {
  const me = state.self;
  const conn = connectionWord(state.connection);
  const who = me
    ? `${me.xmpp.jid.split("/")[0]} ${me.xmpp.connected ? "xmpp✓" : "xmpp✗"} ${me.sip.registered ? "sip✓" : "sip✗"} ${me.presence.show}`
    : "duet";
  // The connection first: when it is down, that is what matters and what must not be cut.
  return line(fit(` ${conn.text} · ${who}`, width), conn.tone, { inverse: true });
}
