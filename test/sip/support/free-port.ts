// A free UDP (and TCP) port on 127.0.0.1 for a peer process, asked of the OS.
import { createSocket } from "node:dgram";
import { createServer } from "node:net";

/** Whether `port` is free for both UDP and TCP on 127.0.0.1. */
export async function isPortFree(port: number): Promise<boolean> {
  const udp = createSocket("udp4");
  const udpFree = await new Promise<boolean>((r) => {
    udp.once("error", () => r(false));
    udp.bind(port, "127.0.0.1", () => r(true));
  });
  if (udpFree) await new Promise<void>((r) => udp.close(() => r()));
  if (!udpFree) return false;
  return new Promise<boolean>((r) => {
    const s = createServer();
    s.once("error", () => r(false));
    s.listen(port, "127.0.0.1", () => s.close(() => r(true)));
  });
}

export async function freePort(): Promise<number> {
  for (;;) {
    const udp = createSocket("udp4");
    const port = await new Promise<number>((r) =>
      udp.bind(0, "127.0.0.1", () => r(udp.address().port)),
    );
    const tcpFree = await new Promise<boolean>((r) => {
      const s = createServer();
      s.once("error", () => r(false));
      s.listen(port, "127.0.0.1", () => s.close(() => r(true)));
    });
    await new Promise<void>((r) => udp.close(() => r()));
    if (tcpFree) return port;
  }
}
