// A deliberately tiny SIP peer for testing the sandbox servers themselves: it writes messages
// as text and reads headers with a few lines of parsing. It is independent of Duet's SIP stack
// (src/sip), so the foundation's tests show what Kamailio does, not what our stack thinks.
import { createHash, randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { type TLSSocket, connect as tlsConnect } from "node:tls";

export interface RawSipMessage {
  readonly text: string;
  readonly startLine: string;
  /** Request method, or undefined for a response. */
  readonly method: string | undefined;
  /** Response status, or undefined for a request. */
  readonly status: number | undefined;
  readonly body: string;
  /** All values of a header (case-insensitive name), in order. */
  all(name: string): string[];
  /** The first value of a header, or undefined. */
  header(name: string): string | undefined;
}

const COMPACT: Record<string, string> = {
  i: "call-id",
  v: "via",
  f: "from",
  t: "to",
  m: "contact",
  l: "content-length",
  c: "content-type",
  k: "supported",
};

export function parseRawSip(text: string): RawSipMessage {
  const end = text.indexOf("\r\n\r\n");
  const head = end >= 0 ? text.slice(0, end) : text;
  const body = end >= 0 ? text.slice(end + 4) : "";
  const lines = head.replace(/\r\n[ \t]+/g, " ").split("\r\n");
  const startLine = lines.shift() ?? "";
  const headers: [string, string][] = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const raw = line.slice(0, colon).trim().toLowerCase();
    headers.push([COMPACT[raw] ?? raw, line.slice(colon + 1).trim()]);
  }
  const statusMatch = /^SIP\/2\.0 (\d{3})/.exec(startLine);
  const all = (name: string) => headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v);
  return {
    text,
    startLine,
    method: statusMatch ? undefined : startLine.split(" ")[0],
    status: statusMatch ? Number(statusMatch[1]) : undefined,
    body,
    all,
    header: (name) => all(name)[0],
  };
}

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

/** RFC 2617 / RFC 3261 §22.4 digest Authorization value for a challenge, with qop=auth. */
export function digestAuthorization(
  challenge: string,
  creds: { username: string; password: string },
  method: string,
  uri: string,
): string {
  const param = (name: string) =>
    new RegExp(`${name}="?([^",]+)"?`, "i").exec(challenge)?.[1] ?? undefined;
  const realm = param("realm") ?? "";
  const nonce = param("nonce") ?? "";
  const qop = param("qop");
  const cnonce = randomBytes(8).toString("hex");
  const nc = "00000001";
  const ha1 = md5(`${creds.username}:${realm}:${creds.password}`);
  const ha2 = md5(`${method}:${uri}`);
  const response = qop
    ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)
    : md5(`${ha1}:${nonce}:${ha2}`);
  return (
    `Digest username="${creds.username}", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
    `response="${response}", algorithm=MD5${qop ? `, qop=auth, nc=${nc}, cnonce="${cnonce}"` : ""}`
  );
}

export const newTag = () => randomBytes(4).toString("hex");
export const newBranch = () => `z9hG4bK${randomBytes(8).toString("hex")}`;

/** A raw SIP peer: sends to the proxy and queues what arrives, whatever the transport. */
export abstract class RawSipPeer {
  private readonly queue: RawSipMessage[] = [];
  private waiters: (() => void)[] = [];
  abstract readonly transport: "UDP" | "TLS";
  abstract readonly port: number;
  abstract send(text: string): void;
  abstract close(): void;

  get hostport(): string {
    return `127.0.0.1:${this.port}`;
  }

  protected received(message: RawSipMessage): void {
    this.queue.push(message);
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The next queued message that matches, waiting up to `timeoutMs`. */
  async next(match: (m: RawSipMessage) => boolean, timeoutMs = 3000): Promise<RawSipMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex(match);
      if (i >= 0) return this.queue.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) {
        const seen = this.queue.map((m) => m.startLine).join(" | ") || "nothing";
        throw new Error(`no matching SIP message within ${timeoutMs} ms (queued: ${seen})`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

/** One UDP socket on 127.0.0.1. */
export class RawSipUdpPeer extends RawSipPeer {
  readonly transport = "UDP";
  private constructor(
    private readonly socket: Socket,
    readonly port: number,
    private readonly proxyPort: number,
  ) {
    super();
    socket.on("message", (data) => this.received(parseRawSip(data.toString("utf8"))));
  }

  static async open(proxyPort: number): Promise<RawSipUdpPeer> {
    const socket = createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind({ address: "127.0.0.1", port: 0 }, resolve));
    return new RawSipUdpPeer(socket, socket.address().port, proxyPort);
  }

  send(text: string): void {
    this.socket.send(text, this.proxyPort, "127.0.0.1");
  }

  close(): void {
    this.socket.close();
  }
}

/** One TLS connection to the proxy; messages framed by Content-Length (RFC 3261 §18.3). */
export class RawSipTlsPeer extends RawSipPeer {
  readonly transport = "TLS";
  private buffer = "";
  private constructor(
    private readonly socket: TLSSocket,
    readonly port: number,
  ) {
    super();
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      this.buffer += chunk;
      for (;;) {
        this.buffer = this.buffer.replace(/^(\r\n)+/, "");
        const end = this.buffer.indexOf("\r\n\r\n");
        if (end < 0) return;
        const length = Number(
          /\r\n(?:content-length|l)\s*:\s*(\d+)/i.exec(this.buffer.slice(0, end + 2))?.[1] ?? 0,
        );
        if (this.buffer.length < end + 4 + length) return;
        this.received(parseRawSip(this.buffer.slice(0, end + 4 + length)));
        this.buffer = this.buffer.slice(end + 4 + length);
      }
    });
  }

  static async open(proxyPort: number, ca: string): Promise<RawSipTlsPeer> {
    const socket = tlsConnect({
      host: "127.0.0.1",
      port: proxyPort,
      ca,
      servername: "voip.example.test",
    });
    await new Promise<void>((resolve, reject) => {
      socket.once("secureConnect", resolve);
      socket.once("error", reject);
    });
    return new RawSipTlsPeer(socket, socket.localPort ?? 0);
  }

  send(text: string): void {
    this.socket.write(text);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Builds a message from a start line, headers (in order) and an optional body. */
export function sipMessage(startLine: string, headers: [string, string][], body = ""): string {
  const lines = [startLine, ...headers.map(([n, v]) => `${n}: ${v}`)];
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join("\r\n")}\r\n\r\n${body}`;
}

/** A response to `request` copying Via, From, To (with `toTag`), Call-ID, CSeq, Record-Route. */
export function sipResponse(
  request: RawSipMessage,
  status: string,
  extra: [string, string][] = [],
  toTag?: string,
  body = "",
): string {
  const to = request.header("to") ?? "";
  const headers: [string, string][] = [
    ...request.all("via").map((v): [string, string] => ["Via", v]),
    ...request.all("record-route").map((v): [string, string] => ["Record-Route", v]),
    ["From", request.header("from") ?? ""],
    ["To", toTag && !/;tag=/i.test(to) ? `${to};tag=${toTag}` : to],
    ["Call-ID", request.header("call-id") ?? ""],
    ["CSeq", request.header("cseq") ?? ""],
    ...extra,
  ];
  return sipMessage(`SIP/2.0 ${status}`, headers, body);
}
