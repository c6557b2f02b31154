// Audio codecs behind one interface: G.711 written here, Opus through opusscript (libopus in
// WebAssembly). Opus runs mono at 48 kHz; the SDP still says opus/48000/2 as RFC 7587 §7 demands,
// and a mono decoder also plays stereo streams (downmixed by libopus).

import OpusScript from "opusscript";
import type { CodecSpec } from "../sdp/codecs.js";
import { decodeG711, encodeG711 } from "./g711.js";

export interface AudioCodec {
  readonly clockRate: number;
  encode(pcm: Int16Array): Buffer;
  decode(payload: Buffer): Int16Array;
  close(): void;
}

class G711Codec implements AudioCodec {
  readonly clockRate = 8000;
  constructor(private readonly law: "PCMU" | "PCMA") {}
  encode(pcm: Int16Array): Buffer {
    return encodeG711(this.law, pcm);
  }
  decode(payload: Buffer): Int16Array {
    return decodeG711(this.law, payload);
  }
  close(): void {}
}

class OpusCodec implements AudioCodec {
  readonly clockRate = 48000;
  private readonly encoder = new OpusScript(48000, 1, OpusScript.Application.VOIP);
  private readonly decoder = new OpusScript(48000, 1, OpusScript.Application.VOIP);

  constructor() {
    // A fresh coder's first frame is slow (memory set-up inside the WebAssembly instance): pay
    // that here, before the stream's pacing starts, not in the middle of the call. The frame is
    // silence, so it leaves nothing audible in the coders' state.
    this.encoder.encode(Buffer.alloc(1920), 960);
    this.decoder.decode(this.encoder.encode(Buffer.alloc(1920), 960));
  }

  encode(pcm: Int16Array): Buffer {
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    return Buffer.from(this.encoder.encode(bytes, pcm.length));
  }

  decode(payload: Buffer): Int16Array {
    try {
      const out = this.decoder.decode(payload);
      const copy = Buffer.from(out);
      return new Int16Array(copy.buffer, copy.byteOffset, copy.byteLength / 2);
    } catch {
      return new Int16Array(0); // a corrupt packet plays as a gap
    }
  }

  close(): void {
    this.encoder.delete();
    this.decoder.delete();
  }
}

/**
 * Creating the first Opus coder compiles libopus's WebAssembly, a pause long enough to disturb
 * running streams; doing it once per process, up front, keeps that pause out of the calls.
 */
let opusWarm = false;

export function warmUpOpus(): void {
  if (opusWarm) return;
  opusWarm = true;
  const codec = new OpusCodec();
  // A few frames as well: the first calls into fresh WebAssembly run slowly.
  for (let i = 0; i < 5; i++) codec.decode(codec.encode(new Int16Array(960)));
  codec.close();
}

export function createAudioCodec(spec: CodecSpec): AudioCodec {
  switch (spec.name) {
    case "PCMU":
    case "PCMA":
      return new G711Codec(spec.name);
    case "opus":
      return new OpusCodec();
    default:
      throw new TypeError(`${spec.name} is not an audio codec we encode`);
  }
}
