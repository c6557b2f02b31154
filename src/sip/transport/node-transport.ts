// The transport layer on Node (RFC 3261 §18): UDP, TCP, TLS and WebSocket/WSS (RFC 7118), both
// client and server side, with connection reuse (§18.1.1, §18.2.2) and RFC 5626 §4.4.1 CRLF
// keep-alives on the connections we open.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { createServer, isIP, connect as netConnect, type Server, type Socket } from "node:net";
import {
  checkServerIdentity,
  createServer as createTlsServer,
  type PeerCertificate,
  connect as tlsConnect,
} from "node:tls";
import { WebSocket, WebSocketServer } from "ws";
import type { Clock, TimerHandle } from "../../common/clock.js";
import {
  type ParseResult,
  parseDatagram,
  type SipMessage,
  StreamFramer,
  serialize,
} from "../message/index.js";
import type {
  Address,
  Flow,
  SipTransportLayer,
  Target,
  TransportEvents,
  TransportName,
} from "./types.js";

export interface TlsMaterial {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
}

export interface NodeTransportOptions {
  readonly clock: Clock;
  /** Address to bind, 127.0.0.1 by default. */
  readonly host?: string;
  /** Ports to listen on (0 = any free port); a transport left out is client-only. */
  readonly udp?: number;
  readonly tcp?: number;
  readonly tls?: { readonly port: number } & TlsMaterial;
  readonly ws?: number;
  readonly wss?: { readonly port: number } & TlsMaterial;
  /** CAs trusted for outgoing TLS/WSS (PEM); the system's by default. */
  readonly ca?: string | Buffer;
  /** CRLF keep-alive interval on flows we open, in ms (RFC 5626 §4.4.1); 0 disables. */
  readonly keepAliveMs?: number;
}

const utf8 = new TextDecoder();

abstract class BaseFlow implements Flow {
  closed = false;
  abstract readonly transport: TransportName;
  abstract readonly reliable: boolean;
  constructor(
    readonly id: string,
    readonly remote: Address,
    readonly local: Address,
  ) {}
  abstract send(message: SipMessage): void;
  abstract close(): void;
}

class UdpFlow extends BaseFlow {
  readonly transport = "UDP" as const;
  readonly reliable = false;
  constructor(
    private readonly socket: UdpSocket,
    remote: Address,
    local: Address,
  ) {
    super(`UDP|${remote.host}|${remote.port}`, remote, local);
  }
  send(message: SipMessage): void {
    if (this.closed) return;
    try {
      this.socket.send(serialize(message), this.remote.port, this.remote.host, () => {});
    } catch {
      // The socket is closed: the layer is shutting down.
      this.closed = true;
    }
  }
  close(): void {
    this.closed = true;
  }
}

