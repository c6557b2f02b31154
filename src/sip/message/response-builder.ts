// Building a response to a request (RFC 3261 §8.2.6.2): Via (all, in order), From, Call-ID and
// CSeq copied; To copied with our tag added if it has none; Timestamp echoed in 100 (§8.2.6.1).
import { type SipRequest, SipResponse } from "./message.js";
import { formatNameAddr, tagOf, withParam } from "./name-addr.js";

/** RFC 3261 §21 reason phrases for the codes the stack sends. */
export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: "Trying",
  180: "Ringing",
  183: "Session Progress",
  200: "OK",
  202: "Accepted",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  415: "Unsupported Media Type",
  416: "Unsupported URI Scheme",
  420: "Bad Extension",
  481: "Call/Transaction Does Not Exist",
  482: "Loop Detected",
  483: "Too Many Hops",
  486: "Busy Here",
  487: "Request Terminated",
  488: "Not Acceptable Here",
  491: "Request Pending",
  500: "Server Internal Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "Version Not Supported",
  603: "Decline",
};

export function responseTo(
  request: SipRequest,
  status: number,
  reason?: string,
  toTag?: string,
): SipResponse {
  const res = new SipResponse(status, reason ?? REASON_PHRASES[status] ?? "Unknown");
  for (const v of request.getAll("Via")) res.append("Via", v);
  res.append("From", request.get("From") ?? "");
  const toRaw = request.get("To") ?? "";
  if (toTag && status > 100) {
    const to = request.to();
    res.append("To", tagOf(to) ? toRaw : formatNameAddr(withParam(to, "tag", toTag)));
  } else {
    res.append("To", toRaw);
  }
  res.append("Call-ID", request.get("Call-ID") ?? "");
  res.append("CSeq", request.get("CSeq") ?? "");
  if (status === 100) {
    const ts = request.get("Timestamp");
    if (ts !== undefined) res.append("Timestamp", ts);
  }
  return res;
}
