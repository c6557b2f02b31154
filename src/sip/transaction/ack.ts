// The ACK a client INVITE transaction sends for a 300–699 answer (RFC 3261 §17.1.1.3): same
// Request-URI, Call-ID, From, CSeq number and top Via as the INVITE, the To of the response, and
// the INVITE's Route header fields.
import { SipRequest, type SipResponse } from "../message/message.js";
import { formatVia } from "../message/via.js";

export function ackForFailure(invite: SipRequest, res: SipResponse): SipRequest {
  const ack = new SipRequest("ACK", invite.uri);
  ack.append("Via", formatVia(invite.topVia()));
  ack.append("Max-Forwards", "70");
  for (const route of invite.getAll("Route")) ack.append("Route", route);
  ack.append("From", invite.get("From") ?? "");
  ack.append("To", res.get("To") ?? "");
  ack.append("Call-ID", invite.callId());
  ack.append("CSeq", `${invite.cseq().seq} ACK`);
  return ack;
}
