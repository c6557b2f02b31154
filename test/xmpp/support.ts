// Shared helpers of the XMPP integration tests: clients on a sandbox's Prosody, fresh accounts,
// and waiting for events with a deadline (a deadline only turns a hang into a clear failure;
// no test asserts on timing).
import { randomBytes } from "node:crypto";
import { addXmppAccount, type SandboxInfo } from "../../src/sandbox/index.js";
import { XmppClient, type XmppClientConfig } from "../../src/xmpp/client.js";
import type { TypedEmitter } from "../../src/xmpp/emitter.js";
import { MemoryLogger } from "../../src/xmpp/log.js";

export type Transport = "tcp" | "websocket";

export interface Account {
  readonly jid: string;
  readonly password: string;
}

/** A new account on the sandbox's Prosody, named uniquely so runs never share state. */
export function freshAccount(info: SandboxInfo, prefix: string): Account {
  const user = `${prefix}-${randomBytes(4).toString("hex")}`;
  const password = `${user}-pw`;
  return { jid: addXmppAccount(info, user, password), password };
}

export function serviceOf(info: SandboxInfo, transport: Transport): string {
  return transport === "tcp" ? info.xmpp.tcpUrl : info.xmpp.websocketUrl;
}

export interface TestClient {
  readonly client: XmppClient;
  readonly log: MemoryLogger;
}

const started = new Set<XmppClient>();

export function makeClient(
  info: SandboxInfo,
  account: Account,
  resource: string,
  transport: Transport = "tcp",
  extra: Partial<XmppClientConfig> = {},
): TestClient {
  const log = new MemoryLogger();
  const client = new XmppClient({
    jid: account.jid,
    password: account.password,
    resource,
    service: serviceOf(info, transport),
    tls: "none",
    logger: log,
    keepAlive: false,
    ...extra,
  });
  started.add(client);
  return { client, log };
}

/** Disconnects every client the test file made (call in after()). */
export async function disconnectAll(): Promise<void> {
  await Promise.all([...started].map((c) => c.disconnect().catch(() => {})));
  started.clear();
}

/** Everything an emitter emits for `event`, as it arrives. */
export function record<E extends { [K in keyof E]: unknown[] }, K extends keyof E>(
  emitter: TypedEmitter<E>,
  event: K,
): E[K][0][] {
  const seen: E[K][0][] = [];
  emitter.on(event, (...args) => seen.push(args[0]));
  return seen;
}

/** Resolves when `condition()` holds; rejects naming `what` after `ms`. */
export async function eventually(
  what: string,
  condition: () => boolean,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The next event matching `accept`, or a rejection naming `what` after `ms`. */
export async function nextEvent<E extends { [K in keyof E]: unknown[] }, K extends keyof E>(
  emitter: TypedEmitter<E>,
  event: K,
  what: string,
  accept: (...args: E[K]) => boolean = () => true,
  ms = 15_000,
): Promise<E[K]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`gave up waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([emitter.next(event, accept), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Makes two online clients' accounts subscribe to each other (RFC 6121 §3.1, both ways). */
export async function befriend(a: XmppClient, b: XmppClient): Promise<void> {
  const aJid = a.connection.bareJid;
  const bJid = b.connection.bareJid;
  // Pre-approve each other (§3.4) so that each request is answered by the server at once.
  a.subscriptions.approve(bJid);
  b.subscriptions.approve(aJid);
  a.subscriptions.request(bJid);
  b.subscriptions.request(aJid);
  await eventually(
    `a mutual subscription between ${aJid} and ${bJid}`,
    () =>
      a.roster.get(bJid)?.subscription === "both" && b.roster.get(aJid)?.subscription === "both",
  );
}
