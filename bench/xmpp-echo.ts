// Benchmark (not a test): round-trip latency and throughput of chat messages between two of
// our XMPP clients through the sandbox's Prosody, against two raw @xmpp/client clients doing
// the same in the same run (as shipped, and with TCP_NODELAY like ours), with the ratios.
// Target: our layer adds ≤ 10% over the raw library.
//
//   npx tsc -p tsconfig.json && node dist/bench/xmpp-echo.js [roundTrips] [throughputMessages]
import { randomBytes } from "node:crypto";
import { client as rawClient, xml } from "@xmpp/client";
import {
  addXmppAccount,
  type SandboxInfo,
  startSandbox,
  stopSandbox,
} from "../src/sandbox/index.js";
import { XmppClient } from "../src/xmpp/client.js";
import { MemoryLogger } from "../src/xmpp/log.js";

const ROUND_TRIPS = Number(process.argv[2] ?? 1000);
const THROUGHPUT_MESSAGES = Number(process.argv[3] ?? 3000);
const WINDOW = 50;
const WARMUP = 100;

/** One side of a pair as the benchmark drives it: send a body to the peer, hear echoes. */
interface Pair {
  readonly name: string;
  send(body: string): void;
  onEcho(fn: (body: string) => void): void;
  close(): Promise<void>;
}

function account(
  info: SandboxInfo,
  prefix: string,
): { jid: string; user: string; password: string } {
  const user = `${prefix}-${randomBytes(3).toString("hex")}`;
  const password = `${user}-pw`;
  return { jid: addXmppAccount(info, user, password), user, password };
}

async function ourPair(info: SandboxInfo): Promise<Pair> {
  const make = (a: { jid: string; password: string }, resource: string) =>
    new XmppClient({
      jid: a.jid,
      password: a.password,
      resource,
      service: info.xmpp.tcpUrl,
      tls: "none",
      logger: new MemoryLogger(),
      keepAlive: false,
      // Like the raw clients: no receipts, no carbons (each carbon-enabled session costs the
      // server work per message, which is not our layer's cost).
      autoReceipts: false,
      carbons: false,
    });
  const a = make(account(info, "ours-a"), "a");
  const b = make(account(info, "ours-b"), "b");
  await a.connect();
  await b.connect();
  b.messaging.events.on("message", (e) => {
    if (e.direction === "incoming" && e.message.body !== undefined) {
      b.messaging.send({ to: e.message.from, body: e.message.body, requestReceipt: false });
    }
  });
  const to = b.jid;
  return {
    name: "Duet XmppClient",
    send: (body) => {
      a.messaging.send({ to, body, requestReceipt: false });
    },
    onEcho: (fn) => {
      a.messaging.events.on("message", (e) => {
        if (e.message.body !== undefined) fn(e.message.body);
      });
    },
    close: async () => {
      await a.disconnect();
      await b.disconnect();
    },
  };
}

/**
 * The same chat message our layer sends: an id that is also the XEP-0359 origin-id. (The
 * origin-id matters: Prosody 0.12 does noticeably more work per message that carries one, about
 * half the throughput on this sandbox, so leaving it out would compare different traffic.)
 */
function rawChat(to: string, body: string) {
  const id = randomBytes(12).toString("hex");
  return xml(
    "message",
    { to, type: "chat", id },
    xml("body", {}, body),
    xml("origin-id", { xmlns: "urn:xmpp:sid:0", id }),
  );
}

/**
 * Two raw @xmpp/client clients; with `noDelay`, their TCP sockets get TCP_NODELAY as ours do,
 * so that the comparison isolates what our layer costs per message.
 */
async function rawPair(info: SandboxInfo, noDelay = false): Promise<Pair> {
  const make = (a: { user: string; password: string }, resource: string) =>
    rawClient({
      service: info.xmpp.tcpUrl,
      domain: info.domains.xmpp,
      username: a.user,
      password: a.password,
      resource,
    } as never);
  const a = make(account(info, "raw-a"), "a");
  const b = make(account(info, "raw-b"), "b");
  for (const c of [a, b]) {
    c.on("error", () => {});
    if (noDelay) {
      c.on("status", (status) => {
        const socket = c.socket as { setNoDelay?: (on: boolean) => void } | null;
        if (status === "connect") socket?.setNoDelay?.(true);
      });
    }
  }
  await a.start();
  await b.start();
  await a.send(xml("presence"));
  await b.send(xml("presence"));
  b.on("stanza", (st) => {
    const body = st.getChildText("body");
    if (st.name === "message" && body !== null) {
      b.send(rawChat(st.attrs.from ?? "", body)).catch(() => {});
    }
  });
  const to = b.jid!.toString();
  return {
    name: noDelay ? "raw + TCP_NODELAY" : "raw @xmpp/client",
    send: (body) => {
      a.send(rawChat(to, body)).catch(() => {});
    },
    onEcho: (fn) => {
      a.on("stanza", (st) => {
        const body = st.getChildText("body");
        if (st.name === "message" && body !== null) fn(body);
      });
    },
    close: async () => {
      await a.stop();
      await b.stop();
    },
  };
}

