// The sandbox's people. Their XMPP and SIP addresses deliberately share nothing that one could
// compute from the other (different domains, and for bob and carol different user parts): the
// seed (draft-veikkolainen-sip-xmpp-coex-reqs-02 §1) assumes no algorithmic correlation between
// SIP and XMPP URIs, so tests must not pass by an implementation that maps one to the other.

export const XMPP_DOMAIN = "chat.example.test";
export const SIP_DOMAIN = "voip.example.test";

export type AccountName = "alice" | "bob" | "carol" | "mallory";

export interface SandboxIdentity {
  /** Short name used in file names and tests. */
  readonly name: AccountName;
  /** XMPP user part; the XMPP account is `${xmppUser}@chat.example.test`. */
  readonly xmppUser: string;
  /** SIP user part (also the digest username); the AOR is `sip:${sipUser}@voip.example.test`. */
  readonly sipUser: string;
  /** Same on both services: the XMPP user part followed by "pass". */
  readonly password: string;
}

function identity(name: AccountName, sipUser: string): SandboxIdentity {
  return { name, xmppUser: name, sipUser, password: `${name}pass` };
}

export const SANDBOX_IDENTITIES: readonly SandboxIdentity[] = [
  identity("alice", "alice"),
  identity("bob", "robert"),
  identity("carol", "+15550100"),
  identity("mallory", "mallory"),
];

export function jidOf(id: SandboxIdentity): string {
  return `${id.xmppUser}@${XMPP_DOMAIN}`;
}

export function aorOf(id: SandboxIdentity): string {
  return `sip:${id.sipUser}@${SIP_DOMAIN}`;
}
