// UAS capacity: sipp calls a UAS directly (INVITE, 200, ACK, BYE; no media) at rising call
// rates; the highest rate with zero failed calls is reported for our UA and for baresip 1.0,
// measured in the same run, with the ratio. Run:
//   npx tsc -p tsconfig.json && node dist/bench/sip-uas.js [seconds-per-step]
import { SystemClock } from "../src/common/clock.js";
import { Baresip } from "../test/sip/support/baresip.js";
import { cleanup, directUacScenario, startSipp } from "../test/sip/support/sipp.js";
import { startUa } from "../test/sip/support/ua-factory.js";

const SECONDS = Number(process.argv[2] ?? 5);
const RATES = [50, 100, 200, 400, 800, 1200, 1600, 2400];

async function step(target: string, rate: number): Promise<{ ok: number; failed: number }> {
  const calls = rate * SECONDS;
  const run = await startSipp({
    scenario: directUacScenario(),
    remote: target,
    args: [
      "-s",
      "bench",
      "-m",
      String(calls),
      "-r",
      String(rate),
      "-l",
      String(rate * 5),
      "-timeout",
      `${SECONDS + 30}s`,
      "-timeout_error",
    ],
  });
  const result = await run.done;
  cleanup(run);
  return {
    ok: Number(result.stats["SuccessfulCall(C)"] ?? 0),
    failed: calls - Number(result.stats["SuccessfulCall(C)"] ?? 0),
  };
}

async function highestRate(name: string, target: string): Promise<number> {
  let best = 0;
  for (const rate of RATES) {
    const r = await step(target, rate);
    console.log(
      `${name.padEnd(10)} ${String(rate).padStart(5)} calls/s: ${r.ok} ok, ${r.failed} failed`,
    );
    if (r.failed > 0) break;
    best = rate;
  }
  return best;
}

const ours = await startUa({
  aor: "sip:bench@127.0.0.1",
  autoAnswer: true,
  ringFirst: false,
  clock: new SystemClock(),
});
const ourPort = ours.transport.localAddress("UDP")?.port;
const duet = await highestRate("duet", `127.0.0.1:${ourPort}`);
await ours.stop();

const baresip = await Baresip.start({ aor: "sip:bench@127.0.0.1" });
const bare = await highestRate("baresip", `127.0.0.1:${baresip.sipPort}`);
await baresip.stop();

console.log(`highest rate with zero failed calls (${SECONDS} s per step):`);
console.log(`  duet    ${duet} calls/s`);
console.log(`  baresip ${bare} calls/s`);
console.log(`ratio duet / baresip: ${bare > 0 ? (duet / bare).toFixed(2) : "n/a"}x (target ≥ 1)`);
