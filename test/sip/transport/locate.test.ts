// RFC 3263 server location against a real DNS server: dnsmasq, started here on a free 127.0.0.1
// port with the zone below and stopped by pid at the end; our locate() asks it through a
// node:dns Resolver. Names under sip.test that the zone lacks are NXDOMAIN (--local).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { Resolver } from "node:dns/promises";
import { existsSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { parseUri } from "../../../src/sip/message/index.js";
import {
  LocateError,
  locate,
  orderSrv,
  type SipResolver,
  type Target,
  type TransportName,
} from "../../../src/sip/transport/index.js";
import { freePort } from "../support/free-port.js";

const ZONE = [
  // §4.1 NAPTR: TCP (order 10) is preferred to UDP (order 20); a SIPS service too.
  "--naptr-record=naptr.sip.test,20,10,S,SIP+D2U,,_sip._udp.naptr.sip.test",
  "--naptr-record=naptr.sip.test,10,10,S,SIP+D2T,,_sip._tcp.naptr.sip.test",
  "--naptr-record=naptr.sip.test,30,10,S,SIPS+D2T,,_sips._tcp.naptr.sip.test",
  "--srv-host=_sip._udp.naptr.sip.test,udp.naptr.sip.test,5080,0,0",
  "--srv-host=_sip._tcp.naptr.sip.test,tcp.naptr.sip.test,5070,0,0",
  "--srv-host=_sips._tcp.naptr.sip.test,tls.naptr.sip.test,5071,0,0",
  "--host-record=udp.naptr.sip.test,127.0.1.1",
  "--host-record=tcp.naptr.sip.test,127.0.1.2",
  "--host-record=tls.naptr.sip.test,127.0.1.3",
  // §4.2 SRV without NAPTR: priority 10 before 20; within 10, weight 50 before 10. One target
  // of priority 10 has no address at all and must be skipped, not end the list.
  "--srv-host=_sip._udp.srv.sip.test,far.srv.sip.test,5001,20,100",
  "--srv-host=_sip._udp.srv.sip.test,light.srv.sip.test,5002,10,10",
  "--srv-host=_sip._udp.srv.sip.test,heavy.srv.sip.test,5003,10,50",
  "--srv-host=_sip._udp.srv.sip.test,gone.srv.sip.test,5004,10,30",
  "--srv-host=_sip._tcp.srv.sip.test,tcp.srv.sip.test,5010,0,0",
  "--host-record=far.srv.sip.test,127.0.2.1",
  "--host-record=light.srv.sip.test,127.0.2.2",
  "--host-record=heavy.srv.sip.test,127.0.2.3",
  "--host-record=tcp.srv.sip.test,127.0.2.4",
  "--host-record=srv.sip.test,127.0.2.9",
  // §4.2 last paragraph: no NAPTR, no SRV → the domain's own A and AAAA records.
  "--host-record=plain.sip.test,127.0.3.1,fd00::31",
];

/** The resolver, counting the queries it is asked (to show which lookups were skipped). */
class CountingResolver implements SipResolver {
  readonly queries: string[] = [];
  constructor(private readonly inner: Resolver) {}
  resolveNaptr(name: string) {
    this.queries.push(`NAPTR ${name}`);
    return this.inner.resolveNaptr(name);
  }
  resolveSrv(name: string) {
    this.queries.push(`SRV ${name}`);
    return this.inner.resolveSrv(name);
  }
  resolve4(name: string) {
    this.queries.push(`A ${name}`);
    return this.inner.resolve4(name);
  }
  resolve6(name: string) {
    this.queries.push(`AAAA ${name}`);
    return this.inner.resolve6(name);
  }
}

const brief = (targets: Target[]) => targets.map((t) => `${t.transport} ${t.host} ${t.port}`);

describe("RFC 3263 server location against dnsmasq", () => {
  let dnsmasq: ChildProcess | undefined;
  let port = 0;
  const stderr: string[] = [];

  const resolver = () => {
    const r = new Resolver({ timeout: 2000, tries: 2 });
    r.setServers([`127.0.0.1:${port}`]);
    return new CountingResolver(r);
  };
  // A draw of 0 always takes the heaviest remaining record: the lists below are then exact.
  const find = (uri: string, preferred?: TransportName, r = resolver(), random = () => 0) =>
    locate(parseUri(uri, "test"), preferred, { resolver: r, random });

  before(async () => {
    port = await freePort();
    dnsmasq = spawn(
      // Debian installs it in /usr/sbin, which a non-root PATH often lacks.
      existsSync("/usr/sbin/dnsmasq") ? "/usr/sbin/dnsmasq" : "dnsmasq",
      [
        "--no-daemon",
        `--port=${port}`,
        "--listen-address=127.0.0.1",
        "--bind-interfaces",
        "--no-resolv",
        "--no-hosts",
        "--conf-file=/dev/null",
        "--pid-file=",
        "--local=/sip.test/",
        ...ZONE,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    dnsmasq.stderr?.on("data", (d: Buffer) => stderr.push(d.toString()));
    const exited = new Promise<never>((_, reject) => {
      dnsmasq?.once("exit", (code) =>
        reject(new Error(`dnsmasq exited (${code}): ${stderr.join("")}`)),
      );
      dnsmasq?.once("error", (e) =>
        reject(new Error(`cannot start dnsmasq (apt-get install dnsmasq-base): ${e.message}`)),
      );
    });
    // Ready once it answers (polling its own port; the exit above ends the wait on failure).
    const ready = (async () => {
      for (let i = 0; ; i++) {
        try {
          await resolver().resolve4("plain.sip.test");
          return;
        } catch (e) {
          if (i >= 50) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    })();
    await Promise.race([ready, exited]);
  });

  after(async () => {
    const child = dnsmasq;
    if (child?.pid === undefined || child.exitCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    process.kill(child.pid, "SIGTERM");
    await gone;
  });

  it("§4.1: NAPTR picks the transport by order, then SRV and A give the target", async () => {
    const r = resolver();
    assert.deepEqual(brief(await find("sip:naptr.sip.test", undefined, r)), ["TCP 127.0.1.2 5070"]);
    assert.deepEqual(r.queries.slice(0, 2), [
      "NAPTR naptr.sip.test",
      "SRV _sip._tcp.naptr.sip.test",
    ]);
  });

  it("§4.1: a SIPS URI takes only the SIPS service of the NAPTR set", async () => {
    assert.deepEqual(brief(await find("sips:naptr.sip.test")), ["TLS 127.0.1.3 5071"]);
  });

  it("§4.1: a transport in the URI skips NAPTR and asks that SRV directly", async () => {
    const r = resolver();
    const targets = await find("sip:naptr.sip.test;transport=udp", undefined, r);
    assert.deepEqual(brief(targets), ["UDP 127.0.1.1 5080"]);
    assert.equal(targets[0]?.serverName, "naptr.sip.test");
    assert.ok(!r.queries.some((q) => q.startsWith("NAPTR")), r.queries.join(", "));
  });

  it("§4.2: without NAPTR, SRV records come by priority, then by weight; dead ones skipped", async () => {
    assert.deepEqual(brief(await find("sip:srv.sip.test")), [
      "UDP 127.0.2.3 5003",
      "UDP 127.0.2.2 5002",
      "UDP 127.0.2.1 5001",
    ]);
    assert.deepEqual(brief(await find("sip:srv.sip.test", "TCP")), ["TCP 127.0.2.4 5010"]);
  });

  it("RFC 2782: within one priority the choice follows the weights", async () => {
    // Priority 10 holds heavy (50), gone (30, no address) and light (10): a draw near the top of
    // the range takes light first; the next draw over heavy+gone lands on gone (skipped), then
    // heavy. Priority 20 (far) always comes last.
    assert.deepEqual(brief(await find("sip:srv.sip.test", undefined, resolver(), () => 0.99)), [
      "UDP 127.0.2.2 5002",
      "UDP 127.0.2.3 5003",
      "UDP 127.0.2.1 5001",
    ]);
  });

  it("RFC 2782: over many draws each record comes first in proportion to its weight", () => {
    const records = [
      { name: "a", port: 1, priority: 1, weight: 60 },
      { name: "b", port: 2, priority: 1, weight: 30 },
      { name: "c", port: 3, priority: 1, weight: 10 },
      { name: "z", port: 4, priority: 0, weight: 0 },
    ];
    // A fixed linear congruential sequence keeps the test repeatable.
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const first: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 3000; i++) {
      const order = orderSrv(records, random);
      assert.equal(order[0]!.name, "z", "priority 0 always comes first");
      first[order[1]!.name]!++;
    }
    assert.ok(Math.abs(first.a! / 3000 - 0.6) < 0.05, JSON.stringify(first));
    assert.ok(Math.abs(first.b! / 3000 - 0.3) < 0.05, JSON.stringify(first));
    assert.ok(Math.abs(first.c! / 3000 - 0.1) < 0.05, JSON.stringify(first));
  });

  it("§4.2: no NAPTR and no SRV fall back to A and AAAA with the default port", async () => {
    const r = resolver();
    assert.deepEqual(brief(await find("sip:plain.sip.test", undefined, r)), [
      "UDP 127.0.3.1 5060",
      "UDP fd00::31 5060",
    ]);
    // UDP then TCP SRV were both asked before the fallback (§4.1, no NAPTR).
    assert.ok(r.queries.includes("SRV _sip._udp.plain.sip.test"), r.queries.join(", "));
    assert.ok(r.queries.includes("SRV _sip._tcp.plain.sip.test"), r.queries.join(", "));
    assert.deepEqual(brief(await find("sips:plain.sip.test")), [
      "TLS 127.0.3.1 5061",
      "TLS fd00::31 5061",
    ]);
  });

  it("§4.2: an explicit port skips NAPTR and SRV and uses the host's addresses", async () => {
    const r = resolver();
    assert.deepEqual(brief(await find("sip:srv.sip.test:5999", undefined, r)), [
      "UDP 127.0.2.9 5999",
    ]);
    assert.deepEqual(r.queries.sort(), ["A srv.sip.test", "AAAA srv.sip.test"]);
    assert.deepEqual(brief(await find("sip:srv.sip.test:5999;transport=tcp")), [
      "TCP 127.0.2.9 5999",
    ]);
  });

  it("§4.1: a numeric host asks no DNS at all", async () => {
    const r = resolver();
    assert.deepEqual(brief(await find("sip:127.0.0.7", undefined, r)), ["UDP 127.0.0.7 5060"]);
    assert.deepEqual(brief(await find("sips:[::1]:5071", undefined, r)), ["TLS ::1 5071"]);
    assert.deepEqual(brief(await find("sip:[fd00::7];transport=tcp", undefined, r)), [
      "TCP fd00::7 5060",
    ]);
    assert.deepEqual(r.queries, []);
  });

  it("a domain that does not exist is a LocateError naming it", async () => {
    await assert.rejects(find("sip:nowhere.sip.test"), (e: unknown) => {
      assert.ok(e instanceof LocateError, String(e));
      assert.match(e.message, /"nowhere\.sip\.test"/);
      assert.match(e.message, /ENOTFOUND/);
      return true;
    });
    await assert.rejects(find("sip:nowhere.sip.test:5060"), /cannot resolve "nowhere\.sip\.test"/);
  });

  it("a URI that is not sip: or sips: cannot be located", async () => {
    await assert.rejects(find("tel:+15550100"), LocateError);
  });
});
