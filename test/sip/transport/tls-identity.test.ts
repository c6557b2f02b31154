// Outgoing SIP over TLS: which name the server must prove, and what goes out as SNI (RFC 6066
// §3: host names only). A real TLS server on 127.0.0.1 with the sandbox's certificate.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createServer, type Server, type TLSSocket } from "node:tls";
import { systemClock } from "../../../src/common/clock.js";
import { writeCertificate } from "../../../src/sandbox/sandbox.js";
import { NodeTransportLayer } from "../../../src/sip/transport/node-transport.js";

describe("TLS server identity (outgoing)", () => {
  const dir = mkdtempSync(join(tmpdir(), "duet-tls-identity-"));
  let server: Server;
  let port = 0;
  let cert = "";
  const sniSeen: (string | false | null)[] = [];

  before(async () => {
    const files = writeCertificate(dir); // names voip.example.test and 127.0.0.1
    cert = readFileSync(files.cert, "utf8");
    server = createServer({ cert, key: readFileSync(files.key, "utf8") }, (socket: TLSSocket) => {
      sniSeen.push(socket.servername);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a TLS flow to the server; resolves once the server too has seen the handshake. */
  const open = async (serverName: string | undefined) => {
    const seenBefore = sniSeen.length;
    const layer = await NodeTransportLayer.start({ clock: systemClock, ca: cert });
    try {
      const flow = await layer.flowTo({
        host: "127.0.0.1",
        port,
        transport: "TLS",
        ...(serverName !== undefined ? { serverName } : {}),
      });
      const deadline = Date.now() + 2000;
      while (sniSeen.length === seenBefore && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      flow.close();
    } finally {
      layer.close();
    }
  };

  it("sends a host name as SNI and verifies the certificate against it", async () => {
    sniSeen.length = 0;
    await open("voip.example.test");
    assert.deepEqual(sniSeen, ["voip.example.test"]);
  });

  it("verifies an IP literal against the certificate's IP addresses, without SNI", async () => {
    sniSeen.length = 0;
    await open("127.0.0.1");
    await open(undefined);
    assert.deepEqual(sniSeen, [false, false]);
  });

  it("refuses a certificate that does not name the server", async () => {
    await assert.rejects(open("other.example.test"), /other\.example\.test|altnames/i);
    await assert.rejects(open("127.0.0.2"), /127\.0\.0\.2|altnames|IP/i);
  });
});
