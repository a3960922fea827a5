/**
 * Cuts one inbound stream's bytes into length-prefixed frames (an unsigned
 * varint length, then that many bytes: the framing of
 * `it-length-prefixed-stream`, which senders use) without trusting the peer:
 *
 * - a length above `maxFrameBytes` fails at once, before any of it is read;
 * - nothing is allocated ahead of the bytes that actually arrived, so a peer
 *   that announces a large frame and never sends it holds only what it sent;
 * - `buffered` tells the caller how many bytes wait in an unfinished frame,
 *   so it can charge them to a budget and time the frame out.
 *
 * Pure and synchronous: the caller feeds chunks and gets whole frames back.
 */
import { FrameError } from './FrameError.js'

/** Bytes of a varint length prefix we accept: 4 × 7 bits = up to 256 MiB. */
const MAX_PREFIX_BYTES = 4

export class FrameAssembler {
  /** Parts of the frame being read (its prefix already parsed). */
  private parts: Uint8Array[] = []
  private have = 0
  /** Length of the frame being read, or -1 while reading a prefix. */
  private need = -1
  private prefix = 0
  private prefixBytes = 0

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held for frames not yet complete (prefix bytes excluded). */
  get buffered(): number {
    return this.have
  }

  /** True while a frame (or its length prefix) has started but not finished. */
  get partial(): boolean {
    return this.need >= 0 || this.prefixBytes > 0
  }

  /** Feed `chunk`; returns the frames it completed, in order. Throws `FrameError` on an oversized length. */
  push(chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = []
    let i = 0
    while (i < chunk.length) {
      if (this.need < 0) {
        const b = chunk[i++]!
        this.prefix += (b & 0x7f) * 2 ** (7 * this.prefixBytes)
        this.prefixBytes++
        if ((b & 0x80) !== 0) {
          if (this.prefixBytes >= MAX_PREFIX_BYTES) throw new FrameError(Number.MAX_SAFE_INTEGER, this.maxFrameBytes)
          continue
        }
        if (this.prefix > this.maxFrameBytes) throw new FrameError(this.prefix, this.maxFrameBytes)
        this.need = this.prefix
        this.prefix = 0
        this.prefixBytes = 0
        if (this.need === 0) {
          out.push(new Uint8Array(0))
          this.need = -1
        }
        continue
      }
      const take = Math.min(this.need - this.have, chunk.length - i)
      // A frame inside one chunk is passed on without a copy (the usual case).
      const piece = chunk.subarray(i, i + take)
      i += take
      if (this.have === 0 && take === this.need) {
        out.push(piece)
      } else {
        this.parts.push(piece.slice()) // own the bytes: the chunk's buffer may be reused
        this.have += take
        if (this.have < this.need) continue
        out.push(concat(this.parts, this.have))
        this.parts = []
        this.have = 0
      }
      this.need = -1
    }
    return out
  }
}

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(length)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}
