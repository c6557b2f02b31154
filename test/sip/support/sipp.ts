// Running sipp (SIPp 3.6) as a real peer: our own scenarios (the built-in uac/uas ignore
// Record-Route, see /work/shared/notes/test-servers.md), started on 127.0.0.1 with free ports and
// stopped by pid even when the test fails.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

const SDP = `v=0
o=sipp 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
`;

/** sipp calls `[service]` through the proxy as `user`, answering the 407 with -au/-ap. */
export function uacScenario(user: string, domain: string): string {
  const from = `<sip:${user}@${domain}>;tag=[pid]c[call_number]`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="duet uac through a proxy with digest">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@${domain} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${from}
To: <sip:[service]@${domain}>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:${user}@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${SDP}]]></send>
  <recv response="100" optional="true"/>
  <recv response="407" auth="true"/>
  <send><![CDATA[
ACK sip:[service]@${domain} SIP/2.0
[last_Via:]
From: ${from}
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <send retrans="500"><![CDATA[
INVITE sip:[service]@${domain} SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${from}
To: <sip:[service]@${domain}>
Call-ID: [call_id]
CSeq: 2 INVITE
[authentication]
Contact: <sip:${user}@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${SDP}]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
[routes]
From: ${from}
[last_To:]
Call-ID: [call_id]
CSeq: 2 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <pause milliseconds="300"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
[routes]
From: ${from}
[last_To:]
Call-ID: [call_id]
CSeq: 3 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200" crlf="true"/>
</scenario>
`;
}

/** sipp calls `[service]` at the remote address directly (no proxy, no auth): load for a UAS. */
export function directUacScenario(): string {
  const from = "<sip:sipp@[local_ip]:[local_port]>;tag=[pid]d[call_number]";
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="duet direct uac">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${from}
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:sipp@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

${SDP}]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${from}
[last_To:]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

]]></send>
  <pause milliseconds="100"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
From: ${from}
[last_To:]
Call-ID: [call_id]
CSeq: 2 BYE
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200" crlf="true"/>
</scenario>
`;
}

/** sipp answers INVITEs (180, 200 with SDP, Record-Route copied), then takes the caller's BYE. */
export function uasScenario(user: string): string {
  const common = `[last_Via:]
[last_From:]
[last_To:];tag=[pid]s[call_number]
[last_Call-ID:]
[last_CSeq:]
[last_Record-Route:]
Contact: <sip:${user}@[local_ip]:[local_port]>`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="duet uas">
  <recv request="INVITE" rrs="true"/>
  <send><![CDATA[
SIP/2.0 180 Ringing
${common}
Content-Length: 0

]]></send>
  <send retrans="500"><![CDATA[
SIP/2.0 200 OK
${common}
Content-Type: application/sdp
Content-Length: [len]

${SDP}]]></send>
  <recv request="ACK" crlf="true"/>
  <recv request="BYE"/>
  <send><![CDATA[
SIP/2.0 200 OK
[last_Via:]
[last_From:]
[last_To:]
[last_Call-ID:]
[last_CSeq:]
Content-Length: 0

]]></send>
</scenario>
`;
}

export interface SippRun {
  readonly port: number;
  readonly dir: string;
  /** Resolves with the exit code and the final statistics. */
  readonly done: Promise<{ code: number | null; stats: Record<string, string>; errors: string }>;
  stop(): void;
}

export async function startSipp(opts: {
  scenario: string;
  remote?: string;
  args: string[];
}): Promise<SippRun> {
  const dir = mkdtempSync(join(tmpdir(), "duet-sipp-"));
  const file = join(dir, "scenario.xml");
  writeFileSync(file, opts.scenario);
  const port = await freePort();
  const controlPort = await freePort();
  const args = [
    ...(opts.remote ? [opts.remote] : []),
    "-sf",
    file,
    "-i",
    "127.0.0.1",
    "-p",
    String(port),
    "-cp",
    String(controlPort),
    "-nostdin",
    "-trace_err",
    "-error_file",
    join(dir, "errors.log"),
    "-trace_stat",
    "-stf",
    join(dir, "stats.csv"),
    ...opts.args,
  ];
  const child: ChildProcess = spawn("sipp", args, {
    cwd: dir,
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{ code: number | null; stats: Record<string, string>; errors: string }>(
    (resolve) => {
      child.on("exit", (code) => {
        let stats: Record<string, string> = {};
        try {
          const lines = readFileSync(join(dir, "stats.csv"), "utf8").trim().split("\n");
          const head = (lines[0] ?? "").split(";");
          const last = (lines[lines.length - 1] ?? "").split(";");
          stats = Object.fromEntries(head.map((h, i) => [h, last[i] ?? ""]));
        } catch {
          // no statistics written
        }
        let errors = stderr;
        try {
          errors += readFileSync(join(dir, "errors.log"), "utf8").slice(0, 4000);
        } catch {
          // no error file
        }
        resolve({ code, stats, errors });
      });
    },
  );
  return {
    port,
    dir,
    done,
    stop: () => {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    },
  };
}

export function cleanup(run: SippRun | undefined): void {
  if (!run) return;
  run.stop();
  rmSync(run.dir, { recursive: true, force: true });
}
