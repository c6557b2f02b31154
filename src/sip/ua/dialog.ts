// Dialog state (RFC 3261 §12): identifiers, sequence numbers, route set and remote target, and
// building requests within the dialog (§12.2.1.1), including strict routing.
import {
  formatNameAddr,
  formatUri,
  type NameAddr,
  parseNameAddr,
  SipRequest as Request,
  type SipRequest,
  type SipResponse,
  tagOf,
  type Uri,
  uriParam,
} from "../message/index.js";

export interface DialogState {
  readonly callId: string;
  readonly localTag: string;
  remoteTag: string;
  /** Local and remote URIs with display names, as in From/To (§12.1). */
  readonly local: NameAddr;
  readonly remote: NameAddr;
  localSeq: number;
  remoteSeq: number | undefined;
  remoteTarget: Uri;
  routeSet: NameAddr[];
  readonly secure: boolean;
}

export const dialogKey = (callId: string, localTag: string, remoteTag: string): string =>
  `${callId}|${localTag}|${remoteTag}`;

function stripTag(na: NameAddr): NameAddr {
  return { ...na, params: na.params.filter((p) => p.name.toLowerCase() !== "tag") };
}

function firstContact(msg: SipRequest | SipResponse): Uri | undefined {
  const c = msg.contacts();
  return c === "*" ? undefined : c[0]?.uri;
}

export class Dialog {
  readonly state: DialogState;
  confirmed = false;

  private constructor(state: DialogState) {
    this.state = state;
  }

  get key(): string {
    return dialogKey(this.state.callId, this.state.localTag, this.state.remoteTag);
  }

  /** UAC side, from our request and a 1xx/2xx that carries a To tag (§12.1.2). */
  static asUac(request: SipRequest, response: SipResponse): Dialog | undefined {
    const remoteTag = tagOf(response.to());
    // An RFC 2543 peer may leave out Contact: its address in To is then the target.
    const target = firstContact(response) ?? response.to().uri;
    const localTag = tagOf(request.from());
    if (!remoteTag || !target || !localTag) return undefined;
    return new Dialog({
      callId: request.callId(),
      localTag,
      remoteTag,
      local: stripTag(request.from()),
      remote: stripTag(response.to()),
      localSeq: request.cseq().seq,
      remoteSeq: undefined,
      remoteTarget: target,
      routeSet: [...response.recordRoutes()].reverse(),
      secure: request.uri.scheme === "sips",
    });
  }

  /** UAS side, from the request and the tag we put in our To (§12.1.1). */
  static asUas(request: SipRequest, localTag: string): Dialog | undefined {
    // RFC 4475 §3.4.1: an RFC 2543 INVITE may lack Contact; its From address is the target.
    const target = firstContact(request) ?? request.from().uri;
    const remoteTag = tagOf(request.from()) ?? "";
    if (!target) return undefined;
    return new Dialog({
      callId: request.callId(),
      localTag,
      remoteTag,
      local: stripTag(request.to()),
      remote: stripTag(request.from()),
      localSeq: 0,
      remoteSeq: request.cseq().seq,
      remoteTarget: target,
      routeSet: request.recordRoutes(),
      secure: request.uri.scheme === "sips",
    });
  }

  /** A target refresh (re-INVITE or its 2xx) updates the remote target (§12.2). */
  refreshTarget(msg: SipRequest | SipResponse): void {
    const t = firstContact(msg);
    if (t) this.state.remoteTarget = t;
  }

  /**
   * A request within the dialog (§12.2.1.1). ACK and CANCEL reuse a given CSeq number; others
   * take the next local one.
   */
  createRequest(method: string, cseq?: number): SipRequest {
    const s = this.state;
    const seq = cseq ?? ++s.localSeq;
    const first = s.routeSet[0];
    const strict = first !== undefined && uriParam(first.uri, "lr") === undefined;
    const uri = strict ? first.uri : s.remoteTarget;
    const req = new Request(method, uri);
    const routes = strict ? s.routeSet.slice(1) : s.routeSet;
    for (const r of routes) req.append("Route", formatNameAddr(r));
    if (strict) req.append("Route", `<${formatUri(s.remoteTarget)}>`);
    req.append("Max-Forwards", "70");
    req.append(
      "From",
      formatNameAddr({ ...s.local, params: [{ name: "tag", value: s.localTag }] }),
    );
    const to = s.remoteTag ? [{ name: "tag", value: s.remoteTag }] : [];
    req.append("To", formatNameAddr({ ...s.remote, params: to }));
    req.append("Call-ID", s.callId);
    req.append("CSeq", `${seq} ${method}`);
    return req;
  }

  /** The next hop for requests in this dialog: the first route, else the remote target. */
  nextHop(): Uri {
    return this.state.routeSet[0]?.uri ?? this.state.remoteTarget;
  }

  /**
   * Checks an incoming request's CSeq (§12.2.2): lower than the last one → 500. Returns false
   * when the request must be refused.
   */
  acceptRemoteSeq(request: SipRequest): boolean {
    const seq = request.cseq().seq;
    if (request.method === "ACK" || request.method === "CANCEL") return true;
    if (this.state.remoteSeq !== undefined && seq <= this.state.remoteSeq) return false;
    this.state.remoteSeq = seq;
    return true;
  }
}

export const parseAddress = (text: string, header = "address"): NameAddr =>
  parseNameAddr(text, header);