class StreamFlow extends BaseFlow {
  readonly reliable = true;
  constructor(
    readonly transport: "TCP" | "TLS",
    readonly socket: Socket,
    remote: Address,
    local: Address,
  ) {
    super(`${transport}|${remote.host}|${remote.port}|${local.port}`, remote, local);
  }
  send(message: SipMessage): void {
    if (!this.closed) this.socket.write(serialize(message));
  }
  sendRaw(text: string): void {
    if (!this.closed) this.socket.write(text);
  }
  close(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

class WsFlow extends BaseFlow {
  readonly reliable = true;
  constructor(
    readonly transport: "WS" | "WSS",
    readonly ws: WebSocket,
    remote: Address,
    local: Address,
  ) {
    super(`${transport}|${remote.host}|${remote.port}|${local.port}`, remote, local);
  }
  send(message: SipMessage): void {
    // RFC 7118 §5: one SIP message per WebSocket message; text frames for UTF-8 content.
    if (!this.closed && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(utf8.decode(serialize(message)));
    }
  }
  close(): void {
    this.closed = true;
    this.ws.close();
  }
}

const bracket = (host: string) => (host.includes(":") ? `[${host}]` : host);

export class NodeTransportLayer implements SipTransportLayer {
  private events: TransportEvents = { onMessage: () => {} };
  private readonly flows = new Map<string, Flow>();
  private readonly byRemote = new Map<string, Flow>();
  private readonly locals = new Map<TransportName, Address>();
  private udp: UdpSocket | undefined;
  private readonly servers: Array<Server | HttpServer> = [];
  private readonly wsServers: WebSocketServer[] = [];
  private readonly keepAlives = new Map<string, TimerHandle>();
  private readonly host: string;

  private constructor(private readonly options: NodeTransportOptions) {
    this.host = options.host ?? "127.0.0.1";
  }

  static async start(options: NodeTransportOptions): Promise<NodeTransportLayer> {
    const layer = new NodeTransportLayer(options);
    await layer.listen();
    return layer;
  }

  setEvents(events: TransportEvents): void {
    this.events = events;
  }

  localAddress(transport: TransportName): Address | undefined {
    return this.locals.get(transport);
  }

  flowById(id: string): Flow | undefined {
    const f = this.flows.get(id);
    return f && !f.closed ? f : undefined;
  }

  private async listen(): Promise<void> {
    const o = this.options;
    await this.ensureUdp(o.udp ?? 0);
    if (o.tcp !== undefined) {
      const server = createServer((s) => this.adoptStream("TCP", s));
      await this.listenServer(server, o.tcp, "TCP");
    }
    if (o.tls) {
      const server = createTlsServer({ key: o.tls.key, cert: o.tls.cert }, (s) =>
        this.adoptStream("TLS", s),
      );
      await this.listenServer(server, o.tls.port, "TLS");
    }
    if (o.ws !== undefined) await this.listenWs("WS", createHttpServer(), o.ws);
    if (o.wss) {
      await this.listenWs(
        "WSS",
        createHttpsServer({ key: o.wss.key, cert: o.wss.cert }),
        o.wss.port,
      );
    }
  }

  private async listenServer(server: Server, port: number, t: TransportName): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, this.host, () => resolve());
    });
    const addr = server.address();
    if (addr && typeof addr === "object") this.locals.set(t, { host: this.host, port: addr.port });
    this.servers.push(server);
  }

  private async listenWs(t: "WS" | "WSS", http: HttpServer, port: number): Promise<void> {
    // RFC 7118 §4.1: the "sip" WebSocket subprotocol is required.
    const wss = new WebSocketServer({
      server: http,
      handleProtocols: (protocols) => (protocols.has("sip") ? "sip" : false),
    });
    wss.on("connection", (ws, req) => {
      const remote = {
        host: (req.socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
        port: req.socket.remotePort ?? 0,
      };
      this.adoptWs(t, ws, remote, { host: this.host, port: this.locals.get(t)?.port ?? port });
    });
    this.wsServers.push(wss);
    await this.listenServer(http as unknown as Server, port, t);
  }

  private async ensureUdp(port: number): Promise<UdpSocket> {
    if (this.udp) return this.udp;
    const socket = createSocket(this.host.includes(":") ? "udp6" : "udp4");
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(port, this.host, () => resolve());
    });
    socket.on("message", (data, rinfo) => {
      const flow = this.udpFlow({ host: rinfo.address, port: rinfo.port });
      this.deliver(parseDatagram(data), flow);
    });
    socket.on("error", () => {
      // ICMP errors surface here on some platforms; transactions time out instead (§17.1.4).
    });
    this.udp = socket;
    this.locals.set("UDP", { host: this.host, port: socket.address().port });
    return socket;
  }

  private udpFlow(remote: Address): Flow {
    const id = `UDP|${remote.host}|${remote.port}`;
    let flow = this.flows.get(id);
    if (!flow) {
      flow = new UdpFlow(this.udp as UdpSocket, remote, this.locals.get("UDP") as Address);
      this.flows.set(id, flow);
      // UDP "flows" are bookkeeping only: keep the table bounded.
      if (this.flows.size > 10_000) this.pruneUdp();
    }
    return flow;
  }

  private pruneUdp(): void {
    for (const [id, f] of this.flows) if (f.transport === "UDP") this.flows.delete(id);
  }

  private deliver(result: ParseResult, flow: Flow): void {
    if (result.ok) this.events.onMessage({ message: result.message, flow });
    else this.events.onParseError?.({ error: result.error, partial: result.partial, flow });
  }

  private register(flow: Flow, remoteKey: string): void {
    this.flows.set(flow.id, flow);
    this.byRemote.set(remoteKey, flow);
  }

  private unregister(flow: Flow, remoteKey: string): void {
    if (this.flows.get(flow.id) === flow) this.flows.delete(flow.id);
    if (this.byRemote.get(remoteKey) === flow) this.byRemote.delete(remoteKey);
    const ka = this.keepAlives.get(flow.id);
    if (ka) this.options.clock.clearTimeout(ka);
    this.keepAlives.delete(flow.id);
    this.events.onFlowClosed?.(flow);
  }

  private adoptStream(t: "TCP" | "TLS", socket: Socket): StreamFlow {
    const remote = {
      host: (socket.remoteAddress ?? "").replace(/^::ffff:/, ""),
      port: socket.remotePort ?? 0,
    };
    const local = { host: this.host, port: socket.localPort ?? 0 };
    const flow = new StreamFlow(t, socket, remote, local);
    const key = `${t}|${remote.host}|${remote.port}`;
    this.register(flow, key);
    const framer = new StreamFramer();
    socket.on("data", (chunk: Buffer) => {
      for (const ev of framer.push(chunk)) {
        if (ev.type === "message") this.deliver(ev.result, flow);
        else if (ev.type === "ping") flow.sendRaw("\r\n");
        else if (ev.type === "fatal") {
          this.events.onParseError?.({ error: ev.error, partial: undefined, flow });
          flow.close();
        }
      }
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      flow.closed = true;
      this.unregister(flow, key);
    });
    return flow;
  }

  private adoptWs(t: "WS" | "WSS", ws: WebSocket, remote: Address, local: Address): WsFlow {
    const flow = new WsFlow(t, ws, remote, local);
    const key = `${t}|${remote.host}|${remote.port}`;
    this.register(flow, key);
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Array.isArray(data)
        ? Buffer.concat(data)
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : data;
      // A CRLF keep-alive over WebSocket carries no message.
      if (bytes.length <= 4 && /^[\r\n]*$/.test(utf8.decode(bytes))) return;
      this.deliver(parseDatagram(bytes), flow);
    });
    ws.on("error", () => {});
    ws.on("close", () => {
      flow.closed = true;
      this.unregister(flow, key);
    });
    return flow;
  }

  async flowTo(target: Target): Promise<Flow> {
    if (target.transport === "UDP") {
      await this.ensureUdp(0);
      return this.udpFlow({ host: target.host, port: target.port });
    }
    const key = `${target.transport}|${target.host}|${target.port}`;
    const existing = this.byRemote.get(key);
    if (existing && !existing.closed) return existing;
    const flow =
      target.transport === "WS" || target.transport === "WSS"
        ? await this.openWs(target)
        : await this.openStream(target);
    this.byRemote.set(key, flow);
    this.startKeepAlive(flow);
    return flow;
  }

  private async openStream(target: Target): Promise<Flow> {
    const t = target.transport as "TCP" | "TLS";
    const socket: Socket = await new Promise((resolve, reject) => {
      const s =
        t === "TLS"
          ? tlsConnect({
              host: target.host,
              port: target.port,
              ...serverIdentity(target),
              ...(this.options.ca ? { ca: this.options.ca } : {}),
            })
          : netConnect({ host: target.host, port: target.port });
      s.once(t === "TLS" ? "secureConnect" : "connect", () => {
        s.removeListener("error", reject);
        resolve(s);
      });
      s.once("error", reject);
    });
    return this.adoptStream(t, socket);
  }

  private async openWs(target: Target): Promise<Flow> {
    const t = target.transport as "WS" | "WSS";
    const scheme = t === "WSS" ? "wss" : "ws";
    const url = `${scheme}://${bracket(target.host)}:${target.port}${target.path ?? "/"}`;
    const ws = new WebSocket(url, "sip", {
      ...(this.options.ca ? { ca: this.options.ca } : {}),
      // ws checks the URL's host when no name is given, and sends no SNI for an IP literal.
      ...(target.serverName !== undefined && isIP(target.serverName) === 0
        ? { servername: target.serverName }
        : {}),
    });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const sock = (ws as unknown as { _socket: Socket })._socket;
    return this.adoptWs(
      t,
      ws,
      { host: target.host, port: target.port },
      { host: this.host, port: sock?.localPort ?? 0 },
    );
  }

  private startKeepAlive(flow: Flow): void {
    const every = this.options.keepAliveMs ?? 0;
    if (every <= 0 || !(flow instanceof StreamFlow)) return;
    const tick = () => {
      if (flow.closed) return;
      flow.sendRaw("\r\n\r\n");
      this.keepAlives.set(flow.id, this.options.clock.setTimeout(tick, every));
    };
    this.keepAlives.set(flow.id, this.options.clock.setTimeout(tick, every));
  }

  async close(): Promise<void> {
    for (const f of this.flows.values()) if (!f.reliable) f.close();
    for (const h of this.keepAlives.values()) this.options.clock.clearTimeout(h);
    this.keepAlives.clear();
    for (const f of this.flows.values()) if (f.reliable) f.close();
    for (const w of this.wsServers) {
      for (const c of w.clients) c.terminate();
      w.close();
    }
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (this.udp) {
      const u = this.udp;
      this.udp = undefined;
      await new Promise<void>((r) => u.close(() => r()));
    }
  }
}

/**
 * Which name a TLS server must prove: the SIP domain we resolved (RFC 5922, domain
 * certificates), else the host. RFC 6066 §3: SNI carries host names only, so an IP literal is
 * checked against the certificate's IP addresses without being sent as SNI (Node warns,
 * DEP0123, when it is).
 */
function serverIdentity(target: Target): {
  servername?: string;
  checkServerIdentity: (host: string, cert: PeerCertificate) => Error | undefined;
} {
  const name = target.serverName ?? target.host;
  return {
    ...(isIP(name) === 0 ? { servername: name } : {}),
    checkServerIdentity: (_host, cert) => checkServerIdentity(name, cert),
  };
}
