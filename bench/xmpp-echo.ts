// Benchmark (not a test): round-trip latency and throughput of chat messages between two of
// our XMPP clients through the sandbox's Prosody, against two raw @xmpp/client clients doing
// the same in the same run (with TCP_NODELAY like ours, and as shipped), with the ratios.
// Target: our layer adds ≤ 10% over the raw library.
//
// Fairness: every pair sends the same stanzas (id + XEP-0359 origin-id, no receipt request),
// none enables carbons, all have XEP-0198 stream management on (printed per pair), and the
// pairs are measured in interleaved rounds. Besides wall-clock figures, which on a shared
// machine are mostly the server's and the scheduler's, it prints the CPU time (user + system)
// per round trip of the pair's process: what its two clients cost.
//
// Each pair runs in a child process of its own (this script, forked), driven by the parent
// over IPC: in one shared process the three stacks' code and garbage met in one heap and one
// JIT, so a pair's figures depended on which others were loaded beside it (an application has
// one XMPP stack). Run side by side in one process, our pair's event-loop busy time per round
// trip came out 1.4–1.6× the raw pair's; in processes of their own the gap in CPU time per
// round trip was smaller, and it varies from run to run (docs/xmpp.md has the figures). (Busy
// time is not CPU time either: it counts every wake-up of the loop, and under a sampling
// profiler even the idle Nagle pair read as busy.)
//
//   npx tsc -p tsconfig.json && node dist/bench/xmpp-echo.js [roundTrips] [throughputMessages] [rounds]
//
//   node dist/bench/xmpp-echo.js --alone [trials] [roundTrips]   (see alone() below)
//
// BENCH_CHILD_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (say) passes Node options to the
// pairs' processes, for profiling one stack at a time.
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
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
const ROUNDS = Number(process.argv[4] ?? 5);
const WINDOW = 50;
const WARMUP = 100;

/** One side of a pair as the benchmark drives it: send a body to the peer, hear echoes. */
interface Pair {
  readonly name: string;
  send(body: string): void;
  onEcho(fn: (body: string) => void): void;
  /** The settings that matter for the comparison, as in effect on both clients. */
  describe(): string;
  close(): Promise<void>;
}

interface Account {
  readonly jid: string;
  readonly user: string;
  readonly password: string;
}

/** What a child process needs to connect its pair (accounts are made by the parent). */
interface PairSetup {
  readonly kind: PairKind;
  readonly service: string;
  readonly domain: string;
  readonly a: Account;
  readonly b: Account;
}

type PairKind = "ours" | "raw-nodelay" | "raw";

function account(info: SandboxInfo, prefix: string): Account {
  const user = `${prefix}-${randomBytes(3).toString("hex")}`;
  const password = `${user}-pw`;
  return { jid: addXmppAccount(info, user, password), user, password };
}

async function ourPair(setup: PairSetup): Promise<Pair> {
  const make = (a: { jid: string; password: string }, resource: string) =>
    new XmppClient({
      jid: a.jid,
      password: a.password,
      resource,
      service: setup.service,
      tls: "none",
      logger: new MemoryLogger(),
      keepAlive: false,
      // Like the raw clients: no receipts, no carbons (each carbon-enabled session costs the
      // server work per message, which is not our layer's cost).
      autoReceipts: false,
      carbons: false,
    });
  const a = make(setup.a, "a");
  const b = make(setup.b, "b");
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
    describe: () =>
      `TCP_NODELAY on (XmppConnection sets it), stream management ${onOff(
        a.connection.streamManagementEnabled,
        b.connection.streamManagementEnabled,
      )}, carbons off, receipts off`,
    close: async () => {
      await a.disconnect();
      await b.disconnect();
    },
  };
}

/**
 * The same chat message our layer sends, byte for byte but for the values: a UUID id that is
 * also the XEP-0359 origin-id. (The origin-id matters: Prosody 0.12 does noticeably more work
 * per message that carries one, about half the throughput on this sandbox, so leaving it out
 * would compare different traffic.)
 */
function rawChat(to: string, body: string) {
  const id = randomUUID();
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
async function rawPair(setup: PairSetup, noDelay: boolean): Promise<Pair> {
  const make = (a: { user: string; password: string }, resource: string) =>
    rawClient({
      service: setup.service,
      domain: setup.domain,
      username: a.user,
      password: a.password,
      resource,
    } as never);
  const a = make(setup.a, "a");
  const b = make(setup.b, "b");
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
    describe: () =>
      `TCP_NODELAY ${noDelay ? "on" : "off (as shipped)"}, stream management ${onOff(
        a.streamManagement.enabled,
        b.streamManagement.enabled,
      )}, carbons off, receipts off`,
    close: async () => {
      await a.stop();
      await b.stop();
    },
  };
}

