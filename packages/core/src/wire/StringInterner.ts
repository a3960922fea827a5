/**
 * A direct-mapped cache from UTF-8 bytes to the string they decode to, so that
 * the strings a fleet repeats in every message (node ids, breaker names,
 * addresses, and the reasons of records that a push-pull sync sends again
 * every interval) are decoded once and then shared.
 *
 * Why: a libp2p peer id is ~52 bytes and appears in nearly every record;
 * building it from bytes costs ~0.15 µs, and a fresh (not yet internalized)
 * string used as a vector-clock key costs V8 another ~0.8 µs, together more
 * than all the rest of decoding a one-record delta. A hit costs a word-wise
 * hash and a word-by-word compare.
 *
 * Each slot holds one entry; a colliding string evicts it. Memory is bounded
 * by `slots × maxBytes` bytes plus the strings, whatever a peer sends, and
 * only slots in use hold anything.
 */
export class StringInterner {
  /** Longest byte string worth caching; longer ones are decoded each time. */
  readonly maxBytes: number
  private readonly mask: number
  private readonly keys: (DataView | undefined)[]
  private readonly values: (string | undefined)[]

  /**
   * @param slots number of entries, a power of two. More slots mean fewer
   *   evictions between distinct strings (a fleet's ids, breaker names and
   *   reasons should fit several times over), at up to `maxBytes` bytes each.
   * @param maxBytes longest cached byte string. 128 holds every node id and
   *   breaker name and most reasons; longer ones are rare and decoded each time.
   */
  constructor(slots = 16_384, maxBytes = 128) {
    if (!Number.isInteger(slots) || slots < 1 || (slots & (slots - 1)) !== 0 || slots > 1 << 20) {
      throw new RangeError(`StringInterner slots must be a power of two in 1..${1 << 20}, got ${slots}`)
    }
    if (!Number.isInteger(maxBytes) || maxBytes < 0 || maxBytes > 65_535) {
      throw new RangeError(`StringInterner maxBytes must be an integer in 0..65535, got ${maxBytes}`)
    }
    this.maxBytes = maxBytes
    this.mask = slots - 1
    this.keys = new Array<DataView | undefined>(slots).fill(undefined)
    this.values = new Array<string | undefined>(slots).fill(undefined)
  }

  /**
   * A hash of `view[start..stop)` read word by word: every 4-byte word of
   * strings up to 64 bytes (ids, names, short reasons), 16 evenly spread words
   * of longer ones, and always the last word. A weak spot only costs
   * evictions; `find` always compares every byte.
   */
  static hash(view: DataView, start: number, stop: number): number {
    const n = stop - start
    let h = Math.imul(0x811c9dc5 ^ n, 0x01000193)
    if (n >= 4) {
      const step = n <= 64 ? 4 : (n >>> 4) & ~3
      for (let i = start; i + 4 <= stop; i += step) h = Math.imul(h ^ view.getUint32(i), 0x01000193)
      h = Math.imul(h ^ view.getUint32(stop - 4), 0x01000193)
    } else {
      for (let i = start; i < stop; i++) h = Math.imul(h ^ view.getUint8(i), 0x01000193)
    }
    h ^= h >>> 15
    h = Math.imul(h, 0x2c1b3c6d)
    return h ^ (h >>> 13)
  }

  /** The cached string for `view[start..stop)` (whose `hash` the caller computed), if any. */
  find(view: DataView, start: number, stop: number, hash: number): string | undefined {
    const key = this.keys[hash & this.mask]
    const n = stop - start
    if (key === undefined || key.byteLength !== n) return undefined
    let i = 0
    for (; i + 4 <= n; i += 4) if (key.getUint32(i) !== view.getUint32(start + i)) return undefined
    for (; i < n; i++) if (key.getUint8(i) !== view.getUint8(start + i)) return undefined
    return this.values[hash & this.mask]
  }

  /** Cache `value` as the decoding of `view[start..stop)` (ignored beyond `maxBytes`). */
  remember(view: DataView, start: number, stop: number, hash: number, value: string): void {
    const n = stop - start
    if (n > this.maxBytes) return
    const copy = new Uint8Array(n)
    copy.set(new Uint8Array(view.buffer, view.byteOffset + start, n))
    const slot = hash & this.mask
    this.keys[slot] = new DataView(copy.buffer)
    this.values[slot] = value
  }
}