interface Figures {
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly messagesPerSecond: number;
  /** Echoes that never came back (reported, not hidden; a round trip waits at most LOST_MS). */
  readonly lost: number;
}

const LOST_MS = 5_000;
const progress = (line: string) => process.stderr.write(`${line}\n`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function measure(pair: Pair): Promise<Figures> {
  let waiting: ((body: string) => void) | null = null;
  pair.onEcho((body) => waiting?.(body));
  let lost = 0;
  /** The round-trip time, or null when the echo did not come back within LOST_MS. */
  const roundTrip = (body: string) =>
    new Promise<number | null>((resolve) => {
      const start = performance.now();
      const timer = setTimeout(() => {
        lost++;
        resolve(null);
      }, LOST_MS);
      waiting = (echo) => {
        if (echo !== body) return;
        clearTimeout(timer);
        resolve(performance.now() - start);
      };
      pair.send(body);
    });
  for (let i = 0; i < WARMUP; i++) await roundTrip(`warm-${i}`);
  const latencies: number[] = [];
  for (let i = 0; i < ROUND_TRIPS; i++) {
    const ms = await roundTrip(`rt-${i}`);
    if (ms !== null) latencies.push(ms);
  }
  latencies.sort((x, y) => x - y);

  // Throughput: keep WINDOW messages in flight until every echo came back (or none came for
  // LOST_MS: the rest count as lost).
  const messagesPerSecond = await new Promise<number>((resolve) => {
    let sent = 0;
    let echoed = 0;
    const start = performance.now();
    let last = start;
    const finish = () => {
      clearInterval(watchdog);
      lost += THROUGHPUT_MESSAGES - echoed;
      resolve((echoed / (last - start)) * 1000);
    };
    const watchdog = setInterval(() => {
      if (performance.now() - last > LOST_MS) finish();
    }, 500);
    waiting = (body) => {
      if (!body.startsWith("tp-")) return;
      echoed++;
      last = performance.now();
      if (echoed === THROUGHPUT_MESSAGES) finish();
      else if (sent < THROUGHPUT_MESSAGES) pair.send(`tp-${sent++}`);
    };
    while (sent < Math.min(WINDOW, THROUGHPUT_MESSAGES)) pair.send(`tp-${sent++}`);
  });
  return {
    medianMs: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    messagesPerSecond,
    lost,
  };
}

const fmt = (n: number, digits = 3) => n.toFixed(digits);

async function main(): Promise<void> {
  const info = await startSandbox();
  try {
    const results: { name: string; figures: Figures }[] = [];
    const rawNoDelay = (i: SandboxInfo) => rawPair(i, true);
    // Alternated so that warm-up and the load of a shared machine fall on all three.
    const order = [
      rawPair,
      ourPair,
      rawNoDelay,
      rawNoDelay,
      ourPair,
      rawPair,
      rawPair,
      rawNoDelay,
      ourPair,
    ];
    for (const make of order) {
      const pair = await make(info);
      progress(`measuring ${pair.name}…`);
      try {
        results.push({ name: pair.name, figures: await measure(pair) });
      } finally {
        await pair.close();
      }
    }
    const mean = (name: string, key: keyof Figures) => {
      const rows = results.filter((r) => r.name === name);
      return rows.reduce((s, r) => s + r.figures[key], 0) / rows.length;
    };
    console.log(
      `xmpp-echo through Prosody (${ROUND_TRIPS} round trips, ${THROUGHPUT_MESSAGES} messages, window ${WINDOW})`,
    );
    for (const r of results) {
      console.log(
        `  ${r.name.padEnd(18)} median ${fmt(r.figures.medianMs)} ms  p99 ${fmt(r.figures.p99Ms)} ms  ${fmt(r.figures.messagesPerSecond, 0)} msgs/s  lost ${r.figures.lost}`,
      );
    }
    const ours = "Duet XmppClient";
    for (const raw of ["raw @xmpp/client", "raw + TCP_NODELAY"]) {
      console.log(
        `  ratio ours / ${raw}: median ${fmt(mean(ours, "medianMs") / mean(raw, "medianMs"), 2)}  ` +
          `p99 ${fmt(mean(ours, "p99Ms") / mean(raw, "p99Ms"), 2)}  ` +
          `throughput ${fmt(mean(ours, "messagesPerSecond") / mean(raw, "messagesPerSecond"), 2)} (higher is better)`,
      );
    }
  } finally {
    await stopSandbox(info.dir);
  }
}

await main();
