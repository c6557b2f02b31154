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
 * @xmpp/websocket constructs `globalThis.WebSocket`, which browsers and Node ≥ 22 have; on
 * Node 20 we provide the `ws` package's implementation (same constructor and events). Loaded
 * lazily so that browser bundles never pull `ws` in.
 */
export async function ensureWebSocketGlobal(): Promise<void> {
  const g = globalThis as { WebSocket?: unknown };
  if (typeof g.WebSocket === "function") return;
  const { WebSocket } = await import("ws");
  g.WebSocket ??= WebSocket;
}
