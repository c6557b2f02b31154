// A deliberately tiny XMPP login (RFC 6120 stream, optional STARTTLS, SASL PLAIN, resource
// binding) over TCP, direct TLS or WebSocket (RFC 7395), for testing the sandbox's Prosody
// itself, independent of Duet's XMPP layer (src/xmpp).
import { connect as netConnect, type Socket } from "node:net";
import { type TLSSocket, connect as tlsConnect } from "node:tls";
import WebSocket from "ws";

export interface RawLoginOptions {
  readonly domain: string;
  readonly user: string;
  readonly password: string;
  readonly resource?: string;
  /** JIDs to ask for disco#info after binding ("" for the account's own bare JID). */
  readonly disco?: readonly string[];
  /** PEM of a CA to trust (TLS sandboxes). */
  readonly ca?: string;
}

export interface RawLoginResult {
  /** The full JID the server bound. */
  readonly jid: string;
  /** Stream features offered after authentication (namespaces of their elements). */
  readonly boundFeatures: string[];
  /** disco#info features (XEP-0030) of each JID in `RawLoginOptions.disco`. */
  readonly disco: Record<string, string[]>;
  /** SASL mechanisms the server offered. */
  readonly mechanisms: string[];
  /** Whether STARTTLS was offered (and required) in the first features. */
  readonly starttls: "none" | "offered" | "required";
}

export class RawLoginError extends Error {}

/** Collects text from a transport and waits for patterns in what has not been consumed. */
class TextReader {
  private buffer = "";
  private waiter: (() => void) | null = null;
  private closed: string | null = null;

  push(text: string): void {
    this.buffer += text;
    this.waiter?.();
  }

  close(reason: string): void {
    this.closed = reason;
    this.waiter?.();
  }

