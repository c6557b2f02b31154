// A minimal SIP UAS over UDP for the media interop test only — NOT the SIP stack (src/sip is
// built separately). It answers one INVITE with the SDP a MediaSession produces, resends the
// 200 OK until the ACK (RFC 3261 §13.3.1.4), and answers BYE, so that a real peer (baresip)
// exchanges media with our MediaSession.

import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { EventEmitter } from "node:events";
import { MediaError } from "../../../src/media/errors.js";
import type { MediaSession } from "../../../src/media/session/media-session.js";

interface SipMessage {
  readonly startLine: string;
  readonly headers: [string, string][];
  readonly body: string;
}

function parse(text: string): SipMessage {
  const split = text.indexOf("\r\n\r\n");
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? "" : text.slice(split + 4);
  const [startLine, ...lines] = head.split("\r\n");
  const headers = lines.map((l): [string, string] => {
    const i = l.indexOf(":");
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
  return { startLine: startLine!, headers, body };
}

function header(m: SipMessage, name: string): string[] {
  const short: Record<string, string> = {
    via: "v",
    from: "f",
    to: "t",
    "call-id": "i",
    contact: "m",
  };
  return m.headers
    .filter(([n]) => n.toLowerCase() === name || n.toLowerCase() === short[name])
    .map(([, v]) => v);
}

export class SipResponder extends EventEmitter<{
  answered: [];
  bye: [];
  rejected: [error: unknown];
}> {
  private readonly tag = `duet${Math.floor(Math.random() * 1e9)}`;
  private okTimer: ReturnType<typeof setInterval> | undefined;
  private acked = false;

  private constructor(
    private readonly socket: Socket,
    private readonly media: MediaSession,
  ) {
    super();
    socket.on("message", (msg, rinfo) => {
      void this.handle(parse(msg.toString("utf8")), rinfo);
    });
  }

  static open(media: MediaSession): Promise<SipResponder> {
    return new Promise((resolve) => {
      const s = createSocket("udp4");
      s.bind(0, "127.0.0.1", () => resolve(new SipResponder(s, media)));
    });
  }

  get port(): number {
    return this.socket.address().port;
  }

  private respond(
    req: SipMessage,
    status: string,
    to: RemoteInfo,
    extra: string[] = [],
    body = "",
  ): Buffer {
    const toHeader = header(req, "to")[0]!;
    const lines = [
      `SIP/2.0 ${status}`,
      ...header(req, "via").map((v) => `Via: ${v}`),
      `From: ${header(req, "from")[0]}`,
      `To: ${toHeader.includes(";tag=") ? toHeader : `${toHeader};tag=${this.tag}`}`,
      `Call-ID: ${header(req, "call-id")[0]}`,
      `CSeq: ${header(req, "cseq")[0]}`,
      ...extra,
      `Content-Length: ${Buffer.byteLength(body)}`,
      "",
      body,
    ];
    const wire = Buffer.from(lines.join("\r\n"));
    this.socket.send(wire, to.port, to.address);
    return wire;
  }

  private async handle(m: SipMessage, from: RemoteInfo): Promise<void> {
    const method = m.startLine.split(" ")[0];
    if (method === "INVITE" && !this.okTimer) {
      try {
        await this.media.setDescription(m.body, header(m, "content-type")[0] ?? "application/sdp");
      } catch (e) {
        // The typed error says which final response to send (488, 415, 400 …).
        const status = e instanceof MediaError ? e.sipStatus : 500;
        this.respond(m, `${status} Rejected`, from);
        this.emit("rejected", e);
        return;
      }
      const answer = await this.media.getDescription();
      const ok = this.respond(
        m,
        "200 OK",
        from,
        [`Contact: <sip:duet@127.0.0.1:${this.port}>`, `Content-Type: ${answer.contentType}`],
        answer.body,
      );
      this.okTimer = setInterval(() => {
        if (!this.acked) this.socket.send(ok, from.port, from.address);
      }, 500);
      this.emit("answered");
    } else if (method === "ACK") {
      this.acked = true;
      clearInterval(this.okTimer);
    } else if (method === "BYE") {
      this.respond(m, "200 OK", from);
      this.emit("bye");
    } else if (method && !m.startLine.startsWith("SIP/2.0") && method !== "INVITE") {
      this.respond(m, "200 OK", from);
    }
  }

  close(): void {
    clearInterval(this.okTimer);
    this.socket.close();
  }
}
