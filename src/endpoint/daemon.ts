// One endpoint behind its API (issue 6): the Endpoint, the JSON-RPC + SSE server in front of
// it, and what ties the two together (events out, delivery marks back).

import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import type { Clock } from "../common/clock.js";
import { type ApiAddress, ApiServer } from "./api/index.js";
import type { EndpointConfig } from "./config/index.js";
import { Endpoint, type EndpointLogger, type WireTracer } from "./endpoint.js";

export interface DaemonOptions {
  readonly config: EndpointConfig;
  readonly clock?: Clock;
  readonly log?: EndpointLogger;
  readonly trace?: { readonly sip?: WireTracer; readonly xmpp?: WireTracer };
}

/** The line the daemon prints when it is ready (one JSON object). */
export interface ReadyLine {
  readonly ready: true;
  readonly api: string;
  /** Only when the daemon made the token up itself (none was configured). */
  readonly apiToken?: string;
  readonly xmpp: string;
  readonly sip: { readonly aor: string; readonly gruu?: string };
  readonly store: string;
  readonly pid: number;
}

export class Daemon {
  private constructor(
    readonly endpoint: Endpoint,
    readonly server: ApiServer,
    readonly address: ApiAddress,
    readonly ready: ReadyLine,
  ) {}

  static async start(opts: DaemonOptions): Promise<Daemon> {
    const c = opts.config;
    if (c.media.record) mkdirSync(c.media.record, { recursive: true });
    const log = opts.log ?? (() => {});
    const endpoint = await Endpoint.start({
      config: c,
      log,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.trace ? { trace: opts.trace } : {}),
    });
    const madeUpToken = c.daemon.apiToken === undefined;
    const token = c.daemon.apiToken ?? randomBytes(24).toString("base64url");
    const server = new ApiServer({
      api: endpoint,
      token,
      host: c.daemon.api.host,
      port: c.daemon.api.port,
      ...(opts.clock ? { clock: opts.clock } : {}),
      // A resuming client gets what it missed from the event log (or a gap notice and reloads).
      onStreamOpen: (resumed) => (resumed ? [] : endpoint.takeUnshown()),
      onInternalError: (e) =>
        log("error", "api", `a method failed: ${(e as Error).stack ?? String(e)}`),
    });
    let address: ApiAddress;
    try {
      address = await server.listen();
    } catch (e) {
      await endpoint.close();
      throw e;
    }
    endpoint.onEvent((e) => {
      server.publish(e);
      // Delivered to a connected client: it need not be replayed after a restart.
      if (e.type === "message.received" && server.streamCount > 0)
        endpoint.markShown([e.message.id]);
    });
    const a = endpoint.addresses;
    const ready: ReadyLine = {
      ready: true,
      api: address.url,
      ...(madeUpToken ? { apiToken: token } : {}),
      xmpp: a.jid,
      sip: { aor: a.aor, ...(a.gruu ? { gruu: a.gruu } : {}) },
      store: c.daemon.store,
      pid: process.pid,
    };
    return new Daemon(endpoint, server, address, ready);
  }

  async close(): Promise<void> {
    await this.endpoint.close();
    await this.server.close();
  }
}
