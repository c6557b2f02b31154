// The command line at the bottom of the TUI: a line not starting with "/" is text for the open
// conversation; "/name args" is a command. Parsing is pure and says what is wrong with a line,
// so a mistake becomes a notice on the status line, never an exception.

import type { Media, OwnShow } from "../../endpoint/api/contract.js";

export type Command =
  | { readonly kind: "say"; readonly text: string; readonly force: boolean }
  | { readonly kind: "open"; readonly peer: string }
  | { readonly kind: "chat"; readonly peer: string; readonly text: string }
  | { readonly kind: "call"; readonly peer?: string; readonly media: readonly Media[] }
  | { readonly kind: "video"; readonly on: boolean }
  | { readonly kind: "answer"; readonly media?: readonly Media[] }
  | { readonly kind: "reject"; readonly reason: "busy" | "decline" }
  | { readonly kind: "hangup" }
  | { readonly kind: "dtmf"; readonly digits: string }
  | { readonly kind: "discover"; readonly sip: string }
  | { readonly kind: "allow"; readonly rule: string }
  | { readonly kind: "disallow"; readonly rule: string }
  | { readonly kind: "approve"; readonly jid: string; readonly approve: boolean }
  | { readonly kind: "add"; readonly jid: string; readonly name?: string }
  | { readonly kind: "presence"; readonly show: OwnShow; readonly status?: string }
  | { readonly kind: "help" }
  | { readonly kind: "quit" };

export type Parsed = Command | { readonly kind: "error"; readonly text: string };

/** One line per command, for the help screen and for "unknown command" notices. */
/** Short enough for two columns of an 80-column help screen; docs/tui.md says more. */
export const COMMAND_HELP: readonly (readonly [string, string])[] = [
  ["text", "send to open chat"],
  ["/open PEER", "JID or sip: URI"],
  ["/chat PEER TEXT", "start with a text"],
  ["/call [PEER] [video]", "audio, or video"],
  ["/video on|off", "add or drop video"],
  ["/answer [video]", "answer ringing"],
  ["/reject [busy]", "reject ringing"],
  ["/hangup", "hang up"],
  ["/dtmf DIGITS", "0-9 * # A-D"],
  ["/discover sip:URI", "look up its JID"],
  ["/allow RULE", "askers may see JID"],
  ["/disallow RULE", "remove a rule"],
  ["/approve|/deny JID", "subscription ask"],
  ["/add JID [NAME]", "add a contact"],
  ["/force TEXT", "send if claimed"],
  ["/status SHOW [TEXT]", "set presence"],
  ["/quit", "leave"],
];

const SHOWS: readonly OwnShow[] = ["available", "chat", "away", "xa", "dnd"];

export function parseCommand(line: string): Parsed {
  const trimmed = line.trim();
  if (trimmed === "") return { kind: "error", text: "nothing to send" };
  if (!trimmed.startsWith("/")) return { kind: "say", text: trimmed, force: false };
  if (trimmed.startsWith("//")) return { kind: "say", text: trimmed.slice(1), force: false };
  const [name = "", ...args] = trimmed.slice(1).split(/\s+/);
  const rest = trimmed.slice(1 + name.length).trim();
  const need = (what: string): Parsed => ({ kind: "error", text: `/${name} needs ${what}` });
  switch (name.toLowerCase()) {
    case "open":
    case "o":
      return args[0] ? { kind: "open", peer: args[0] } : need("a JID or a sip: URI");
    case "chat":
      if (!args[0] || args.length < 2) return need("a peer and some text");
      return { kind: "chat", peer: args[0], text: rest.slice(args[0].length).trim() };
    case "call": {
      const video = args.includes("video");
      const peers = args.filter((a) => a !== "video" && a !== "audio");
      if (peers.length > 1) return { kind: "error", text: "/call takes at most one peer" };
      return {
        kind: "call",
        ...(peers[0] ? { peer: peers[0] } : {}),
        media: video ? ["audio", "video"] : ["audio"],
      };
    }
    case "video":
      if (args[0] === "on" || args[0] === "off") return { kind: "video", on: args[0] === "on" };
      return need("on or off");
    case "answer":
    case "a":
      return args[0] === "video"
        ? { kind: "answer", media: ["audio", "video"] }
        : args[0] === "audio"
          ? { kind: "answer", media: ["audio"] }
          : { kind: "answer" };
    case "reject":
      return { kind: "reject", reason: args[0] === "busy" ? "busy" : "decline" };
    case "hangup":
    case "bye":
      return { kind: "hangup" };
    case "dtmf": {
      const digits = args.join("");
      if (!/^[0-9*#A-Da-d]+$/.test(digits))
        return { kind: "error", text: "/dtmf takes digits 0-9, *, # and A-D" };
      return { kind: "dtmf", digits: digits.toUpperCase() };
    }
    case "discover":
      if (!args[0] || !/^sips?:/i.test(args[0])) return need("a sip: URI");
      return { kind: "discover", sip: args[0] };
    case "allow":
    case "disallow": {
      const rule = args[0];
      if (!rule) return need("a rule: roster, domain:example.com, sip:user@host or *");
      if (!(rule === "roster" || rule === "*" || /^domain:.+/.test(rule) || /^sips?:.+/.test(rule)))
        return {
          kind: "error",
          text: `"${rule}" is not a rule: use roster, domain:example.com, sip:user@host or *`,
        };
      return { kind: name.toLowerCase() as "allow" | "disallow", rule };
    }
    case "approve":
    case "deny":
      return args[0]
        ? { kind: "approve", jid: args[0], approve: name.toLowerCase() === "approve" }
        : need("a JID");
    case "add":
      if (!args[0]) return need("a JID");
      return {
        kind: "add",
        jid: args[0],
        ...(args.length > 1 ? { name: rest.slice(args[0].length).trim() } : {}),
      };
    case "force":
      return rest ? { kind: "say", text: rest, force: true } : need("some text");
    case "status": {
      const show = args[0] as OwnShow | undefined;
      if (!show || !SHOWS.includes(show)) return need(`one of ${SHOWS.join(", ")}`);
      const status = rest.slice(show.length).trim();
      return { kind: "presence", show, ...(status ? { status } : {}) };
    }
    case "help":
    case "?":
      return { kind: "help" };
    case "quit":
    case "q":
      return { kind: "quit" };
    default:
      return { kind: "error", text: `no command /${name}: press ? for the list` };
  }
}

/** A peer as typed: a bare JID becomes an `xmpp:` URI; URIs stay as they are. */
export function peerUri(peer: string): string {
  if (/^(xmpp|sips?):/i.test(peer)) return peer;
  return `xmpp:${peer}`;
}
