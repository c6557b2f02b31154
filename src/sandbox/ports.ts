// Free-port allocation for the sandbox's servers. Ports come from the OS (bind to port 0), so
// two runs never pick the same one while both hold it; the short window between releasing a
// port here and a server binding it is covered by the caller retrying with fresh ports when a
// server reports "address in use".
import { createSocket } from "node:dgram";
import { createServer, type Server } from "node:net";

export const LOOPBACK = "127.0.0.1";

function listenTcp(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => resolve(server));
  });
}

function closeTcp(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** True if nothing on this machine holds TCP `port` on 127.0.0.1 (and, if asked, UDP too). */
export async function isPortFree(port: number, udpToo = false): Promise<boolean> {
  try {
    const tcp = await listenTcp(port);
    await closeTcp(tcp);
  } catch {
    return false;
  }
  return udpToo ? isUdpFree(port) : true;
}

/**
 * Picks `count` distinct free TCP ports on 127.0.0.1; the first `udpToo` of them are also free
 * for UDP (SIP listens on the same number for both). All are held until every one is chosen, so
 * the set has no duplicates.
 */
export async function pickFreePorts(count: number, udpToo = 0): Promise<number[]> {
  const held: Server[] = [];
  const ports: number[] = [];
  try {
    let attempts = 0;
    while (ports.length < count) {
      if (++attempts > count * 50) throw new Error("could not find free ports on 127.0.0.1");
      const server = await listenTcp(0);
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      if (ports.length < udpToo && !(await isUdpFree(port))) {
        await closeTcp(server);
        continue;
      }
      held.push(server);
      ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(held.map(closeTcp));
  }
}

function isUdpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const udp = createSocket("udp4");
    udp.once("error", () => resolve(false));
    udp.bind({ address: LOOPBACK, port, exclusive: true }, () => udp.close(() => resolve(true)));
  });
}
