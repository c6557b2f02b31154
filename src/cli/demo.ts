// `duet demo`: the seed's use cases, end to end, on this machine. It starts the sandbox (real
// Prosody and Kamailio on 127.0.0.1), runs alice's, bob's and carol's endpoints as `duet daemon`
// child processes and drives them through their API only, with real signalling and real audio:
// a chat that gains a call, a call that gains a chat, presence with "on the phone", discovery
// of a JID from a SIP URI (allowed, then refused) and a token replayed by mallory. It prints a
// live transcript, checks each call recording for the other side's tone, writes a JSON report
// and stops everything it started — also on Ctrl-C and SIGTERM — unless --keep.

import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Clock, systemClock } from "../common/clock.js";
import { toneShare } from "../media/audio/tone-analysis.js";
import { readWavFile } from "../media/audio/wav-source.js";
import {
  type AccountName,
  type SandboxInfo,
  sandboxPorts,
  startSandbox,
  stopSandbox,
} from "../sandbox/index.js";
import { isPortFree } from "../sandbox/ports.js";
import { livePidsInGroup, stopGroup } from "../sandbox/processes.js";
import { SipAttacker } from "./demo-attacker.js";
import { DemoEndpoint, DemoInterrupted } from "./demo-endpoint.js";
import { type CorrelationNote, Transcript } from "./demo-transcript.js";
import { type CliIo, UsageError } from "./io.js";

export const DEMO_USAGE = `Usage: duet demo [--dir DIR] [--report FILE] [--record DIR] [--keep]

Starts the sandbox (Prosody and Kamailio on 127.0.0.1), runs alice's, bob's and carol's
endpoints (\`duet daemon\`), and walks through Duet's use cases with real signalling and audio:
a chat that gains a call, a call that gains a chat, presence with "on the phone", discovery of
a JID from a SIP URI (allowed and refused), and a replayed token that is refused. Then it stops
everything it started (also on Ctrl-C). The exit code is 0 only if every step passed.

  --dir DIR       where the sandbox, the endpoints' logs and stores go (default: a new temp dir)
  --report FILE   the JSON report (default DIR/demo-report.json)
  --record DIR    the call recordings, one WAV per call and side (default DIR/recordings)
  --keep          leave the servers and endpoints running at the end and print how to attach`;

/** The tone each person's endpoint sends, so that a recording shows whom it heard. */
const TONES: Readonly<Record<AccountName, number>> = {
  alice: 440,
  bob: 1000,
  carol: 697,
  mallory: 1633,
};
/** Share of a recording's 20 ms windows that must hold the other side's tone. */
const TONE_SHARE_NEEDED = 0.9;
/** How long each call carries audio before it is hung up. */
const CALL_AUDIO_MS = 3000;

export interface DemoStepReport {
  /** A stable id, e.g. `chat-gains-call`. */
  readonly name: string;
  readonly title: string;
  readonly passed: boolean;
  /** The correlation level the step established or observed (null where none applies). */
  readonly correlation: { readonly level: string; readonly reason?: string } | null;
  readonly durationMs: number;
  readonly detail: string;
  /** The step's transcript lines, as printed. */
  readonly transcript: readonly string[];
}

export interface DemoRecordingReport {
  readonly file: string;
  readonly call: string;
  /** Whose recording it is and of which call. */
  readonly side: string;
  readonly expectedHz: number;
  /** Share of the recording's 20 ms windows dominated by the expected tone. */
  readonly share: number;
  readonly passed: boolean;
}

export interface DemoReport {
  readonly version: 1;
  readonly passed: boolean;
  readonly interrupted: string | null;
  readonly kept: boolean;
  readonly dir: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly sandbox: {
    readonly pids: Readonly<Record<string, number>>;
    readonly ports: number[];
  } | null;
  readonly endpoints: Readonly<
    Record<string, { pid: number; api: string; xmpp: string; sip: string; log: string }>
  >;
  readonly steps: readonly DemoStepReport[];
  readonly recordings: readonly DemoRecordingReport[];
}

interface DemoOptions {
  readonly dir: string;
  readonly report: string;
  readonly record: string;
  readonly keep: boolean;
}

