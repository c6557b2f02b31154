// Symmetric RTP latching (RFC 4961) on real sockets: the first packet that looks like the peer's
// media wins, the SDP's own address always may take over, and nothing else can hijack the call.

import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import { describe, it } from "node:test";
import { type Address, UdpTransport } from "../../../src/media/rtp/udp-transport.js";
import { sleep } from "../connect.js";

async function socket(): Promise<Socket> {
  const s = createSocket("udp4");
  await new Promise<void>((r) => s.bind(0, "127.0.0.1", () => r()));
  return s;
}

const rtp = (pt: number) => Buffer.from([0x80, pt, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xff]);
const addr = (s: Socket): Address => ({ address: "127.0.0.1", port: s.address().port });

describe("UdpTransport latching", () => {
  it("latches to a plausible packet, ignores junk and strangers, yields to the SDP address", async () => {
    const t = await UdpTransport.open("127.0.0.1", false);
    const [sdpPeer, natPeer, stranger] = await Promise.all([socket(), socket(), socket()]);
    const got: number[] = [];
    t.handlers = {
      onRtp: (_p, from) => got.push(from.port),
      onRtcp: () => {},
      isPeerRtp: (p) => (p[1]! & 0x7f) === 0,
    };
    t.setRemote(addr(sdpPeer), addr(sdpPeer), true);
    try {
      const send = async (s: Socket, pt: number) => {
        s.send(rtp(pt), t.rtpPort, "127.0.0.1");
        await sleep(30);
      };
      await send(stranger, 96); // not a payload type of ours: no latch
      assert.deepEqual(got, []);
      assert.equal(t.remoteRtpAddress?.port, addr(sdpPeer).port);
      await send(natPeer, 0); // looks like the peer behind a NAT: latch
      assert.equal(t.remoteRtpAddress?.port, addr(natPeer).port);
      await send(stranger, 0); // latched: a stranger cannot take over
      assert.equal(t.remoteRtpAddress?.port, addr(natPeer).port);
      await send(sdpPeer, 0); // the SDP's address may
      assert.equal(t.remoteRtpAddress?.port, addr(sdpPeer).port);
      assert.deepEqual(got, [addr(natPeer).port, addr(sdpPeer).port]);
      assert.equal(t.strayPackets, 2);
    } finally {
      t.close();
      for (const s of [sdpPeer, natPeer, stranger]) s.close();
    }
  });

  it("binds an even RTP port with RTCP on the next one, and frees RTCP once multiplexed", async () => {
    const t = await UdpTransport.open("127.0.0.1", true);
    try {
      assert.equal(t.rtpPort % 2, 0);
      assert.equal(t.rtcpPort, t.rtpPort + 1);
      t.setRemote({ address: "127.0.0.1", port: 9 }, undefined, true);
      assert.equal(t.rtcpPort, undefined);
      assert.equal(t.muxed, true);
    } finally {
      t.close();
    }
  });
});