const onOff = (a: boolean, b: boolean) => (a && b ? "on" : a || b ? "on one side only" : "off");

interface Figures {
  readonly medianMs: number;
  readonly p99Ms: number;
  readonly messagesPerSecond: number;
  /**
   * CPU time (user + system) per round trip (µs) of the pair's process: the work of both its
   * clients (our layer plus the library, parsing, serialising, socket calls, garbage
   * collection), without the server's.
   */
  readonly clientUsPerRoundTrip: number;
  /** Echoes that never came back (reported, not hidden; a round trip waits at most LOST_MS). */
  readonly lost: number;
}

const LOST_MS = 5_000;
const progress = (line: string) => process.stderr.write(`${line}\n`);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sorted = (xs: readonly number[]) => [...xs].sort((x, y) => x - y);

/** Drives one pair: round trips one at a time, and a window of messages in flight. */
class Driver {
  private waiting: ((body: string) => void) | null = null;
  readonly latencies: number[] = [];
  /** Per round: the median round trip of that round's block. */
  readonly roundMedians: number[] = [];
  private cpuMicros = 0;
  private echoed = 0;
  private throughputMs = 0;
  lost = 0;

  constructor(readonly pair: Pair) {
    pair.onEcho((body) => this.waiting?.(body));
  }

  /** The round-trip time, or null when the echo did not come back within LOST_MS. */
  private roundTrip(body: string): Promise<number | null> {
    return new Promise<number | null>((resolve) => {
      const start = performance.now();
      const timer = setTimeout(() => {
        this.lost++;
        resolve(null);
      }, LOST_MS);
      this.waiting = (echo) => {
        if (echo !== body) return;
        clearTimeout(timer);
        resolve(performance.now() - start);
      };
      this.pair.send(body);
    });
  }

  async warmUp(count: number): Promise<void> {
    for (let i = 0; i < count; i++) await this.roundTrip(`warm-${i}`);
  }

  /** `count` round trips in a row; records them and the process's CPU time meanwhile. */
  async latencyBlock(round: number, count: number): Promise<void> {
    const block: number[] = [];
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      const ms = await this.roundTrip(`rt-${round}-${i}`);
      if (ms !== null) block.push(ms);
    }
    const cpu = process.cpuUsage(before);
    this.cpuMicros += cpu.user + cpu.system;
    this.latencies.push(...block);
    if (block.length > 0) this.roundMedians.push(percentile(sorted(block), 50));
  }

  /**
   * Keeps WINDOW messages in flight until `count` echoes came back (or none came for LOST_MS:
   * the rest count as lost).
   */
  throughputBlock(round: number, count: number): Promise<void> {
    return new Promise<void>((resolve) => {
      let sent = 0;
      let echoed = 0;
      const start = performance.now();
      let last = start;
      const prefix = `tp-${round}-`;
      const finish = () => {
        clearInterval(watchdog);
        this.lost += count - echoed;
        this.echoed += echoed;
        this.throughputMs += last - start;
        resolve();
      };
      const watchdog = setInterval(() => {
        if (performance.now() - last > LOST_MS) finish();
      }, 500);
      this.waiting = (body) => {
        if (!body.startsWith(prefix)) return;
        echoed++;
        last = performance.now();
        if (echoed === count) finish();
        else if (sent < count) this.pair.send(`${prefix}${sent++}`);
      };
      while (sent < Math.min(WINDOW, count)) this.pair.send(`${prefix}${sent++}`);
    });
  }

  figures(): Figures {
    const all = sorted(this.latencies);
    return {
      medianMs: percentile(all, 50),
      p99Ms: percentile(all, 99),
      messagesPerSecond: (this.echoed / this.throughputMs) * 1000,
      clientUsPerRoundTrip: this.cpuMicros / Math.max(1, this.latencies.length),
      lost: this.lost,
    };
  }
}

const fmt = (n: number, digits = 3) => n.toFixed(digits);

/** What the parent asks a pair's process to do; each request gets one reply. */
type Request =
  | { readonly op: "connect"; readonly setup: PairSetup }
  | { readonly op: "warmUp"; readonly count: number }
  | { readonly op: "latency"; readonly round: number; readonly count: number }
  | { readonly op: "throughput"; readonly round: number; readonly count: number }
  | { readonly op: "figures" }
  | { readonly op: "close" };

