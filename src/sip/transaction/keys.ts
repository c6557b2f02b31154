// Transaction matching: client side §17.1.3, server side §17.2.3 with the RFC 2543 fallback for
// branches without the magic cookie.
import { formatHost } from "../message/host.js";
import type { SipRequest, SipResponse } from "../message/message.js";
import { formatUri } from "../message/uri.js";
import { BRANCH_COOKIE, formatVia, viaBranch } from "../message/via.js";

/** §17.1.3: the top Via branch and the CSeq method identify the client transaction. */
export function clientKeyOfResponse(res: SipResponse): string | undefined {
  const branch = viaBranch(res.topVia());
  if (!branch) return undefined;
  return `${branch}|${res.cseq().method}`;
}

export function clientKeyOfRequest(req: SipRequest): string {
  return `${viaBranch(req.topVia()) ?? ""}|${req.method}`;
}

/**
 * §17.2.3: branch + sent-by + method, where ACK matches the INVITE it acknowledges. For a branch
 * without the RFC 3261 cookie, the RFC 2543 rule: Request-URI, From tag, Call-ID, CSeq number and
 * top Via (the To tag is not part of the key, so an ACK finds its INVITE).
 */
export function serverKey(req: SipRequest): string {
  const via = req.topVia();
  const branch = viaBranch(via);
  const method = req.method === "ACK" ? "INVITE" : req.method;
  if (branch?.startsWith(BRANCH_COOKIE) && branch.length > BRANCH_COOKIE.length) {
    const sentBy = `${formatHost(via.host).toLowerCase()}:${via.port ?? ""}`;
    return `${branch}|${sentBy}|${method}`;
  }
  const cseq = req.cseq();
  return [
    "2543",
    formatUri(req.uri),
    req.fromTag() ?? "",
    req.callId(),
    cseq.seq,
    formatVia(via),
    method,
  ].join("|");
}
