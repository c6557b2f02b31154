// Two (or more) engines talking through the real wire formats: every XMPP send is serialized
// to XML text and parsed back, every INVITE/2xx's profile headers travel as header strings,
// optionally through an intermediary that strips them like the sandbox's SBC modes do.

import type {
  Action,
  CoexEvent,
  PlaceCallAction,
  SendMessageAction,
} from "../../src/coex/actions.js";
import { CoexEngine, type SelfAddress } from "../../src/coex/engine.js";
import { tryParseSipAor } from "../../src/coex/identity.js";
import type { Media } from "../../src/coex/wire/media.js";
import {
  readSipPayloadFromMessage,
  sipPayloadElement,
} from "../../src/coex/wire/message-payload.js";
import {
  element,
  findChild,
  parseXml,
  serializeXml,
  textOf,
  type XmlNode,
} from "../../src/coex/wire/xml.js";
import { FakeClock } from "../../src/common/clock.js";

export interface Person {
  readonly name: string;
  readonly self: SelfAddress;
  readonly aor: string;
}

export const ALICE: Person = {
  name: "alice",
  aor: "sip:alice@voip.example.test",
  self: {
    jid: "alice@chat.example.test/duet",
    sipUri: "sip:alice@voip.example.test;gr=urn:uuid:0a1b2c3d-0000-4000-8000-00000000000a",
    media: ["audio", "video"],
  },
};
export const BOB: Person = {
  name: "bob",
  aor: "sip:robert@voip.example.test",
  self: {
    jid: "bob@chat.example.test/duet",
    sipUri: "sip:robert@voip.example.test;gr=urn:uuid:0a1b2c3d-0000-4000-8000-00000000000b",
    media: ["audio", "video"],
  },
};
export const CAROL: Person = {
  name: "carol",
  aor: "sip:+15550100@voip.example.test",
  self: {
    jid: "carol@chat.example.test/duet",
    sipUri: "sip:+15550100@voip.example.test",
    media: ["audio"],
  },
};
export const MALLORY: Person = {
  name: "mallory",
  aor: "sip:mallory@voip.example.test",
  self: {
    jid: "mallory@chat.example.test/duet",
    sipUri: "sip:mallory@voip.example.test",
    media: ["audio"],
  },
};

export type Intermediary = "none" | "topoh" | "strip-call-info" | "strip-all";

export interface Party {
  readonly person: Person;
  readonly engine: CoexEngine;
}

export function party(person: Person, clock: FakeClock, snapshot?: unknown): Party {
  return {
    person,
    engine: new CoexEngine({
      self: person.self,
      clock,
      ...(snapshot !== undefined ? { snapshot } : {}),
    }),
  };
}

export function newClock(): FakeClock {
  return new FakeClock();
}

export function events(actions: readonly Action[]): CoexEvent[] {
  return actions.flatMap((a) => (a.type === "event" ? [a.event] : []));
}

export function eventsOf<T extends CoexEvent["type"]>(
  actions: readonly Action[],
  type: T,
): Extract<CoexEvent, { type: T }>[] {
  return events(actions).filter((e): e is Extract<CoexEvent, { type: T }> => e.type === type);
}

export function sends(actions: readonly Action[]): SendMessageAction[] {
  return actions.filter((a): a is SendMessageAction => a.type === "xmpp.send");
}

export function invites(actions: readonly Action[]): PlaceCallAction[] {
  return actions.filter((a): a is PlaceCallAction => a.type === "sip.invite");
}

/** The XML text a send action becomes on the wire. */
export function messageXml(from: Party, send: SendMessageAction): string {
  const children: XmlNode[] = [element("thread", {}, [send.thread])];
  if (send.body !== undefined) children.push(element("body", {}, [send.body]));
  if (send.payload) children.push(sipPayloadElement(send.payload));
  return serializeXml(
    element(
      "message",
      { xmlns: "jabber:client", type: "chat", from: from.person.self.jid, to: send.to },
      children,
    ),
  );
}

/** Carries one XMPP message: serialize, parse, hand to the recipient as the server would. */
export function deliver(from: Party, send: SendMessageAction, to: Party) {
  const xml = parseXml(messageXml(from, send));
  const thread = findChild(xml, "thread", "jabber:client");
  const body = findChild(xml, "body", "jabber:client");
  const payload = readSipPayloadFromMessage(xml)?.payload;
  return to.engine.receiveMessage({
    from: xml.attrs.from!,
    ...(thread ? { thread: textOf(thread) } : {}),
    ...(body ? { body: textOf(body) } : {}),
    ...(payload ? { payload } : {}),
  });
}

/** Delivers every xmpp.send in `actions` addressed to `to`'s JID; returns the recipient's actions. */
export function deliverAll(from: Party, actions: readonly Action[], to: Party): Action[] {
  const out: Action[] = [];
  const toBare = to.person.self.jid.split("/")[0]!;
  for (const s of sends(actions)) {
    if (s.to.split("/")[0] === toBare) out.push(...deliver(from, s, to).actions);
  }
  return out;
}

function headerThrough(
  value: string | undefined,
  kind: "call-info" | "session-id",
  via: Intermediary,
) {
  if (value === undefined) return undefined;
  if (via === "strip-all") return undefined;
  if (via === "strip-call-info" && kind === "call-info") return undefined;
  return value;
}

/** Carries an INVITE through the proxy, which asserts the caller's identity (PAI). */
export function ring(
  from: Party,
  invite: PlaceCallAction,
  to: Party,
  via: Intermediary = "none",
  opts: { assertedAs?: string } = {},
) {
  const callInfo = headerThrough(invite.callInfo, "call-info", via);
  const sessionId = headerThrough(invite.sessionId, "session-id", via);
  return to.engine.receiveInvite({
    fromUri: `<${from.person.aor}>;tag=1`,
    assertedIdentity: `<${opts.assertedAs ?? from.person.aor}>`,
    viaTrustedProxy: true,
    callInfo: callInfo !== undefined ? [callInfo] : [],
    ...(sessionId !== undefined ? { sessionId } : {}),
    media: invite.media as Media[],
  });
}

/** Answers on `callee` and hands the 2xx's headers to the caller's engine. */
export function answer(
  callee: Party,
  calleeCall: string,
  caller: Party,
  callerCall: string,
  via: Intermediary = "none",
) {
  const ok = callee.engine.answerCall(calleeCall);
  const callInfo = headerThrough(ok.callInfo, "call-info", via);
  const sessionId = headerThrough(ok.sessionId, "session-id", via);
  const callerActions = caller.engine.receiveAnswer(callerCall, {
    callInfo: callInfo !== undefined ? [callInfo] : [],
    ...(sessionId !== undefined ? { sessionId } : {}),
  });
  return { ok, calleeActions: ok.actions, callerActions };
}

export function aorOf(uri: string): string {
  return tryParseSipAor(uri)!;
}

/**
 * The common opening of the chat-first tests: alice starts a conversation with bob with one text
 * message, and bob receives it (PROFILE.md §3.2 step 1).
 */
export function startChat(text = "hi") {
  const clock = newClock();
  const alice = party(ALICE, clock);
  const bob = party(BOB, clock);
  const start = alice.engine.startConversation({ jid: BOB.self.jid }, { text });
  const atBob = deliverAll(alice, start.actions, bob);
  const bobConv = eventsOf(atBob, "message.received")[0]!.conversation;
  return { clock, alice, bob, aliceConv: start.conversation, bobConv, start };
}