function parseDemoArgs(args: string[]): DemoOptions | "help" {
  let values: { dir?: string; report?: string; record?: string; keep?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        dir: { type: "string" },
        report: { type: "string" },
        record: { type: "string" },
        keep: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n\n${DEMO_USAGE}`);
  }
  if (values.help) return "help";
  const root = process.env.DUET_SANDBOX_ROOT;
  const base = root && existsSync(root) ? root : tmpdir();
  const dir = resolve(values.dir ?? mkdtempSync(join(base, "duet-demo-")));
  return {
    dir,
    report: resolve(values.report ?? join(dir, "demo-report.json")),
    record: resolve(values.record ?? join(dir, "recordings")),
    keep: values.keep ?? false,
  };
}

type StepOutcome = { correlation?: CorrelationNote | null; detail?: string };

/** What one step can use: the transcript, abortable pauses and waits with a progress line. */
class StepContext {
  constructor(
    readonly t: Transcript,
    private readonly clock: Clock,
    private readonly signal: AbortSignal,
  ) {}

  /** Awaits `p` while the progress line says what for. */
  async wait<T>(what: string, p: Promise<T>): Promise<T> {
    const done = this.t.waiting(what);
    try {
      return await p;
    } finally {
      done();
    }
  }

  /** Waits `ms` (the call carrying audio, say); ends early only when the demo is interrupted. */
  pause(what: string, ms: number): Promise<void> {
    return this.wait(
      what,
      new Promise<void>((res, rej) => {
        if (this.signal.aborted) return rej(new DemoInterrupted(String(this.signal.reason)));
        const onAbort = () => {
          this.clock.clearTimeout(timer);
          rej(new DemoInterrupted(String(this.signal.reason)));
        };
        const timer = this.clock.setTimeout(() => {
          this.signal.removeEventListener("abort", onAbort);
          res();
        }, ms);
        this.signal.addEventListener("abort", onAbort, { once: true });
      }),
    );
  }
}

/** A step's expectation: when it does not hold, the step fails with `message`. */
function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

const short = (id: string) => (id.length > 14 ? `${id.slice(0, 14)}…` : id);
const corr = (c: { level: string; reason?: string }) =>
  `${c.level}${c.reason ? ` (${c.reason})` : ""}`;

export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseDemoArgs(args);
  if (parsed === "help") {
    io.out(DEMO_USAGE);
    return 0;
  }
  return new Demo(parsed, io).run();
}

class Demo {
  private readonly clock: Clock = systemClock;
  private readonly abort = new AbortController();
  private readonly t: Transcript;
  private readonly steps: DemoStepReport[] = [];
  private readonly recordings: DemoRecordingReport[] = [];
  private info: SandboxInfo | null = null;
  private readonly endpoints = new Map<string, DemoEndpoint>();
  /** Pids of every daemon spawned, ready or not: what clean-up must see gone. */
  private readonly spawned = new Map<number, string>();
  private attacker: SipAttacker | undefined;
  private stepLines: string[] = [];
  private readonly startedAt = Date.now();
  private readonly total: number;
  /** State handed from step to step. */
  private readonly s: {
    chatText?: string;
    aliceChat?: string;
    calls: { call: string; side: AccountName; of: AccountName; title: string }[];
  } = { calls: [] };

  constructor(
    private readonly opts: DemoOptions,
    private readonly io: CliIo,
  ) {
    const tty = process.stdout.isTTY ? process.stdout : undefined;
    this.t = new Transcript({
      out: (line) => {
        // The report keeps the lines without colour codes (ECMA-48 SGR).
        this.stepLines.push(line.replace(/\x1b\[[0-9;]*m/g, ""));
        io.out(line);
      },
      ...(tty ? { tty } : {}),
      clock: this.clock,
      color: tty !== undefined && process.env.NO_COLOR === undefined,
    });
    this.total = opts.keep ? 10 : 11;
  }

  async run(): Promise<number> {
    const onSignal = (sig: NodeJS.Signals) => {
      if (this.abort.signal.aborted) {
        // A second signal: no more waiting for an orderly stop.
        this.killEverything();
        process.exit(sig === "SIGINT" ? 130 : 143);
      }
      this.t.raw(`\n${sig}: stopping the demo and everything it started (again to kill at once)`);
      this.abort.abort(sig);
    };
    const onExit = () => {
      if (!this.opts.keep) this.killEverything();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    process.on("exit", onExit);
    try {
      this.t.heading("Duet demo: one conversation across SIP and XMPP, on real servers");
      this.t.raw(`  folder ${this.opts.dir}`);
      await this.runSteps();
      if (this.opts.keep && !this.abort.signal.aborted) {
        this.detachAll();
      } else {
        await this.step("cleanup", "Everything the demo started is stopped", () => this.cleanup());
      }
    } finally {
      this.t.close();
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      process.off("exit", onExit);
    }
    const report = this.report();
    mkdirSync(dirname(this.opts.report), { recursive: true });
    writeFileSync(this.opts.report, `${JSON.stringify(report, null, 2)}\n`);
    this.summary(report);
    if (report.interrupted) return report.interrupted === "SIGTERM" ? 143 : 130;
    return report.passed ? 0 : 1;
  }

  private async runSteps(): Promise<void> {
    const plan: [string, string, () => Promise<StepOutcome>][] = [
      [
        "sandbox",
        "Real servers on 127.0.0.1: Prosody (XMPP) and Kamailio (SIP)",
        () => this.sandbox(),
      ],
      [
        "endpoints",
        "Three Duet endpoints: alice, bob and carol (`duet daemon`)",
        () => this.startEndpoints(),
      ],
      ["contacts", "alice and bob become contacts (XMPP roster)", () => this.contacts()],
      ["chat-gains-call", "A chat that gains a call", () => this.chatGainsCall()],
      [
        "presence-on-the-phone",
        'Presence: during the call bob sees alice "on the phone"',
        () => this.presence(),
      ],
      [
        "call-gains-chat",
        "A call that gains a chat: carol calls bob's SIP URI",
        () => this.callGainsChat(),
      ],
      [
        "discovery-allowed",
        "Discovery: bob learns alice's JID from her SIP URI",
        () => this.discoveryAllowed(),
      ],
      [
        "discovery-refused",
        "Discovery: carol, not in alice's roster, learns nothing",
        () => this.discoveryRefused(),
      ],
      [
        "hostile-token-replay",
        "Hostile: mallory replays alice's token from her own SIP account",
        () => this.hostile(),
      ],
      [
        "recordings",
        "Real audio: each recording holds the other side's tone",
        () => this.checkRecordings(),
      ],
    ];
    for (const [name, title, fn] of plan) {
      if (!(await this.step(name, title, fn))) return;
    }
  }

  /** Runs one step; false if it failed or the demo was interrupted (later steps are not run). */
  private async step(
    name: string,
    title: string,
    fn: () => Promise<StepOutcome>,
  ): Promise<boolean> {
    this.stepLines = [];
    this.t.beginStep(this.steps.length + 1, this.total, title);
    const started = this.clock.now();
    let passed = true;
    let outcome: StepOutcome = {};
    let detail = "";
    try {
      outcome = await fn();
      detail = outcome.detail ?? "";
    } catch (e) {
      passed = false;
      detail = e instanceof DemoInterrupted ? `interrupted (${e.signal})` : (e as Error).message;
      if (!(e instanceof DemoInterrupted)) this.t.note(`✗ ${detail}`);
    }
    const durationMs = Math.round(this.clock.now() - started);
    const correlation = outcome.correlation ?? null;
    this.t.endStep(passed, durationMs, correlation, passed ? "" : detail.split("\n")[0]!);
    this.steps.push({
      name,
      title,
      passed,
      correlation: correlation
        ? {
            level: correlation.level,
            ...(correlation.reason ? { reason: correlation.reason } : {}),
          }
        : null,
      durationMs,
      detail,
      transcript: this.stepLines,
    });
    return passed && !this.abort.signal.aborted;
  }

  private ctx(): StepContext {
    return new StepContext(this.t, this.clock, this.abort.signal);
  }

  private ep(name: AccountName): DemoEndpoint {
    const e = this.endpoints.get(name);
    if (!e) throw new Error(`${name}'s endpoint is not running`);
    return e;
  }

  private sb(): SandboxInfo {
    if (!this.info) throw new Error("the sandbox is not running");
    return this.info;
  }

  // ---- the steps -------------------------------------------------------------------------

  private async sandbox(): Promise<StepOutcome> {
    const c = this.ctx();
    this.t.event("sandbox", "—", `starting both servers in ${this.opts.dir}`);
    const info = await c.wait(
      "Prosody and Kamailio to answer",
      startSandbox({
        dir: this.opts.dir,
        progress: (line) => this.t.event("sandbox", "—", line),
      }),
    );
    this.info = info;
    if (this.abort.signal.aborted) throw new DemoInterrupted(String(this.abort.signal.reason));
    this.t.event(
      "sandbox",
      "XMPP",
      `Prosody (pid ${info.pids.prosody}) serves ${info.domains.xmpp} on ${info.xmpp.host}:${info.xmpp.tcpPort}`,
    );
    this.t.event(
      "sandbox",
      "SIP",
      `Kamailio (pid ${info.pids.kamailio}) is registrar (with GRUU) and proxy for ${info.domains.sip} on ${info.sip.host}:${info.sip.udpPort}`,
    );
    return { detail: `servers.json in ${info.dir}` };
  }

  private async startEndpoints(): Promise<StepOutcome> {
    const c = this.ctx();
    const info = this.sb();
    const start = (name: AccountName, trace?: ("sip" | "xmpp")[]) =>
      DemoEndpoint.start({
        name,
        config: info.accounts[name].config,
        dir: join(this.opts.dir, "endpoints", name),
        record: join(this.opts.record, name),
        toneHz: TONES[name],
        ...(trace ? { trace } : {}),
        signal: this.abort.signal,
        onSpawn: (pid) => this.spawned.set(pid, name),
      }).then((e) => {
        this.endpoints.set(name, e);
        const gruu = e.ready.sip.gruu ?? e.ready.sip.aor;
        this.t.event(
          name,
          "—",
          `daemon pid ${e.pid} ready: XMPP ${e.ready.xmpp}, SIP ${gruu}, API ${e.ready.api}; sends a ${TONES[name]} Hz tone in calls`,
        );
        return e;
      });
    // Bob's daemon traces its XMPP traffic: the hostile step reads a token from it, as an
    // eavesdropper on bob's side would.
    const all = Promise.allSettled([start("alice"), start("bob", ["xmpp"]), start("carol")]);
    const results = await c.wait("three daemons to log in and register", all);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    return { detail: "logged in over XMPP and registered over SIP" };
  }

  private async contacts(): Promise<StepOutcome> {
    const c = this.ctx();
    const alice = this.ep("alice");
    const bob = this.ep("bob");
    const b0 = bob.mark;
    const a0 = alice.mark;
    await alice.rpc.call("contacts.add", { jid: bob.jid });
    this.t.event("alice → bob", "XMPP", "asks to see bob's presence (roster add, subscribe)");
    await c.wait(
      "bob's contact request",
      bob.waitFor("contact.request", (e) => e.jid === alice.jid, { since: b0 }),
    );
    await bob.rpc.call("contacts.approve", { jid: alice.jid, approve: true });
    this.t.event("bob", "XMPP", "approves alice (and asks back)");
    await c.wait(
      "alice's contact request",
      alice.waitFor("contact.request", (e) => e.jid === bob.jid, { since: a0 }),
    );
    await alice.rpc.call("contacts.approve", { jid: bob.jid, approve: true });
    this.t.event("alice", "XMPP", "approves bob");
    const seen = await c.wait(
      "bob to see alice's SIP side in her presence",
      bob.waitFor(
        "presence.changed",
        (e) => e.jid === alice.jid && e.presence.sip?.call === "idle",
      ),
    );
    await c.wait(
      "alice to see bob online",
      alice.waitFor("presence.changed", (e) => e.jid === bob.jid && e.presence.available),
    );
    this.t.event(
      "bob",
      "XMPP",
      `sees alice online; her presence advertises ${seen.presence.sip?.uri ?? "?"} (${(seen.presence.sip?.media ?? []).join("+")}, call idle)`,
    );
    return { detail: "subscription both ways" };
  }

  private async chatGainsCall(): Promise<StepOutcome> {
    const c = this.ctx();
    const info = this.sb();
    const alice = this.ep("alice");
    const bob = this.ep("bob");
    const a0 = alice.mark;
    const b0 = bob.mark;
    const text = "Hi Bob! Got a minute to talk?";
    this.s.chatText = text;
    const started = await alice.rpc.call("conversations.start", { peer: `xmpp:${bob.jid}`, text });
    this.s.aliceChat = started.conversation;
    this.t.event(
      "alice → bob",
      "XMPP",
      `"${text}" (first message of the thread: alice's SIP GRUU and a token for bob ride along)`,
    );
    const got = await c.wait(
      "bob to receive alice's message",
      bob.waitFor("message.received", (e) => e.message.text === text, { since: b0 }),
    );
    const bobView = await bob.rpc.call("conversations.get", { conversation: got.conversation });
    this.t.event(
      "bob",
      "XMPP",
      `got it in conversation ${short(got.conversation)}; alice's SIP address known: ${bobView.peer.sip ?? "none"}`,
    );
    check(
      bobView.peer.sip === info.accounts.alice.aor,
      `bob did not learn alice's SIP address from her message (peer ${JSON.stringify(bobView.peer)})`,
    );

    const { call: bobCall } = await bob.rpc.call("calls.start", {
      conversation: got.conversation,
      media: ["audio"],
    });
    this.t.event(
      "bob → alice",
      "SIP",
      "INVITE (audio) to alice's GRUU; its Call-Info echoes alice's token",
    );
    const ring = await c.wait(
      "the call to ring at alice",
      alice.waitFor("call.incoming", () => true, { since: a0 }),
    );
    this.t.event(
      "alice",
      "SIP",
      `rings from ${ring.from} in ${ring.conversation === started.conversation ? "the same conversation as the chat" : `ANOTHER conversation (${short(ring.conversation)})`} — correlation ${corr(ring.correlation)}`,
    );
    check(
      ring.conversation === started.conversation,
      "the call rang in another conversation than the chat",
    );
    check(
      ring.correlation.level === "verified",
      `the call was correlated ${corr(ring.correlation)}, not verified`,
    );
    await alice.rpc.call("calls.answer", { call: ring.call });
    this.t.event(
      "alice",
      "SIP",
      "answers (200 OK); RTP flows both ways: alice sends 440 Hz, bob 1000 Hz",
    );
    await c.wait(
      "the call to be active at bob",
      bob.waitFor("call.state", (e) => e.call === bobCall && e.state === "active", { since: b0 }),
    );
    const bound = await c.wait(
      "bob's side to be verified",
      bob.waitFor(
        "binding.changed",
        (e) => e.conversation === got.conversation && e.binding.level === "verified",
        { since: b0 },
      ),
    );
    this.t.event(
      "bob",
      "XMPP",
      `alice echoes bob's token in the thread — bob's binding ${corr(bound.binding)}`,
    );
    this.s.calls.push(
      { call: ring.call, side: "alice", of: "bob", title: "chat gains a call" },
      { call: bobCall, side: "bob", of: "alice", title: "chat gains a call" },
    );
    this.liveCall = { aliceCall: ring.call, bobCall, answeredAt: this.clock.now(), a0, b0 };
    return {
      correlation: ring.correlation,
      detail: `call ${ring.call} in conversation ${ring.conversation}; still up for the next step`,
    };
  }

  /** The call of the chat-gains-call step, still up for the presence step. */
  private liveCall:
    | { aliceCall: string; bobCall: string; answeredAt: number; a0: number; b0: number }
    | undefined;

  private async presence(): Promise<StepOutcome> {
    const c = this.ctx();
    const alice = this.ep("alice");
    const bob = this.ep("bob");
    const k = this.liveCall;
    if (!k) throw new Error("no call is up (the previous step failed)");
    const busy = await c.wait(
      "bob to see alice busy",
      bob.waitFor(
        "presence.changed",
        (e) => e.jid === alice.jid && e.presence.sip?.call === "busy",
        { since: k.b0 },
      ),
    );
    const phone = await c.wait(
      "bob to see alice's on-the-phone activity",
      bob.waitFor(
        "presence.changed",
        (e) => e.jid === alice.jid && e.presence.activity === "on_the_phone",
        { since: k.b0 },
      ),
    );
    this.t.event(
      "bob",
      "XMPP",
      `sees alice call=${busy.presence.sip?.call} (her <sip/> presence payload), activity ${phone.presence.activity} (XEP-0108 over PEP)`,
    );
    this.t.event(
      "bob",
      "XMPP",
      `plain clients see alice show=${busy.presence.show ?? "-"} "${busy.presence.status ?? ""}"`,
    );
    check(
      busy.presence.show === "dnd" && busy.presence.status === "On the phone",
      `the fallback for plain clients is missing: show=${busy.presence.show} status=${busy.presence.status}`,
    );
    const left = CALL_AUDIO_MS - (this.clock.now() - k.answeredAt);
    if (left > 0) await c.pause("the call to carry a few seconds of audio", left);
    const b1 = bob.mark;
    await bob.rpc.call("calls.hangup", { call: k.bobCall });
    this.liveCall = undefined;
    this.t.event("bob → alice", "SIP", "BYE");
    const end = await c.wait(
      "the call to end at alice",
      alice.waitFor("call.state", (e) => e.call === k.aliceCall && e.state === "ended", {
        since: k.a0,
      }),
    );
    this.t.event("alice, bob", "SIP", `call ended at both (${end.reason ?? "?"})`);
    const idle = await c.wait(
      "bob to see alice available again",
      bob.waitFor(
        "presence.changed",
        (e) =>
          e.jid === alice.jid &&
          e.presence.sip?.call === "idle" &&
          e.presence.show === undefined &&
          e.presence.activity === undefined,
        { since: b1 },
      ),
    );
    this.t.event(
      "bob",
      "XMPP",
      `sees alice call=${idle.presence.sip?.call}, available, no activity: her own state is back`,
    );
    return { detail: 'busy, dnd "On the phone" and on_the_phone during the call; idle after' };
  }

  private async callGainsChat(): Promise<StepOutcome> {
    const c = this.ctx();
    const info = this.sb();
    const bob = this.ep("bob");
    const carol = this.ep("carol");
    const b0 = bob.mark;
    const c0 = carol.mark;
    const started = await carol.rpc.call("conversations.start", {
      peer: info.accounts.bob.aor,
      media: ["audio"],
    });
    check(started.call !== undefined, "conversations.start with media gave no call");
    const carolCall = started.call;
    this.t.event(
      "carol → bob",
      "SIP",
      `INVITE to ${info.accounts.bob.aor}: a SIP URI only, they have never chatted; Call-Info names carol's JID and a token`,
    );
    const ring = await c.wait(
      "the call to ring at bob",
      bob.waitFor("call.incoming", () => true, { since: b0 }),
    );
    this.t.event(
      "bob",
      "SIP",
      `rings from ${ring.from} in a new conversation — correlation ${corr(ring.correlation)}`,
    );
    await bob.rpc.call("calls.answer", { call: ring.call });
    this.t.event("bob", "SIP", "answers (200 OK); RTP both ways: bob sends 1000 Hz, carol 697 Hz");
    const cBound = await c.wait(
      "carol's side to be verified",
      carol.waitFor(
        "binding.changed",
        (e) => e.conversation === started.conversation && e.binding.level === "verified",
        { since: c0 },
      ),
    );
    const bBound = await c.wait(
      "bob's side to be verified",
      bob.waitFor(
        "binding.changed",
        (e) => e.conversation === ring.conversation && e.binding.level === "verified",
        { since: b0 },
      ),
    );
    const cView = await carol.rpc.call("conversations.get", {
      conversation: started.conversation,
    });
    const bView = await bob.rpc.call("conversations.get", { conversation: ring.conversation });
    this.t.event(
      "bob",
      "XMPP",
      `carol echoed bob's token over XMPP: knows carol's JID ${bView.peer.jid ?? "?"} — binding ${corr(bBound.binding)}`,
    );
    this.t.event(
      "carol",
      "XMPP",
      `knows bob's JID ${cView.peer.jid ?? "?"} — binding ${corr(cBound.binding)}`,
    );
    check(
      bView.peer.jid === info.accounts.carol.jid,
      `bob did not learn carol's JID (peer ${JSON.stringify(bView.peer)})`,
    );
    check(
      cView.peer.jid === info.accounts.bob.jid,
      `carol did not learn bob's JID (peer ${JSON.stringify(cView.peer)})`,
    );
    const text = "Sending you the slides in chat while we talk.";
    await bob.rpc.call("messages.send", { conversation: ring.conversation, text });
    this.t.event("bob → carol", "XMPP", `"${text}" in the call's conversation`);
    const msg = await c.wait(
      "carol to receive the text",
      carol.waitFor("message.received", (e) => e.message.text === text, { since: c0 }),
    );
    const same = msg.conversation === started.conversation;
    this.t.event(
      "carol",
      "XMPP",
      `got it in ${same ? "the call's conversation" : `ANOTHER conversation (${short(msg.conversation)})`}`,
    );
    check(same, "the text landed in another conversation than the call");
    this.s.calls.push(
      { call: ring.call, side: "bob", of: "carol", title: "call gains a chat" },
      { call: carolCall, side: "carol", of: "bob", title: "call gains a chat" },
    );
    await c.pause(`${CALL_AUDIO_MS / 1000} s of audio`, CALL_AUDIO_MS);
    await carol.rpc.call("calls.hangup", { call: carolCall });
    this.t.event("carol → bob", "SIP", "BYE");
    await c.wait(
      "the call to end at bob",
      bob.waitFor("call.state", (e) => e.call === ring.call && e.state === "ended", { since: b0 }),
    );
    this.t.event("bob, carol", "SIP", "call ended at both (hangup)");
    const both = cBound.binding.level === "verified" && bBound.binding.level === "verified";
    return {
      correlation: { level: both ? "verified" : "claimed", reason: bBound.binding.reason },
      detail: `bob's binding ${corr(bBound.binding)}, carol's ${corr(cBound.binding)}; the INVITE rang ${corr(ring.correlation)}`,
    };
  }

  private async discoveryAllowed(): Promise<StepOutcome> {
    const info = this.sb();
    const alice = this.ep("alice");
    const bob = this.ep("bob");
    this.t.event("bob → alice", "SIP", `OPTIONS ${info.accounts.alice.aor}: whose JID is this?`);
    const found = await this.ctx().wait(
      "alice's answer",
      bob.rpc.call("discover", { sip: info.accounts.alice.aor }),
    );
    this.t.event(
      "bob",
      "SIP",
      `200 OK names ${found.jid ?? "no JID"} (bob is in alice's roster) — binding ${corr(found.binding)}`,
    );
    check(found.jid === alice.jid, `bob learnt ${found.jid}, not ${alice.jid}`);
    return { correlation: found.binding, detail: `${info.accounts.alice.aor} → ${found.jid}` };
  }

  private async discoveryRefused(): Promise<StepOutcome> {
    const c = this.ctx();
    const info = this.sb();
    const alice = this.ep("alice");
    const carol = this.ep("carol");
    const a0 = alice.mark;
    this.t.event("carol → alice", "SIP", `OPTIONS ${info.accounts.alice.aor}: whose JID is this?`);
    const refused = await c.wait(
      "alice's answer",
      carol.rpc.call("discover", { sip: info.accounts.alice.aor }),
    );
    this.t.event(
      "carol",
      "SIP",
      `200 OK with ${refused.jid === null ? "no JID: the same answer a plain phone gives" : `JID ${refused.jid}!`} — binding ${corr(refused.binding)}`,
    );
    check(refused.jid === null, `carol learnt alice's JID (${refused.jid}) without being allowed`);
    const event = await c.wait(
      "alice to hear of the refusal",
      alice.waitFor("discovery.refused", () => true, { since: a0 }),
    );
    this.t.event(
      "alice",
      "API",
      `discovery.refused: ${event.asker} asked; policy.set could allow it next time`,
    );
    check(
      event.asker === info.accounts.carol.aor,
      `the refused asker was ${event.asker}, not carol`,
    );
    return { correlation: refused.binding, detail: `asker ${event.asker}` };
  }

  private async hostile(): Promise<StepOutcome> {
    const c = this.ctx();
    const info = this.sb();
    const alice = this.ep("alice");
    const bob = this.ep("bob");
    const chat = this.s.chatText;
    if (!chat || !this.s.aliceChat)
      throw new Error("no chat to steal a token from (an earlier step failed)");
    // What an eavesdropper on bob's side saw: alice's first message, with her token for bob.
    const first = bob.wire("xmpp", "in").find((x) => x.includes(chat));
    const token = first ? /\btoken=["']([A-Za-z0-9_-]{22})["']/.exec(first)?.[1] : undefined;
    check(
      token !== undefined,
      "alice's first message to bob (in bob's XMPP trace) carried no token",
    );
    this.t.event(
      "mallory",
      "XMPP",
      `has read alice's token for bob on the way: ${token.slice(0, 6)}…`,
    );
    this.attacker = await c.wait(
      "mallory's SIP registration",
      SipAttacker.start(info, info.accounts.mallory),
    );
    this.t.event(
      "mallory",
      "SIP",
      `registered as ${info.accounts.mallory.aor} with her own valid password`,
    );
    const a0 = alice.mark;
    const callInfo = SipAttacker.replayCallInfo(info.accounts.mallory.jid, token);
    const { ended } = await this.attacker.invite(info.accounts.alice.aor, callInfo);
    this.t.event(
      "mallory → alice",
      "SIP",
      `INVITE with Call-Info ${callInfo.replace(/token=[^;]+/, "token=…")}`,
    );
    const ring = await c.wait(
      "alice's endpoint to judge the call",
      alice.waitFor("call.incoming", () => true, { since: a0 }),
    );
    const joined = ring.conversation === this.s.aliceChat;
    this.t.event(
      "alice",
      "SIP",
      `rings from ${ring.from} as a stranger's call — correlation ${corr(ring.correlation)}${joined ? ", IN alice's chat with bob!" : ", apart from the chat with bob"}`,
    );
    const alert = await c.wait(
      "alice's security alert",
      alice.waitFor("security.alert", () => true, { since: a0 }),
    );
    this.t.event("alice", "API", `security.alert ${alert.kind}: ${alert.detail}`);
    await alice.rpc.call("calls.reject", { call: ring.call, reason: "decline" });
    const end = await c.wait("mallory's call to end", ended);
    this.t.event("alice → mallory", "SIP", `rejects the call (${end.status ?? end.reason})`);
    await this.attacker.stop();
    this.attacker = undefined;
    check(ring.from === info.accounts.mallory.aor, `the call came from ${ring.from}, not mallory`);
    check(
      ring.correlation.level === "none",
      `mallory's call was correlated ${corr(ring.correlation)}`,
    );
    check(!joined, "mallory's call joined alice's conversation with bob");
    check(
      alert.kind === "token-replay" && alert.from === info.accounts.mallory.aor,
      `unexpected alert ${alert.kind} from ${alert.from}`,
    );
    return { correlation: ring.correlation, detail: `security.alert ${alert.kind}; call rejected` };
  }

  private async checkRecordings(): Promise<StepOutcome> {
    const c = this.ctx();
    // The recorders close their files at the BYE; give the last one a moment.
    await c.pause("the recordings to be closed", 300);
    const bad: string[] = [];
    for (const k of this.s.calls) {
      const file = join(this.opts.record, k.side, `${k.call}.wav`);
      const hz = TONES[k.of];
      const own = TONES[k.side];
      let share = 0;
      try {
        const wav = readWavFile(file);
        share = toneShare(wav.samples, wav.rate, hz, [own]);
      } catch (e) {
        this.t.note(`cannot read ${file}: ${(e as Error).message}`);
      }
      const passed = share >= TONE_SHARE_NEEDED;
      if (!passed) bad.push(`${k.side} (${k.title})`);
      this.recordings.push({
        file,
        call: k.call,
        side: `${k.side}, ${k.title}`,
        expectedHz: hz,
        share,
        passed,
      });
      this.t.event(
        k.side,
        "RTP",
        `${passed ? "✓" : "✗"} hears ${k.of}'s ${hz} Hz in ${Math.round(share * 100)}% of the call (${k.title}): ${file}`,
      );
    }
    check(this.s.calls.length > 0, "no calls were recorded");
    check(bad.length === 0, `the other side's tone is missing in: ${bad.join(", ")}`);
    return {
      detail: `${this.s.calls.length} recordings, each ≥ ${TONE_SHARE_NEEDED * 100}% the other side's tone`,
    };
  }

  // ---- clean-up --------------------------------------------------------------------------

  private async cleanup(): Promise<StepOutcome> {
    const c = this.ctx();
    if (this.attacker) {
      await this.attacker.stop().catch(() => {});
      this.attacker = undefined;
      this.t.event("mallory", "SIP", "unregistered");
    }
    const apiPorts = [...this.endpoints.values()].map((e) => Number(new URL(e.ready.api).port));
    const daemons = [...this.spawned.keys()];
    await c.wait(
      "the endpoints to hang up, unregister and log out",
      Promise.all(
        daemons.map(async (pid) => {
          // A ready endpoint's stop() also ends its event stream (which would reconnect).
          const endpoint = [...this.endpoints.values()].find((e) => e.pid === pid);
          const killed = endpoint ? await endpoint.stop(8000) : await stopGroup(pid, 8000);
          const name = endpoint?.name ?? this.spawned.get(pid) ?? "daemon";
          this.t.event(
            name,
            "—",
            killed ? `daemon ${pid} had to be killed` : `daemon ${pid} stopped`,
          );
        }),
      ),
    );
    let sandboxPids: number[] = [];
    let ports: number[] = [...apiPorts];
    if (this.info) {
      const info = this.info;
      sandboxPids = Object.values(info.pids);
      ports = [...ports, ...sandboxPorts(info)];
      const r = await c.wait("Prosody and Kamailio to stop", stopSandbox(info.dir));
      for (const s of r.stopped)
        this.t.event(
          "sandbox",
          "—",
          `${s.server} (pid ${s.pid}) ${s.killed ? "killed" : "stopped"}`,
        );
    }
    const alive = [...daemons, ...sandboxPids].filter((p) => livePidsInGroup(p).length > 0);
    const held: number[] = [];
    for (const p of ports) if (!(await isPortFree(p))) held.push(p);
    check(alive.length === 0, `processes still running: ${alive.join(", ")}`);
    check(held.length === 0, `ports still held: ${held.join(", ")}`);
    this.t.event(
      "demo",
      "—",
      `no process left (${daemons.length + sandboxPids.length} stopped), ${ports.length} ports free`,
    );
    return { detail: "no process or port left" };
  }

  /** Last resort (a second Ctrl-C, or the process exiting): SIGKILL every group we started. */
  private killEverything(): void {
    const groups = [...this.spawned.keys(), ...Object.values(this.info?.pids ?? {})];
    for (const pid of groups) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // gone already
      }
    }
  }

  private detachAll(): void {
    for (const e of this.endpoints.values()) e.detach();
    const info = this.info;
    this.t.raw("");
    this.t.heading("Left running (--keep). Attach a terminal client to an endpoint:");
    for (const e of this.endpoints.values()) {
      this.t.raw(
        `  ${e.name.padEnd(6)} node bin/duet.js tui --api ${e.ready.api} --api-token ${e.token}`,
      );
    }
    this.t.raw("Stop them, then the servers:");
    this.t.raw(`  kill ${[...this.endpoints.values()].map((e) => e.pid).join(" ")}`);
    if (info) this.t.raw(`  node bin/duet.js servers stop --dir ${info.dir}`);
  }

  private report(): DemoReport {
    const interrupted = this.abort.signal.aborted ? String(this.abort.signal.reason) : null;
    const endpoints: Record<
      string,
      { pid: number; api: string; xmpp: string; sip: string; log: string }
    > = {};
    for (const e of this.endpoints.values()) {
      endpoints[e.name] = {
        pid: e.pid,
        api: e.ready.api,
        xmpp: e.ready.xmpp,
        sip: e.ready.sip.gruu ?? e.ready.sip.aor,
        log: e.logFile,
      };
    }
    const all = this.steps.length === this.total && this.steps.every((s) => s.passed);
    return {
      version: 1,
      passed: all && interrupted === null,
      interrupted,
      kept: this.opts.keep && interrupted === null,
      dir: this.opts.dir,
      startedAt: new Date(this.startedAt).toISOString(),
      durationMs: Date.now() - this.startedAt,
      sandbox: this.info ? { pids: this.info.pids, ports: sandboxPorts(this.info) } : null,
      endpoints,
      steps: this.steps,
      recordings: this.recordings,
    };
  }

  private summary(report: DemoReport): void {
    const passed = report.steps.filter((s) => s.passed).length;
    this.io.out("");
    this.io.out("Summary");
    for (const s of report.steps) {
      const c = s.correlation ? corr(s.correlation) : "—";
      this.io.out(
        `  ${s.passed ? "✓" : "✗"} ${s.name.padEnd(22)} ${c.padEnd(28)} ${(s.durationMs / 1000).toFixed(2).padStart(6)} s`,
      );
    }
    const verdict = report.interrupted
      ? `interrupted (${report.interrupted}) after ${passed} of ${this.total} steps`
      : report.passed
        ? `all ${this.total} steps passed`
        : `${passed} of ${this.total} steps passed`;
    this.io.out(
      `${verdict} in ${(report.durationMs / 1000).toFixed(1)} s. Report: ${this.opts.report}; recordings: ${this.opts.record}`,
    );
  }
}
