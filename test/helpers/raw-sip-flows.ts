// Raw SIP flows through the sandbox's Kamailio used by the foundation tests: REGISTER with
// digest, and a whole INVITE/ACK/BYE call, written out message by message.
import { randomBytes, randomUUID } from "node:crypto";
import type { SandboxAccount, SandboxInfo } from "../../src/sandbox/index.js";
import {
  digestAuthorization,
  newBranch,
  newTag,
  type RawSipMessage,
  type RawSipPeer,
  sipMessage,
  sipResponse,
} from "./raw-sip.js";

const via = (peer: RawSipPeer, branch = newBranch()) =>
  `SIP/2.0/${peer.transport} ${peer.hostport};branch=${branch};rport`;

/** REGISTERs `account` from `peer` (answering the 401), returning the final response. */
export async function rawRegister(
  peer: RawSipPeer,
  info: SandboxInfo,
  account: Pick<SandboxAccount, "aor" | "sipUser" | "password">,
  opts: { instance?: string; expires?: number } = {},
): Promise<RawSipMessage> {
  const callId = `reg-${randomBytes(6).toString("hex")}`;
  const fromTag = newTag();
  const registrar = `sip:${info.domains.sip}`;
  const contact =
    `<sip:${account.sipUser}@${peer.hostport}${peer.transport === "TLS" ? ";transport=tls" : ""}>` +
    (opts.instance ? `;+sip.instance="<urn:uuid:${opts.instance}>"` : "");
  const build = (cseq: number, auth?: string) => {
    const headers: [string, string][] = [
      ["Via", via(peer)],
      ["Max-Forwards", "70"],
      ["From", `<${account.aor}>;tag=${fromTag}`],
      ["To", `<${account.aor}>`],
      ["Call-ID", callId],
      ["CSeq", `${cseq} REGISTER`],
      ["Contact", contact],
      ["Supported", "gruu"],
      ["Expires", String(opts.expires ?? 120)],
    ];
    if (auth) headers.push(["Authorization", auth]);
    return sipMessage(`REGISTER ${registrar} SIP/2.0`, headers);
  };
  const isReply = (cseq: number) => (m: RawSipMessage) =>
    m.status !== undefined &&
    m.header("call-id") === callId &&
    m.header("cseq") === `${cseq} REGISTER`;
  peer.send(build(1));
  const first = await peer.next(isReply(1));
  if (first.status !== 401) return first;
  const challenge = first.header("www-authenticate") ?? "";
  peer.send(
    build(
      2,
      digestAuthorization(
        challenge,
        { username: account.sipUser, password: account.password },
        "REGISTER",
        registrar,
      ),
    ),
  );
  return peer.next(isReply(2));
}

export interface RawCallResult {
  /** The INVITE as the callee received it. */
  readonly inviteAtCallee: RawSipMessage;
  /** The 200 OK as the caller received it. */
  readonly okAtCaller: RawSipMessage;
  /** The Call-ID the caller used. */
  readonly callerCallId: string;
  /** Whether the ACK and the BYE reached the callee, and the BYE's 200 the caller. */
  readonly ackReachedCallee: boolean;
  readonly byeCompleted: boolean;
}

/**
 * A whole call from `caller` to `callee`'s AOR through the proxy: INVITE (answering the 407),
 * 180 and 200 from the callee, ACK, BYE and its 200. Both sides put `Call-Info` and
 * `Session-ID` (RFC 7989) headers in, so a test can see what an intermediary removes.
 */
