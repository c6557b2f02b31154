// The persisted form of the engine's state (issue 6: persistence). Plain JSON: conversations
// (with messages and call history), issued tokens with their bindings and absolute expiry
// times, contacts' advertised SIP data, discovery links, the roster and the policy. Restoring
// it gives an engine that verifies exactly the tokens the old one would have.

import type { Conversation } from "./conversation.js";
import type { ContactInfo, DiscoveredLink } from "./engine.js";
import { CoexError } from "./errors.js";
import type { Policy } from "./policy.js";
import type { IssuedToken } from "./tokens.js";
import { isWellFormedToken } from "./wire/token.js";

export const SNAPSHOT_VERSION = 1;

export interface CoexSnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  readonly conversations: readonly Conversation[];
  readonly tokens: readonly IssuedToken[];
  readonly policy: Policy;
  readonly contacts: readonly ContactInfo[];
  readonly discovered: readonly DiscoveredLink[];
  readonly roster: readonly string[];
}

function bad(what: string): CoexError {
  return new CoexError(
    "malformed-snapshot",
    `snapshot is not usable: ${what}`,
    "restore only what CoexEngine.snapshot() produced (JSON.parse of its JSON.stringify)",
  );
}

/** Checks the shape of a snapshot read back from storage, so that a corrupt file fails clearly. */
export function readSnapshot(input: unknown): CoexSnapshot {
  if (typeof input !== "object" || input === null) throw bad("not an object");
  const s = input as Record<string, unknown>;
  if (s.version !== SNAPSHOT_VERSION)
    throw bad(`version ${JSON.stringify(s.version)}, expected ${SNAPSHOT_VERSION}`);
  for (const key of ["conversations", "tokens", "contacts", "discovered", "roster"]) {
    if (!Array.isArray(s[key])) throw bad(`${key} is not an array`);
  }
  for (const c of s.conversations as unknown[]) {
    const conv = c as Partial<Conversation>;
    if (
      typeof conv?.id !== "string" ||
      typeof conv.thread !== "string" ||
      typeof conv.peer !== "object" ||
      !Array.isArray(conv.calls) ||
      !Array.isArray(conv.messages) ||
      !Array.isArray(conv.announcements) ||
      typeof conv.binding?.level !== "string"
    ) {
      throw bad("a conversation lacks id, thread, peer, binding, calls, messages or announcements");
    }
  }
  for (const t of s.tokens as unknown[]) {
    const tok = t as Partial<IssuedToken>;
    if (
      typeof tok?.value !== "string" ||
      !isWellFormedToken(tok.value) ||
      (tok.issuedOver !== "xmpp" && tok.issuedOver !== "sip") ||
      typeof tok.conversation !== "string" ||
      typeof tok.issuedTo !== "string"
    ) {
      throw bad("a token lacks a well-formed value, issuedOver, conversation or issuedTo");
    }
  }
  if (typeof s.policy !== "object" || s.policy === null) throw bad("policy is missing");
  return s as unknown as CoexSnapshot;
}
