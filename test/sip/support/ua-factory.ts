// Starting real UAs on 127.0.0.1 for tests (real sockets, the system clock), and stopping them.
import { appendFileSync } from "node:fs";
import { type Clock, SystemClock } from "../../../src/common/clock.js";
import { serialize } from "../../../src/sip/message/index.js";
import {
  locate,
  NodeTransportLayer,
  type NodeTransportOptions,
  type TransportName,
} from "../../../src/sip/transport/index.js";
import {
  type IncomingCall,
  IncomingCall as IncomingCallClass,
  UserAgent,
  type UserAgentOptions,
} from "../../../src/sip/ua/index.js";
import { type SdpLog, staticSdp } from "./static-sdp.js";

export interface TestUa {
  readonly ua: UserAgent;
  readonly transport: NodeTransportLayer;
  readonly sdp: SdpLog;
  readonly incoming: IncomingCall[];
  /** Resolves with the next incoming call. */
  nextCall(): Promise<IncomingCall>;
  stop(): Promise<void>;
}

export async function startUa(
  opts: Partial<UserAgentOptions> & {
    aor: string;
    listen?: Partial<NodeTransportOptions>;
    autoAnswer?: boolean;
    /** With autoAnswer: send 180 before the 200 (default true). A proxy with several workers
     * may relay the two out of order, which sipp scenarios cannot take. */
    ringFirst?: boolean;
    preferredTransport?: TransportName;
    clock?: Clock;
  },
): Promise<TestUa> {
  const clock = opts.clock ?? new SystemClock();
  const transport = await NodeTransportLayer.start({
    clock,
    udp: 0,
    tcp: 0,
    ...(opts.listen ?? {}),
  });
  const sdp: SdpLog = { offers: 0, answers: 0, remoteBodies: [] };
  const ua = new UserAgent({
    resolver: (uri, preferred) => locate(uri, preferred),
    sessionDescription: staticSdp(sdp),
    ...opts,
    clock,
    transport,
  });
  // DUET_SIP_TRACE=FILE appends every message in and out, for debugging failed runs.
  const traceFile = process.env.DUET_SIP_TRACE;
  if (traceFile) {
    ua.onTrace = (dir, m, flow) => {
      const text = new TextDecoder().decode(serialize(m)).split("\r\n\r\n")[0];
      appendFileSync(
        traceFile,
        `--- ${opts.aor} ${dir} ${flow.transport} ${flow.remote.host}:${flow.remote.port}\n${text}\n`,
      );
    };
  }
  const incoming: IncomingCall[] = [];
  const waiters: Array<(c: IncomingCall) => void> = [];
  ua.onRequest = (ctx) => {
    if (ctx.request.method === "INVITE") {
      const call = new IncomingCallClass(ua, ctx);
      incoming.push(call);
      if (opts.autoAnswer) {
        if (opts.ringFirst !== false) call.ring();
        void call.accept();
      }
      waiters.shift()?.(call);
      return;
    }
    ctx.reply(200);
  };
  return {
    ua,
    transport,
    sdp,
    incoming,
    nextCall: () => new Promise((resolve) => waiters.push(resolve)),
    stop: async () => {
      await ua.close();
      await transport.close();
    },
  };
}
