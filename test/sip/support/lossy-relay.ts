// A UDP relay standing between one UA and the proxy like a NAT, dropping a share of datagrams
// in both directions: what the UA sends to `uaSide` leaves from `proxySide` towards the proxy,
// and what arrives at `proxySide` goes on to the UA.
import { createSocket, type Socket } from "node:dgram";

export interface LossyRelay {
  readonly uaSide: number;
  readonly proxySide: number;
  readonly stats: { forwarded: number; dropped: number };
  close(): Promise<void>;
}

async function bind(): Promise<Socket> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  return s;
}

export async function startLossyRelay(
  proxy: { host: string; port: number },
  lossRate: number,
  seed = 7,
): Promise<LossyRelay> {
  let x = seed;
  const random = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
  const uaSide = await bind();
  const proxySide = await bind();
  const stats = { forwarded: 0, dropped: 0 };
  let ua: { address: string; port: number } | undefined;
  const pass = () => {
    if (random() < lossRate) {
      stats.dropped++;
      return false;
    }
    stats.forwarded++;
    return true;
  };
  uaSide.on("message", (data, rinfo) => {
    ua = { address: rinfo.address, port: rinfo.port };
    if (pass()) proxySide.send(data, proxy.port, proxy.host);
  });
  proxySide.on("message", (data) => {
    if (ua && pass()) uaSide.send(data, ua.port, ua.address);
  });
  return {
    uaSide: uaSide.address().port,
    proxySide: proxySide.address().port,
    stats,
    close: async () => {
      await new Promise<void>((r) => uaSide.close(() => r()));
      await new Promise<void>((r) => proxySide.close(() => r()));
    },
  };
}
