// The method registry: for every method of the contract, how its parameters are read and
// checked. The record type makes the compiler insist on one reader per method, so the contract
// and the validation cannot drift apart.

import { CoexError, parsePolicy, parseXmppUri, tryParseSipAor } from "../../coex/index.js";
import type { MethodName, ParamsOf, PeerAddress, PolicyPatch } from "./contract.js";
import { ParamError, ParamReader, type StringRule } from "./params.js";

type Reader<M extends MethodName> = (params: unknown) => ParamsOf<M>;

const ID: StringRule = { maxLength: 200 };
// Prosody's default stanza limit is 256 KiB; a text well under it leaves room for the rest.
const TEXT: StringRule = { maxLength: 65_536 };

const BARE_JID: StringRule = {
  maxLength: 3071, // RFC 7622 §3.1: 1023 octets per part
  check: (v) =>
    /^[^@/\s<>'"]+@[^@/\s<>'"]+$/.test(v)
      ? undefined
      : `must be a bare JID such as "bob@example.com" (no resource, no xmpp: prefix), got "${v.slice(0, 60)}"`,
};

const SIP_URI: StringRule = {
  maxLength: 2048,
  check: (v) =>
    /^sips?:/i.test(v) && tryParseSipAor(v) !== undefined
      ? undefined
      : `must be a sip: or sips: URI with a user part, such as "sip:bob@example.com", got "${v.slice(0, 60)}"`,
};

function readPeer(value: string): PeerAddress {
  if (/^xmpp:/i.test(value)) {
    let jid: string;
    try {
      jid = parseXmppUri(value).jid;
    } catch (e) {
      throw new ParamError("peer", e instanceof CoexError ? e.message : String(e));
    }
    if (!jid.includes("@")) {
      throw new ParamError(
        "peer",
        `must name a user, such as "xmpp:bob@example.com", got "${value}"`,
      );
    }
    return { protocol: "xmpp", jid };
  }
  if (/^sips?:/i.test(value) && tryParseSipAor(value) !== undefined) {
    return { protocol: "sip", uri: value };
  }
  throw new ParamError(
    "peer",
    `must be an xmpp: or sip: URI, such as "xmpp:bob@example.com" or "sip:bob@example.com", got "${value.slice(0, 60)}"`,
  );
}

function readPolicyPatch(params: unknown): PolicyPatch {
  const r = new ParamReader(params);
  const discovery = r.raw("discovery");
  const expiry = r.raw("expiry");
  r.done();
  const patch = {
    ...(discovery !== undefined ? { discovery } : {}),
    ...(expiry !== undefined ? { expiry } : {}),
  };
  if (Object.keys(patch).length === 0) {
    throw new ParamError("", "give discovery, expiry or both");
  }
  // coex owns the policy's rules; checking each part on its own against the defaults finds
  // every bad field and tells which part it is in.
  for (const [part, value] of Object.entries(patch)) {
    try {
      parsePolicy({ [part]: value });
    } catch (e) {
      if (!(e instanceof CoexError)) throw e;
      throw new ParamError(part, `is not valid: ${e.message.slice(0, -(e.hint.length + 3))}`);
    }
  }
  return patch as PolicyPatch;
}

function none<M extends MethodName>(): Reader<M> {
  return (params) => {
    new ParamReader(params).done();
    return {} as ParamsOf<M>;
  };
}

export const METHOD_READERS: { readonly [M in MethodName]: Reader<M> } = {
  status: none(),
  "contacts.list": none(),
  "contacts.add": (p) => {
    const r = new ParamReader(p);
    const jid = r.string("jid", BARE_JID);
    const name = r.optionalString("name", { maxLength: 200 });
    r.done();
    return { jid, ...(name !== undefined ? { name } : {}) };
  },
  "contacts.approve": (p) => {
    const r = new ParamReader(p);
    const out = { jid: r.string("jid", BARE_JID), approve: r.boolean("approve", true) };
    r.done();
    return out;
  },
  "presence.set": (p) => {
    const r = new ParamReader(p);
    const show = r.oneOf("show", ["available", "away", "chat", "dnd", "xa"], "available");
    const status = r.optionalString("status", { maxLength: 1024, minLength: 0 });
    r.done();
    return { show, ...(status !== undefined ? { status } : {}) };
  },
  "conversations.list": none(),
  "conversations.get": (p) => {
    const r = new ParamReader(p);
    const out = { conversation: r.string("conversation", ID) };
    r.done();
    return out;
  },
  "conversations.start": (p) => {
    const r = new ParamReader(p);
    const peer = readPeer(r.string("peer", { maxLength: 3071 }));
    const text = r.optionalString("text", TEXT);
    const media = r.optionalMedia("media");
    const force = r.boolean("force", false);
    r.done();
    return {
      peer,
      force,
      ...(text !== undefined ? { text } : {}),
      ...(media !== undefined ? { media } : {}),
    };
  },
  "messages.send": (p) => {
    const r = new ParamReader(p);
    const out = {
      conversation: r.string("conversation", ID),
      text: r.string("text", TEXT),
      force: r.boolean("force", false),
    };
    r.done();
    return out;
  },
  "calls.start": (p) => {
    const r = new ParamReader(p);
    const out = { conversation: r.string("conversation", ID), media: r.media("media") };
    r.done();
    return out;
  },
  "calls.answer": (p) => {
    const r = new ParamReader(p);
    const call = r.string("call", ID);
    const media = r.optionalMedia("media");
    r.done();
    return { call, ...(media !== undefined ? { media } : {}) };
  },
  "calls.reject": (p) => {
    const r = new ParamReader(p);
    const out = {
      call: r.string("call", ID),
      reason: r.oneOf("reason", ["busy", "decline"], "decline"),
    };
    r.done();
    return out;
  },
  "calls.hangup": (p) => {
    const r = new ParamReader(p);
    const out = { call: r.string("call", ID) };
    r.done();
    return out;
  },
  "calls.update": (p) => {
    const r = new ParamReader(p);
    const out = { call: r.string("call", ID), media: r.media("media") };
    r.done();
    return out;
  },
  "calls.dtmf": (p) => {
    const r = new ParamReader(p);
    const out = {
      call: r.string("call", ID),
      // RFC 4733 §3.2 events 0-15: digits, * and #, and A-D.
      digits: r
        .string("digits", {
          maxLength: 64,
          check: (v) =>
            /^[0-9*#A-Da-d]+$/.test(v) ? undefined : `may hold only 0-9, *, # and A-D, got "${v}"`,
        })
        .toUpperCase(),
      durationMs: r.integer("durationMs", { min: 40, max: 5000, fallback: 100 }),
    };
    r.done();
    return out;
  },
  discover: (p) => {
    const r = new ParamReader(p);
    const out = { sip: r.string("sip", SIP_URI) };
    r.done();
    return out;
  },
  "policy.get": none(),
  "policy.set": readPolicyPatch,
};

export const METHOD_NAMES = Object.keys(METHOD_READERS) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(METHOD_READERS, name);
}
