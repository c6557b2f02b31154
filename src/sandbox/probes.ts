// Readiness and health probes: each asks a server a real protocol question and resolves true
// only on a real answer (an XMPP stream with features, a SIP 200, a WebSocket upgrade).

import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import WebSocket from "ws";
import { XMPP_DOMAIN } from "./identities.js";
import { LOOPBACK } from "./ports.js";

const PROBE_TIMEOUT_MS = 1500;

/** Opens an XMPP stream to `port` and waits for <stream:features> (RFC 6120 §4.3.2). */
export function probeXmppStream(port: number, opts: { directTls?: boolean; ca?: string } = {}) {
  return new Promise<boolean>((resolve) => {
    let socket: Socket;
    let data = "";
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PROBE_TIMEOUT_MS);
    const open = () =>
      socket.write(
        `<?xml version='1.0'?><stream:stream to='${XMPP_DOMAIN}' xmlns='jabber:client' ` +
          "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
      );
    if (opts.directTls) {
      socket = tlsConnect(
        {
          host: LOOPBACK,
          port,
          servername: XMPP_DOMAIN,
          ca: opts.ca,
          ALPNProtocols: ["xmpp-client"],
        },
        open,
      );
    } else {
      socket = netConnect({ host: LOOPBACK, port }, open);
    }
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      data += chunk;
      if (data.includes("stream:features")) done(true);
    });
    socket.on("error", () => done(false));
    socket.on("close", () => done(false));
  });
}

function optionsRequest(port: number, transport: "UDP" | "TLS", localPort: number): string {
  const branch = `z9hG4bK-probe-${randomBytes(6).toString("hex")}`;
  const callId = `probe-${randomBytes(8).toString("hex")}`;
  return (
    `OPTIONS sip:${LOOPBACK}:${port} SIP/2.0\r\n` +
    `Via: SIP/2.0/${transport} ${LOOPBACK}:${localPort};branch=${branch};rport\r\n` +
    "Max-Forwards: 70\r\n" +
    `From: <sip:probe@${LOOPBACK}>;tag=${randomBytes(4).toString("hex")}\r\n` +
    `To: <sip:${LOOPBACK}:${port}>\r\n` +
    `Call-ID: ${callId}\r\n` +
    "CSeq: 1 OPTIONS\r\n" +
    "Content-Length: 0\r\n\r\n"
  );
}

/** Sends OPTIONS to the proxy itself over UDP and waits for a 200 (RFC 3261 §11). */
export function probeSipUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket("udp4");
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PROBE_TIMEOUT_MS);
    socket.on("message", (msg) => {
      if (msg.toString("utf8").startsWith("SIP/2.0 200")) done(true);
    });
    socket.on("error", () => done(false));
    socket.bind({ address: LOOPBACK, port: 0 }, () => {
      const request = optionsRequest(port, "UDP", socket.address().port);
      socket.send(request, port, LOOPBACK);
    });
  });
}

/** Sends OPTIONS to the proxy over TLS and waits for a 200. */
export function probeSipTls(port: number, ca?: string): Promise<boolean> {
  return new Promise((resolve) => {
    let data = "";
    const socket = tlsConnect({ host: LOOPBACK, port, ca, servername: "voip.example.test" }, () =>
      socket.write(optionsRequest(port, "TLS", socket.localPort ?? 0)),
    );
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), PROBE_TIMEOUT_MS);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      data += chunk;
      if (data.startsWith("SIP/2.0 200")) done(true);
    });
    socket.on("error", () => done(false));
  });
}

/** Opens a WebSocket with the given subprotocol (RFC 7395 "xmpp", RFC 7118 "sip"). */
export function probeWebSocket(url: string, protocol: "xmpp" | "sip", ca?: string) {
  return new Promise<boolean>((resolve) => {
    const ws = new WebSocket(url, protocol, { ca, handshakeTimeout: PROBE_TIMEOUT_MS });
    const done = (ok: boolean) => {
      ws.removeAllListeners();
      ws.on("error", () => {});
      ws.terminate();
      resolve(ok);
    };
    ws.on("open", () => done(ws.protocol === protocol));
    ws.on("error", () => done(false));
    ws.on("unexpected-response", () => done(false));
  });
}