  async until(pattern: RegExp, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.buffer);
      if (m) {
        const upTo = m.index + m[0].length;
        const consumed = this.buffer.slice(0, upTo);
        this.buffer = this.buffer.slice(upTo);
        return consumed;
      }
      if (this.closed !== null) {
        throw new RawLoginError(`connection closed (${this.closed}); received: ${this.buffer}`);
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new RawLoginError(`timed out waiting for ${pattern}; got: ${this.buffer}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          this.waiter = null;
          resolve();
        };
      });
    }
  }
}

const SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
const FEATURES_END = /<\/stream:features>|<stream:features\/>/;

function mechanismsOf(features: string): string[] {
  return [...features.matchAll(/<mechanism>([^<]+)<\/mechanism>/g)].map((m) => m[1]!);
}

function plainAuth(user: string, password: string): string {
  const payload = Buffer.from(`\0${user}\0${password}`).toString("base64");
  return `<auth xmlns='${SASL}' mechanism='PLAIN'>${payload}</auth>`;
}

function bindRequest(resource: string): string {
  return (
    "<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>" +
    `<resource>${resource}</resource></bind></iq>`
  );
}

async function saslAndBind(
  reader: TextReader,
  send: (s: string) => void,
  restart: () => void,
  opts: RawLoginOptions,
  featuresXml: string,
): Promise<{
  jid: string;
  mechanisms: string[];
  boundFeatures: string[];
  disco: Record<string, string[]>;
}> {
  const mechanisms = mechanismsOf(featuresXml);
  if (!mechanisms.includes("PLAIN")) {
    throw new RawLoginError(`PLAIN not offered (mechanisms: ${mechanisms.join(", ")})`);
  }
  send(plainAuth(opts.user, opts.password));
  const outcome = await reader.until(
    /<success[^>]*\/>|<success[^>]*>.*?<\/success>|<failure[\s\S]*?<\/failure>/,
  );
  if (outcome.includes("<failure")) throw new RawLoginError(`SASL failure: ${outcome}`);
  restart();
  const features = await reader.until(FEATURES_END);
  const boundFeatures = [...features.matchAll(/<(\w+)[^>]*xmlns=['"]([^'"]+)['"]/g)]
    .map((m) => m[2]!)
    .filter((ns) => ns !== "http://etherx.jabber.org/streams" && ns !== "jabber:client");
  send(bindRequest(opts.resource ?? "raw"));
  const bound = await reader.until(/<\/iq>/);
  const jid = /<jid>([^<]+)<\/jid>/.exec(bound)?.[1];
  if (!jid) throw new RawLoginError(`bind failed: ${bound}`);
  const disco: Record<string, string[]> = {};
  for (const [i, target] of (opts.disco ?? []).entries()) {
    const to = target === "" ? jid.split("/")[0]! : target;
    send(
      `<iq xmlns='jabber:client' type='get' id='disco${i}' to='${to}'>` +
        "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>",
    );
    const answer = await reader.until(new RegExp(`<iq[^>]*id=['"]disco${i}['"][\\s\\S]*?</iq>`));
    disco[target] = [...answer.matchAll(/<feature var=['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  }
  return { jid, mechanisms, boundFeatures, disco };
}

function streamHeader(domain: string): string {
  return (
    `<?xml version='1.0'?><stream:stream to='${domain}' version='1.0' xmlns='jabber:client' ` +
    "xmlns:stream='http://etherx.jabber.org/streams'>"
  );
}

/** Logs in over TCP (with STARTTLS if `starttls`) or direct TLS, then closes the stream. */
export async function rawLoginTcp(
  port: number,
  opts: RawLoginOptions & { directTls?: boolean; starttls?: boolean },
): Promise<RawLoginResult> {
  const reader = new TextReader();
  let socket: Socket | TLSSocket = opts.directTls
    ? tlsConnect({ host: "127.0.0.1", port, servername: opts.domain, ca: opts.ca })
    : netConnect({ host: "127.0.0.1", port });
  const attach = (s: Socket | TLSSocket) => {
    s.setEncoding("utf8");
    s.on("data", (d: string) => reader.push(d));
    s.on("error", (e) => reader.close(e.message));
    s.on("close", () => reader.close("closed"));
  };
  attach(socket);
  const send = (s: string) => socket.write(s);
  try {
    send(streamHeader(opts.domain));
    let features = await reader.until(FEATURES_END);
    let starttls: RawLoginResult["starttls"] = "none";
    if (features.includes("urn:ietf:params:xml:ns:xmpp-tls")) {
      starttls = /<starttls[^>]*>\s*<required/.test(features) ? "required" : "offered";
    }
    if (opts.starttls) {
      if (starttls === "none") throw new RawLoginError("STARTTLS not offered");
      send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
      await reader.until(/<proceed[^>]*\/>/);
      const plain = socket;
      plain.removeAllListeners("data");
      plain.removeAllListeners("close");
      socket = tlsConnect({ socket: plain, servername: opts.domain, ca: opts.ca });
      attach(socket);
      await new Promise<void>((resolve, reject) => {
        (socket as TLSSocket).once("secureConnect", resolve);
        socket.once("error", reject);
      });
      send(streamHeader(opts.domain));
      features = await reader.until(FEATURES_END);
    }
    const result = await saslAndBind(
      reader,
      send,
      () => send(streamHeader(opts.domain)),
      opts,
      features,
    );
    send("</stream:stream>");
    return { ...result, starttls };
  } finally {
    socket.destroy();
  }
}

/** Logs in over WebSocket (RFC 7395 framing), then closes. */
export async function rawLoginWebSocket(
  url: string,
  opts: RawLoginOptions,
): Promise<RawLoginResult> {
  const reader = new TextReader();
  const ws = new WebSocket(url, "xmpp", { ca: opts.ca });
  ws.on("message", (d) => reader.push(d.toString()));
  ws.on("error", (e) => reader.close(e.message));
  ws.on("close", () => reader.close("closed"));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  const open = () =>
    ws.send(
      `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='${opts.domain}' version='1.0'/>`,
    );
  try {
    open();
    const features = await reader.until(FEATURES_END);
    const result = await saslAndBind(reader, (s) => ws.send(s), open, opts, features);
    ws.send("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    return { ...result, starttls: "none" };
  } finally {
    ws.terminate();
  }
}
