// Which @xmpp/client transport a service URL selects, and what the WebSocket transport needs
// from the platform.

export type XmppTransportKind = "tcp" | "tls" | "websocket";

export function serviceTransport(service: string): XmppTransportKind | null {
  const scheme = /^([a-z]+):\/\//i.exec(service)?.[1]?.toLowerCase();
  if (scheme === "xmpp") return "tcp";
  if (scheme === "xmpps") return "tls";
  if (scheme === "ws" || scheme === "wss") return "websocket";
  return null;
}

/**
 * @xmpp/websocket constructs `globalThis.WebSocket`. In a browser that is the platform's. Under
 * Node we always provide the `ws` package's implementation (same constructor and events), also
 * on Node ≥ 22 where a built-in one exists: the built-in (undici's) hides why a TLS handshake
 * failed, so a bad certificate would read as a lost connection and be retried instead of being
 * reported, and it cannot be cut abruptly (destroySocket). Loaded lazily so that browser
 * bundles never pull `ws` in.
 */
export async function ensureWebSocketGlobal(): Promise<void> {
  const g = globalThis as { WebSocket?: unknown; process?: { versions?: { node?: string } } };
  const inNode = typeof g.process?.versions?.node === "string";
  if (!inNode) return;
  const { WebSocket } = await import("ws");
  if (g.WebSocket !== WebSocket) g.WebSocket = WebSocket;
}