interface PairReport {
  readonly name: string;
  readonly description: string;
  readonly figures: Figures;
  readonly roundMedians: readonly number[];
}

/** The child side: one pair, driven by the parent's requests. */
async function servePair(): Promise<void> {
  let driver: Driver | undefined;
  const handle = async (req: Request): Promise<unknown> => {
    if (req.op === "connect") {
      const { setup } = req;
      const pair =
        setup.kind === "ours"
          ? await ourPair(setup)
          : await rawPair(setup, setup.kind === "raw-nodelay");
      driver = new Driver(pair);
      return null;
    }
    if (!driver) throw new Error(`"${req.op}" before "connect"`);
    switch (req.op) {
      case "warmUp":
        return driver.warmUp(req.count);
      case "latency":
        return driver.latencyBlock(req.round, req.count);
      case "throughput":
        return driver.throughputBlock(req.round, req.count);
      case "figures":
        return {
          name: driver.pair.name,
          description: driver.pair.describe(),
          figures: driver.figures(),
          roundMedians: driver.roundMedians,
        } satisfies PairReport;
      case "close":
        await driver.pair.close();
        return null;
    }
  };
  // The parent hangs up when the run ends: exit normally (so that --cpu-prof and the like write
  // their files), whatever is still open.
  process.on("disconnect", () => process.exit(0));
  process.on("message", (req: Request) => {
    handle(req).then(
      (result) => process.send!({ ok: true, result: result ?? null }),
      (err: unknown) => process.send!({ ok: false, error: String(err) }),
    );
  });
}

/** The parent's handle on one pair's process: one request at a time. */
class PairProcess {
  private readonly child: ChildProcess;

  constructor(readonly kind: PairKind) {
    this.child = fork(fileURLToPath(import.meta.url), ["--pair"], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: process.env.BENCH_CHILD_ARGS ? process.env.BENCH_CHILD_ARGS.split(" ") : [],
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  ask<T>(req: Request): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`the ${this.kind} pair's process exited (${code}) during "${req.op}"`));
      this.child.once("exit", onExit);
      this.child.once("message", (m: { ok: boolean; result?: T; error?: string }) => {
        this.child.off("exit", onExit);
        if (m.ok) resolve(m.result as T);
        else reject(new Error(`the ${this.kind} pair failed "${req.op}": ${m.error}`));
      });
      this.child.send(req);
    });
  }

  async close(): Promise<void> {
    await this.ask({ op: "close" }).catch(() => {});
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill(), 5000);
    await exited;
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const info = await startSandbox();
  const kinds: PairKind[] = ["ours", "raw-nodelay", "raw"];
  const prefixes: Record<PairKind, string> = { ours: "ours", "raw-nodelay": "rawnd", raw: "raw" };
  const pairs = kinds.map((kind) => new PairProcess(kind));
  try {
    // One pair of each kind, each in its own process and all connected for the whole run; the
    // measurements are interleaved in rounds (the order rotating from round to round) so that
    // the load of a shared machine and the server's growing archives fall on all three alike.
    for (const p of pairs) {
      const setup: PairSetup = {
        kind: p.kind,
        service: info.xmpp.tcpUrl,
        domain: info.domains.xmpp,
        a: account(info, `${prefixes[p.kind]}-a`),
        b: account(info, `${prefixes[p.kind]}-b`),
      };
      await p.ask({ op: "connect", setup });
    }
    for (const p of pairs) {
      progress(`warming up the ${p.kind} pair…`);
      await p.ask({ op: "warmUp", count: WARMUP });
    }
    const rotated = (round: number) => pairs.map((_, i) => pairs[(i + round) % pairs.length]!);
    const perRound = Math.max(1, Math.round(ROUND_TRIPS / ROUNDS));
    for (let round = 0; round < ROUNDS; round++) {
      progress(`round ${round + 1}/${ROUNDS}: round trips…`);
      for (const p of rotated(round)) await p.ask({ op: "latency", round, count: perRound });
    }
    const messagesPerRound = Math.max(1, Math.round(THROUGHPUT_MESSAGES / ROUNDS));
    for (let round = 0; round < ROUNDS; round++) {
      progress(`round ${round + 1}/${ROUNDS}: throughput…`);
      for (const p of rotated(round)) {
        await p.ask({ op: "throughput", round, count: messagesPerRound });
      }
    }
    const results: PairReport[] = [];
    for (const p of pairs) results.push(await p.ask<PairReport>({ op: "figures" }));

    console.log(
      `xmpp-echo through Prosody (${perRound * ROUNDS} round trips and ${messagesPerRound * ROUNDS} messages per pair, window ${WINDOW}, ${ROUNDS} interleaved rounds, one process per pair)`,
    );
    for (const r of results) console.log(`  ${r.name.padEnd(18)} ${r.description}`);
    for (const r of results) {
      const f = r.figures;
      console.log(
        `  ${r.name.padEnd(18)} median ${fmt(f.medianMs)} ms  p99 ${fmt(f.p99Ms)} ms  ${fmt(f.messagesPerSecond, 0)} msgs/s  client CPU ${fmt(f.clientUsPerRoundTrip, 0)} µs/rt  lost ${f.lost}`,
      );
    }
    const [ours, ...raws] = results;
    for (const raw of raws) {
      const a = ours!.figures;
      const b = raw.figures;
      // The spread of the median ratio over the rounds (each round's blocks ran back to back).
      const roundRatios = ours!.roundMedians
        .map((m, i) => m / (raw.roundMedians[i] ?? Number.NaN))
        .filter((x) => Number.isFinite(x));
      console.log(
        `  ratio ours / ${raw.name}: median ${fmt(a.medianMs / b.medianMs, 2)} ` +
          `(rounds ${fmt(Math.min(...roundRatios), 2)}–${fmt(Math.max(...roundRatios), 2)})  ` +
          `p99 ${fmt(a.p99Ms / b.p99Ms, 2)}  ` +
          `throughput ${fmt(a.messagesPerSecond / b.messagesPerSecond, 2)} (higher is better)  ` +
          `client CPU µs/rt ${fmt(a.clientUsPerRoundTrip / b.clientUsPerRoundTrip, 2)}`,
      );
    }
  } finally {
    for (const p of pairs) await p.close();
    await stopSandbox(info.dir);
  }
}

