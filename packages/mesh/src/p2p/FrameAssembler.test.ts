import { describe, expect, it } from 'vitest'
import * as lp from 'it-length-prefixed'
import { FrameAssembler } from './FrameAssembler.js'
import { FrameError } from './FrameError.js'

const bytes = (...xs: number[]) => Uint8Array.from(xs)
const frame = (n: number, fill: number) => new Uint8Array(n).fill(fill)
/** The encoding senders use (it-length-prefixed's unsigned varint). */
const encode = (f: Uint8Array) => lp.encode.single(f).subarray()

describe('FrameAssembler', () => {
  it('cuts frames out of any chunking, the same as the senders frame them', () => {
    const frames = [frame(3, 1), frame(0, 0), frame(200, 2), frame(70_000, 3)]
    const wire = Buffer.concat(frames.map(encode))
    for (const size of [1, 2, 7, 128, 1000, wire.length]) {
      const a = new FrameAssembler(1 << 20)
      const got: Uint8Array[] = []
      for (let i = 0; i < wire.length; i += size) got.push(...a.push(wire.subarray(i, i + size)))
      expect(got.map((f) => Buffer.from(f).toString('hex'))).toEqual(frames.map((f) => Buffer.from(f).toString('hex')))
      expect(a.partial).toBe(false)
      expect(a.buffered).toBe(0)
    }
  })

  it('refuses a length above the limit as soon as the prefix is read', () => {
    const a = new FrameAssembler(1000)
    expect(() => a.push(encode(frame(1001, 0)).subarray(0, 2))).toThrow(FrameError)
    expect(() => new FrameAssembler(1000).push(bytes(0xff, 0xff, 0xff, 0xff, 0x7f))).toThrow(FrameError)
  })

  it('holds only the bytes that arrived of an announced frame, and says it is partial', () => {
    const a = new FrameAssembler(8 << 20)
    const head = encode(frame(8 << 20, 9)).subarray(0, 4 + 1000)
    expect(a.push(head)).toEqual([])
    expect(a.partial).toBe(true)
    expect(a.buffered).toBe(1000)
  })

  it('a split prefix is partial too', () => {
    const a = new FrameAssembler(1 << 20)
    expect(a.push(bytes(0x80))).toEqual([])
    expect(a.partial).toBe(true)
    expect(a.push(bytes(0x01, ...new Array(128).fill(5)))).toHaveLength(1)
    expect(a.partial).toBe(false)
  })
})