export async function rawCall(
  caller: { peer: RawSipPeer; account: SandboxAccount },
  callee: { peer: RawSipPeer; account: SandboxAccount },
): Promise<RawCallResult> {
  const { peer: a } = caller;
  const { peer: b } = callee;
  const callId = `call-${randomBytes(8).toString("hex")}`;
  const fromTag = newTag();
  const sessionA = randomUUID().replaceAll("-", "");
  const sessionB = randomUUID().replaceAll("-", "");
  const target = callee.account.aor;
  const sdp =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
  const invite = (cseq: number, auth?: string) => {
    const headers: [string, string][] = [
      ["Via", via(a)],
      ["Max-Forwards", "70"],
      ["From", `<${caller.account.aor}>;tag=${fromTag}`],
      ["To", `<${target}>`],
      ["Call-ID", callId],
      ["CSeq", `${cseq} INVITE`],
      ["Contact", `<sip:${caller.account.sipUser}@${a.hostport}>`],
      [
        "Call-Info",
        `<xmpp:${caller.account.jid}/raw?message;thread=t-${callId}>;purpose=impp;token=tokA`,
      ],
      ["Session-ID", `${sessionA};remote=00000000000000000000000000000000`],
      ["Content-Type", "application/sdp"],
    ];
    if (auth) headers.push(["Proxy-Authorization", auth]);
    return sipMessage(`INVITE ${target} SIP/2.0`, headers, sdp);
  };
  const replyTo = (cseq: string) => (m: RawSipMessage) =>
    m.status !== undefined && m.header("call-id") === callId && m.header("cseq") === cseq;

  a.send(invite(1));
  const challenge = await a.next(replyTo("1 INVITE"));
  if (challenge.status !== 407) throw new Error(`expected 407, got ${challenge.startLine}`);
  // RFC 3261 §17.1.1.3: the ACK for a non-2xx final response.
  a.send(
    sipMessage(`ACK ${target} SIP/2.0`, [
      ["Via", challenge.header("via") ?? ""],
      ["Max-Forwards", "70"],
      ["From", challenge.header("from") ?? ""],
      ["To", challenge.header("to") ?? ""],
      ["Call-ID", callId],
      ["CSeq", "1 ACK"],
    ]),
  );
  const auth = digestAuthorization(
    challenge.header("proxy-authenticate") ?? "",
    { username: caller.account.sipUser, password: caller.account.password },
    "INVITE",
    target,
  );
  a.send(invite(2, auth));

  const atB = await b.next((m) => m.method === "INVITE");
  const bTag = newTag();
  const bContact = `<sip:${callee.account.sipUser}@${b.hostport}>`;
  b.send(sipResponse(atB, "180 Ringing", [["Contact", bContact]], bTag));
  b.send(
    sipResponse(
      atB,
      "200 OK",
      [
        ["Contact", bContact],
        [
          "Call-Info",
          `<xmpp:${callee.account.jid}/raw?message;thread=t-${callId}>;purpose=impp;token=tokB`,
        ],
        ["Session-ID", `${sessionB};remote=${sessionA}`],
        ["Content-Type", "application/sdp"],
      ],
      bTag,
      sdp.replace("40000", "40002"),
    ),
  );
  const ok = await a.next((m) => replyTo("2 INVITE")(m) && m.status === 200);

  // The caller's route set is the Record-Route of the 2xx in reverse order (RFC 3261 §12.1.2);
  // the remote target is the 2xx's Contact.
  const routes = ok
    .all("record-route")
    .flatMap((v) => v.split(/,(?=\s*<)/))
    .reverse();
  const remoteTarget = /<([^>]+)>/.exec(ok.header("contact") ?? "")?.[1] ?? target;
  const inDialog = (method: string, cseq: number) =>
    sipMessage(`${method} ${remoteTarget} SIP/2.0`, [
      ["Via", via(a)],
      ["Max-Forwards", "70"],
      ...routes.map((r): [string, string] => ["Route", r.trim()]),
      ["From", `<${caller.account.aor}>;tag=${fromTag}`],
      ["To", ok.header("to") ?? ""],
      ["Call-ID", callId],
      ["CSeq", `${cseq} ${method}`],
    ]);
  a.send(inDialog("ACK", 2));
  const ackReachedCallee = await b
    .next((m) => m.method === "ACK")
    .then(() => true)
    .catch(() => false);
  a.send(inDialog("BYE", 3));
  let byeCompleted = false;
  try {
    const bye = await b.next((m) => m.method === "BYE");
    b.send(sipResponse(bye, "200 OK"));
    await a.next((m) => replyTo("3 BYE")(m) && m.status === 200);
    byeCompleted = true;
  } catch {
    byeCompleted = false;
  }
  return {
    inviteAtCallee: atB,
    okAtCaller: ok,
    callerCallId: callId,
    ackReachedCallee,
    byeCompleted,
  };
}