/**
 * `--alone [trials] [roundTrips]`: ours and raw + TCP_NODELAY in turn, each trial one pair
 * alone — its own process and its own sandbox, nothing else running — so that neither the other
 * pairs' processes nor a server shared with them weigh on it. Each trial measures round trips,
 * then throughput, with the processes pinned to CPUs (see canPin). Prints each trial and the
 * median of each figure over the trials, with the ratios (for msgs/s, higher is better) and a
 * bootstrap interval for each.
 *
 * The warm-up is long (WARMUP_ALONE round trips, BENCH_WARMUP to change it) and runs on
 * accounts of its own. With 500 round trips of warm-up, V8 was still growing our process's
 * young generation when the measurement began: ours collected every 9 MB of allocation and the
 * raw one every 13 MB, so ours ran 21 collections in the 3000 measured round trips against 13,
 * and its p99 and CPU time looked 10–20% worse than the raw pair's. After 2500 round trips both
 * collect every 13 MB (15 collections against 14). An application runs for hours, so the
 * steady state is what this measures.
 */
async function alone(trials: number, roundTrips: number): Promise<void> {
  const kinds: PairKind[] = ["ours", "raw-nodelay"];
  const figures: Record<string, Figures[]> = { ours: [], "raw-nodelay": [] };
  const pinned = canPin();
  console.log(
    `xmpp-echo --alone: ${trials} trials per stack, ${WARMUP_ALONE} + ${WARMUP} round trips of warm-up then ${roundTrips} measured, then ${roundTrips} messages for throughput (window ${WINDOW}) on fresh accounts, one pair at a time with its own sandbox` +
      (pinned
        ? ", Prosody and the driver pinned to CPU 0 and the pair's main thread to CPU 1"
        : ", not pinned") +
      (process.env.BENCH_CHILD_ARGS
        ? `, pair processes run with ${process.env.BENCH_CHILD_ARGS}`
        : ""),
  );
  for (let t = 0; t < trials; t++) {
    for (const kind of kinds) {
      const info = await startSandbox();
      const pair = new PairProcess(kind);
      if (pinned) {
        pin(0, process.pid);
        pin(0, info.pids.prosody!);
        pin(1, pair.pid);
      }
      try {
        // Throughput on fresh accounts: past a few thousand messages between the same two
        // accounts, the sandbox's Prosody starts holding messages for seconds (docs/xmpp.md).
        const setup = (prefix: string): PairSetup => ({
          kind,
          service: info.xmpp.tcpUrl,
          domain: info.domains.xmpp,
          a: account(info, `${prefix}-a`),
          b: account(info, `${prefix}-b`),
        });
        // Warm-up on accounts of its own, so that the measured pair's accounts stay below the
        // volume at which Prosody starts holding messages; the process (JIT, heap sizing) is
        // the same one that is then measured.
        await pair.ask({ op: "connect", setup: setup("alone-warm") });
        await pair.ask({ op: "warmUp", count: WARMUP_ALONE });
        await pair.ask({ op: "close" });
        await pair.ask({ op: "connect", setup: setup("alone-rt") });
        await pair.ask({ op: "warmUp", count: WARMUP });
        await pair.ask({ op: "latency", round: 0, count: roundTrips });
        const latency = await pair.ask<PairReport>({ op: "figures" });
        await pair.ask({ op: "close" });
        await pair.ask({ op: "connect", setup: setup("alone-tp") });
        await pair.ask({ op: "warmUp", count: WARMUP });
        await pair.ask({ op: "throughput", round: 0, count: roundTrips });
        const throughput = await pair.ask<PairReport>({ op: "figures" });
        const report: PairReport = {
          ...latency,
          figures: {
            ...latency.figures,
            messagesPerSecond: throughput.figures.messagesPerSecond,
            lost: latency.figures.lost + throughput.figures.lost,
          },
        };
        figures[kind]!.push(report.figures);
        const f = report.figures;
        console.log(
          `  trial ${t + 1} ${report.name.padEnd(18)} median ${fmt(f.medianMs)} ms  p99 ${fmt(f.p99Ms)} ms  ${fmt(f.messagesPerSecond, 0)} msgs/s  client CPU ${fmt(f.clientUsPerRoundTrip, 0)} µs/rt  lost ${f.lost}`,
        );
      } finally {
        await pair.close();
        await stopSandbox(info.dir);
      }
    }
  }
  const median = (kind: PairKind, pick: (f: Figures) => number) =>
    percentile(sorted(figures[kind]!.map(pick)), 50);
  const row = (label: string, pick: (f: Figures) => number, digits: number) => {
    const a = median("ours", pick);
    const b = median("raw-nodelay", pick);
    const [low, high] = bootstrapRatio(figures.ours!.map(pick), figures["raw-nodelay"]!.map(pick));
    console.log(
      `  ${label.padEnd(16)} ours ${fmt(a, digits)}  raw + TCP_NODELAY ${fmt(b, digits)}  ratio ${fmt(a / b, 2)} (95%: ${fmt(low, 2)}–${fmt(high, 2)})`,
    );
  };
  console.log("medians over the trials, with a bootstrap 95% interval of each ratio:");
  row("round trip ms", (f) => f.medianMs, 3);
  row("p99 ms", (f) => f.p99Ms, 3);
  row("msgs/s", (f) => f.messagesPerSecond, 0);
  row("client CPU µs/rt", (f) => f.clientUsPerRoundTrip, 0);
}

