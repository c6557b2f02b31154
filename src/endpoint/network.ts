// Which local address the endpoint uses, and which addresses its proxy has. SIP and RTP must
// bind and advertise (Via, Contact, SDP c=) an address the other side can reach: by default the
// one this machine's routing table picks for the configured proxy — loopback for a proxy on
// loopback, the LAN or public interface otherwise.

import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";

/** The local address the system would send from to reach host:port (no packet is sent). */
export async function localAddressTowards(host: string, port: number): Promise<string> {
  const target = await lookup(host);
  const socket = createSocket(target.family === 6 ? "udp6" : "udp4");
  try {
    // connect() on a UDP socket only fixes the peer, which makes the kernel choose the route
    // and so the source address; nothing goes on the wire.
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(port, target.address, () => resolve());
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}

/** Every address a host name resolves to (an IP address stands for itself). */
export async function addressesOf(host: string): Promise<Set<string>> {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  try {
    const all = await lookup(bare, { all: true });
    return new Set([bare, ...all.map((a) => a.address)]);
  } catch {
    return new Set([bare]);
  }
}
