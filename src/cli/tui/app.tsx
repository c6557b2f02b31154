// The full-screen view: header, banner, roster and conversation list on the left, the open
// conversation's timeline on the right, then the command line and the status line. It only
// draws the state (via format.ts) and turns keys into controller calls.

import { Box, Text, useApp, useInput, useStdout } from "ink";
import { useEffect, useState, useSyncExternalStore } from "react";
import { COMMAND_HELP } from "./commands.js";
import type { TuiController } from "./controller.js";
import {
  bannerLine,
  conversationLine,
  conversationTitle,
  fit,
  headerLine,
  type Line,
  rosterEntry,
  type Tone,
  timeline,
} from "./format.js";
import { type Layout, layoutFor } from "./layout.js";
import { currentCall, openConversation, type TuiState } from "./state.js";
import type { Store } from "./store.js";

const COLOURS: Record<Tone, string | undefined> = {
  normal: undefined,
  dim: "gray",
  good: "green",
  warn: "yellow",
  bad: "red",
  accent: "cyan",
};

function Row({ line }: { line: Line }) {
  return (
    <Text
      wrap="truncate"
      {...(COLOURS[line.tone] ? { color: COLOURS[line.tone] } : {})}
      bold={line.bold ?? false}
      inverse={line.inverse ?? false}
      dimColor={line.tone === "dim"}
    >
      {line.text}
    </Text>
  );
}

const blank = (width: number): Line => ({ text: " ".repeat(width), tone: "normal" });

/** Exactly `rows` lines: the lines given, cut or padded. */
function pad(lines: Line[], rows: number, width: number): Line[] {
  const out = lines.slice(0, rows);
  while (out.length < rows) out.push(blank(width));
  return out;
}

function leftColumn(state: TuiState, l: Layout): Line[] {
  const w = l.leftWidth;
  const title = (t: string, focused: boolean): Line => ({
    text: fit(` ${t}`, w),
    tone: focused ? "accent" : "dim",
    inverse: true,
  });
  const rosterSlots = Math.floor((l.rosterRows - 1) / 2);
  const rFirst = Math.max(
    0,
    Math.min(state.rosterIndex - rosterSlots + 1, state.contacts.length - rosterSlots),
  );
  const roster: Line[] = [title(`Roster (${state.contacts.length})`, state.focus === "roster")];
  if (state.contacts.length === 0)
    roster.push({ text: fit("  no contacts yet: /add JID", w), tone: "dim" });
  for (const [i, c] of state.contacts.slice(rFirst, rFirst + rosterSlots).entries()) {
    roster.push(
      ...rosterEntry(state, c, w, state.focus === "roster" && rFirst + i === state.rosterIndex),
    );
  }
  const convRows = l.bodyRows - l.rosterRows;
  const convSlots = convRows - 1;
  const cFirst = Math.max(
    0,
    Math.min(state.conversationIndex - convSlots + 1, state.conversations.length - convSlots),
  );
  const convs: Line[] = [
    title(`Conversations (${state.conversations.length})`, state.focus === "conversations"),
  ];
  for (const [i, c] of state.conversations.slice(cFirst, cFirst + convSlots).entries()) {
    convs.push(
      conversationLine(
        c,
        w,
        state.focus === "conversations" && cFirst + i === state.conversationIndex,
        c.conversation === state.open,
      ),
    );
  }
  return [...pad(roster, l.rosterRows, w), ...pad(convs, convRows, w)];
}

function rightColumn(state: TuiState, l: Layout): Line[] {
  const w = l.rightWidth;
  const c = openConversation(state);
  if (!c) {
    return pad(
      [
        { text: fit(" No conversation open", w), tone: "dim", inverse: true },
        { text: fit(" Enter on a contact opens one; ? for help.", w), tone: "dim" },
      ],
      l.bodyRows,
      w,
    );
  }
  const lines = timeline(c, w);
  const title = conversationTitle(c, w);
  const room = l.bodyRows - title.length;
  return pad([...title, ...lines.slice(Math.max(0, lines.length - room))], l.bodyRows, w);
}

/** The help screen over the whole body: keys, then the commands in two columns. */
function helpLines(w: number): Line[] {
  const keys = [
    "Tab/↑↓ Enter: roster, conversations, command line; open",
    "i: type text   /: type a command   Esc: dismiss banner, leave line",
    "a answer  r reject  h hang up  c call  v video on/off  d discover  q quit",
    "RULE: roster, domain:D, sip:URI or *   SHOW: available chat away xa dnd",
  ];
  const out: Line[] = [{ text: fit(" Help — any key closes", w), tone: "accent", inverse: true }];
  for (const k of keys) out.push({ text: fit(` ${k}`, w), tone: "normal" });
  const half = Math.floor(w / 2);
  const rows = Math.ceil(COMMAND_HELP.length / 2);
  const columns = [COMMAND_HELP.slice(0, rows), COMMAND_HELP.slice(rows)];
  // Each column's commands padded to its longest, so the descriptions line up.
  const pads = columns.map((col) => Math.max(...col.map(([cmd]) => cmd.length)));
  const cell = (col: number, entry: readonly [string, string] | undefined) =>
    entry ? fit(` ${entry[0].padEnd(pads[col]!)} ${entry[1]}`, half) : "";
  for (let i = 0; i < rows; i++) {
    out.push({ text: fit(cell(0, columns[0]![i]) + cell(1, columns[1]![i]), w), tone: "dim" });
  }

  return out;
}