/**
 * A 95% percentile-bootstrap interval for the ratio of the two samples' medians: how far the
 * ratio could be off given how much the trials of each stack vary among themselves.
 */
function bootstrapRatio(ours: readonly number[], raw: readonly number[]): [number, number] {
  const resampledMedian = (xs: readonly number[]) =>
    percentile(sorted(Array.from(xs, () => xs[Math.floor(Math.random() * xs.length)]!)), 50);
  const ratios = sorted(
    Array.from({ length: 4000 }, () => resampledMedian(ours) / resampledMedian(raw)),
  );
  return [percentile(ratios, 2.5), percentile(ratios, 97.5)];
}

const WARMUP_ALONE = Number(process.env.BENCH_WARMUP ?? 2500);

/**
 * Whether `--alone` pins its processes: Prosody and the driver to CPU 0, the main thread of
 * the pair's process to CPU 1 (taskset, util-linux). Unpinned, the scheduler moved the pair's
 * process and Prosody between this machine's two cores, and the same stack's median round trip
 * moved by up to 29% from one run to the next; pinned, by 6%. Only the main thread is pinned:
 * V8's helper threads (parallel scavenging, concurrent marking, compilation) stay free to use
 * either core, as on any multi-core machine; with them pinned too, each collection ran on one
 * core and the p99 measured that. Both stacks are pinned alike. BENCH_PIN=0 turns it off.
 */
function canPin(): boolean {
  if (process.env.BENCH_PIN === "0" || availableParallelism() < 2) return false;
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Pins the thread `pid` (a process's main thread has the process's id) to one CPU. */
function pin(cpu: number, pid: number): void {
  execFileSync("taskset", ["-p", "-c", String(cpu), String(pid)], { stdio: "ignore" });
}

if (process.argv.includes("--pair")) await servePair();
else if (process.argv[2] === "--alone") {
  await alone(Number(process.argv[3] ?? 6), Number(process.argv[4] ?? 3000));
} else await main();
