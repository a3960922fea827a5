/**
 * A fast, deterministic, non-cryptographic string hash with a 53-bit result
 * (exact as a JS number). Two 32-bit lanes run side by side over the UTF-16
 * code units: lane A is FNV-1a, lane B a multiply-xorshift step with a
 * different constant; the murmur3 finalizer (fmix32) then mixes both lanes
 * together. Each `update` also feeds the text's length, so the sequence
 * ("ab", "c") hashes differently from ("a", "bc").
 *
 * Used for rendezvous hashing and table fingerprints: fine against accidents,
 * not against an adversary choosing inputs.
 */
export class StringHash {
  private a: number
  private b: number

  constructor(a = 0x811c9dc5, b = 0x2f6b1d35) {
    this.a = a | 0
    this.b = b | 0
  }

  /** Feed `text` (then its length); returns `this` for chaining. */
  update(text: string): this {
    let a = this.a
    let b = this.b
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i)
      a = Math.imul(a ^ c, 0x01000193)
      b = Math.imul(b ^ c, 0x5bd1e995)
      b ^= b >>> 15
    }
    const n = text.length
    a = Math.imul(a ^ n, 0x01000193)
    b = Math.imul(b ^ n, 0x5bd1e995)
    b ^= b >>> 15
    this.a = a
    this.b = b
    return this
  }

  /** An independent hasher in the same state (to hash many suffixes of one prefix). */
  copy(): StringHash {
    return new StringHash(this.a, this.b)
  }

  /** The hash as an unsigned integer in [0, 2^53). */
  value(): number {
    const [hi, lo] = this.finish()
    return hi * 0x200000 + (lo >>> 11)
  }

  /** The full 64-bit hash as 16 lowercase hex digits. */
  hex(): string {
    const [hi, lo] = this.finish()
    return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0')
  }

  private finish(): [number, number] {
    const hi = fmix32(this.a ^ Math.imul(this.b, 0x85ebca6b))
    const lo = fmix32(this.b ^ hi)
    return [hi, lo]
  }
}

/** murmur3's 32-bit finalizer: every input bit affects every output bit. */
function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