function inputLine(state: TuiState, w: number): Line {
  if (state.focus === "input")
    return { text: fit(`> ${state.input}█`, w), tone: "normal", bold: true };
  const hint = currentCall(state)?.state === "ringing" ? "a answer · r reject · " : "";
  return {
    text: fit(` ${hint}Tab/↑↓ move · Enter open · i type · / command · ? help`, w),
    tone: "dim",
  };
}

function bannerRow(state: TuiState, w: number): Line {
  const b = state.banners[state.banners.length - 1];
  if (!b) return blank(w);
  return bannerLine(b, w, state.focus === "input");
}

function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState({ columns: stdout.columns, rows: stdout.rows });
  useEffect(() => {
    const onResize = () => setSize({ columns: stdout.columns, rows: stdout.rows });
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return size;
}

export function App({ store, controller }: { store: Store; controller: TuiController }) {
  const state = useSyncExternalStore(
    (l) => store.subscribe(l),
    () => store.state,
  );
  const { exit } = useApp();
  const size = useTerminalSize();
  const l = layoutFor(size.columns, size.rows);

  /** Text typed or pasted as one chunk: every line ending in it submits what came before. */
  const typeChunk = (before: string, chunk: string) => {
    const lines = chunk.split(/\r\n?|\n/);
    let text = before;
    for (const [i, part] of lines.entries()) {
      text += part;
      if (i < lines.length - 1) {
        void controller.submit(text);
        text = "";
      }
    }
    store.dispatch({ type: "input", text });
  };

  useInput((input, key) => {
    const s = store.state;
    // A lone LF is Enter too: keys typed before raw mode went through the tty's ICRNL.
    const enter = key.return || input === "\n";
    if (key.ctrl && input === "c") {
      exit();
      return;
    }
    if (s.help) {
      store.dispatch({ type: "help", show: false });
      return;
    }
    if (s.focus === "input") {
      if (key.escape) store.dispatch({ type: "focus", focus: "roster" });
      else if (enter) void controller.submit(s.input);
      else if (input.includes("\r") || input.includes("\n")) typeChunk(s.input, input);
      else if (key.backspace || key.delete)
        store.dispatch({ type: "input", text: [...s.input].slice(0, -1).join("") });
      else if (key.tab) store.dispatch({ type: "focus", focus: "roster" });
      else if (input && !key.ctrl && !key.meta && !key.upArrow && !key.downArrow)
        store.dispatch({ type: "input", text: s.input + input });
      return;
    }
    if (key.escape) store.dispatch({ type: "banner.dismiss" });
    else if (key.tab)
      store.dispatch({ type: "focus", focus: s.focus === "roster" ? "conversations" : "input" });
    else if (key.upArrow || input === "k") store.dispatch({ type: "move", delta: -1 });
    else if (key.downArrow || input === "j") store.dispatch({ type: "move", delta: 1 });
    else if (enter) {
      if (s.focus === "roster") {
        const c = s.contacts[s.rosterIndex];
        if (c)
          void controller
            .run({ kind: "open", peer: c.jid })
            .then(() => store.dispatch({ type: "focus", focus: "input" }));
      } else {
        const c = s.conversations[s.conversationIndex];
        if (c)
          void controller
            .open(c.conversation)
            .then(() => store.dispatch({ type: "focus", focus: "input" }));
      }
    } else if (input === "i") store.dispatch({ type: "focus", focus: "input" });
    else if (input.startsWith("/") || input === ":") {
      store.dispatch({ type: "focus", focus: "input" });
      typeChunk("", input === ":" ? "/" : input);
    } else if (input === "?") store.dispatch({ type: "help", show: true });
    else if (input === "a") void controller.run({ kind: "answer" });
    else if (input === "r") void controller.run({ kind: "reject", reason: "decline" });
    else if (input === "h") void controller.run({ kind: "hangup" });
    else if (input === "c") void controller.run({ kind: "call", media: ["audio"] });
    else if (input === "v") {
      const call = currentCall(s);
      void controller.run({ kind: "video", on: !(call?.media.includes("video") ?? false) });
    } else if (input === "d") {
      store.dispatch({ type: "input", text: "/discover sip:" });
      store.dispatch({ type: "focus", focus: "input" });
    } else if (input === "q") exit();
  });

  const left = leftColumn(state, l);
  const right = rightColumn(state, l);
  const notice = state.notice;
  return (
    <Box flexDirection="column" width={l.width} height={l.height}>
      <Row line={headerLine(state, l.width)} />
      <Row line={bannerRow(state, l.width)} />
      {state.help
        ? pad(helpLines(l.width), l.bodyRows, l.width).map((hl, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on the screen
            <Row key={i} line={hl} />
          ))
        : left.map((ll, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are positions on the screen
            <Box key={i} flexDirection="row">
              <Row line={ll} />
              <Text dimColor>│</Text>
              <Row line={right[i] ?? blank(l.rightWidth)} />
            </Box>
          ))}
      <Row line={inputLine(state, l.width)} />
      <Row
        line={
          notice
            ? {
                text: fit(` ${notice.text}`, l.width),
                tone: notice.level === "error" ? "bad" : "normal",
              }
            : blank(l.width)
        }
      />
    </Box>
  );
}
