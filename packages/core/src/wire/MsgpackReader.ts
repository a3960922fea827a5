import { Fault } from './Fault.js'
import { StringInterner } from './StringInterner.js'
import { decodeUtf8 } from './utf8.js'

const EMPTY = new Uint8Array(0)
const EMPTY_VIEW = new DataView(EMPTY.buffer)
/** Messages up to this size are copied into `scratch` before reading. Shared by all readers: reading is synchronous. */
const SCRATCH_BYTES = 64 * 1024
const scratch = new Uint8Array(SCRATCH_BYTES)
const scratchView = new DataView(scratch.buffer)

/**
 * A strict, allocation-light reader of the MessagePack subset the wire format
 * uses: nil, bool, int (all widths), float (32/64), str and array. The caller
 * asks for the type it expects at each position (the layout is positional),
 * so values are checked as they are read and no intermediate tree is built.
 *
 * Anything else is refused with a `Fault` naming the field: maps, binaries and
 * every extension type (`forbidden-type`, so no timestamp, record or
 * structured-clone extension can ever produce an object), the reserved byte
 * 0xc1, truncation, array or string lengths that exceed the remaining bytes,
 * and strings that are not strict UTF-8 (`not-msgpack`).
 *
 * Why not msgpackr's Unpackr: its extension handlers (Date, RegExp, Set,
 * Error, typed arrays, record definitions) run on peer bytes and cannot be
 * turned off per instance; its JS string reader, on a malformed multi-byte
 * sequence, reads past the string's end and re-reads the following bytes as
 * tokens; it caches a DataView as a new property on every input buffer; and
 * a generic tree must then be walked again to validate. Reading the layout
 * directly is about 3x faster on a one-record delta and refuses by
 * construction. Encoding still uses msgpackr (`codec.ts`), and the tests
 * check this reader against msgpackr's encodings of every type it accepts.
 *
 * Not re-entrant: one instance reads one message at a time, synchronously.
 */
export class MsgpackReader {
  private buf: Uint8Array = EMPTY
  /** The same bytes as a DataView, for multi-byte numbers and word-wise string hashing and compares. */
  private view: DataView = EMPTY_VIEW
  private pos = 0
  private end = 0
  private readonly interner: StringInterner

  constructor(interner: StringInterner) {
    this.interner = interner
  }

  /** Start reading `bytes` from its first byte. Nothing read refers to `bytes` afterwards. */
  reset(bytes: Uint8Array): void {
    const n = bytes.length
    if (n <= SCRATCH_BYTES) {
      // a DataView per message costs more than copying a small message into
      // a buffer that has one (measured ~80 ns vs ~15 ns for 360 bytes)
      scratch.set(bytes)
      this.buf = scratch
      this.view = scratchView
    } else {
      this.buf = bytes
      this.view = new DataView(bytes.buffer, bytes.byteOffset, n)
    }
    this.pos = 0
    this.end = n
  }

  /** Drop the reference to the last input, after a message. */
  release(): void {
    this.buf = EMPTY
    this.view = EMPTY_VIEW
    this.pos = 0
    this.end = 0
  }

  /** Fail unless every byte was read. */
  finish(): void {
    if (this.pos !== this.end) {
      throw new Fault('not-msgpack', '', `${this.end - this.pos} trailing bytes after the message`)
    }
  }

  /** Bytes not read yet. */
  remaining(): number {
    return this.end - this.pos
  }

  /** Whether the next token is an array header. */
  atArray(): boolean {
    if (this.pos >= this.end) return false
    const t = this.buf[this.pos] as number
    return (t >= 0x90 && t <= 0x9f) || t === 0xdc || t === 0xdd
  }

  /** Read an array header; fail with `too-many` above `max` entries. Returns the entry count. */
  array(field: string, max: number): number {
    const t = this.token(field)
    let n: number
    if (t >= 0x90 && t <= 0x9f) n = t & 0x0f
    else if (t === 0xdc) n = this.u16(field)
    else if (t === 0xdd) n = this.u32(field)
    else throw this.unexpected(t, field, 'an array')
    if (n > max) throw new Fault('too-many', field, `${n} entries, at most ${max}`)
    // every entry takes at least one byte: refuse a longer claim before anything is allocated for it
    if (n > this.end - this.pos) throw this.truncated(field)
    return n
  }

  /** Read an array header that must announce exactly `n` entries. */
  tuple(field: string, n: number, what: string): void {
    const t = this.token(field)
    let m: number
    if (t >= 0x90 && t <= 0x9f) m = t & 0x0f
    else if (t === 0xdc) m = this.u16(field)
    else if (t === 0xdd) m = this.u32(field)
    else throw this.unexpected(t, field, what)
    if (m !== n) throw new Fault('bad-field', field, `expected ${what} of ${n} elements, got ${m}`)
  }

  /** Read any number (int of any width or float). 64-bit ints beyond 2^53 come out rounded. */
  number(field: string): number {
    const t = this.token(field)
    if (t < 0x80) return t
    if (t >= 0xe0) return t - 0x100
    const buf = this.buf
    const p = this.pos
    switch (t) {
      case 0xcc:
        this.need(1, field)
        this.pos = p + 1
        return buf[p] as number
      case 0xcd:
        return this.u16(field)
      case 0xce:
        return this.u32(field)
      case 0xcf: {
        const hi = this.u32(field)
        return hi * 0x1_0000_0000 + this.u32(field)
      }
      case 0xd0:
        this.need(1, field)
        this.pos = p + 1
        return ((buf[p] as number) << 24) >> 24
      case 0xd1: {
        const v = this.u16(field)
        return (v << 16) >> 16
      }
      case 0xd2:
        return this.u32(field) | 0
      case 0xd3: {
        const hi = this.u32(field) | 0
        return hi * 0x1_0000_0000 + this.u32(field)
      }
      case 0xca: {
        this.need(4, field)
        this.pos = p + 4
        const v = this.view.getFloat32(p)
        return v === 0 ? 0 : v
      }
      case 0xcb: {
        this.need(8, field)
        this.pos = p + 8
        const v = this.view.getFloat64(p)
        return v === 0 ? 0 : v // -0 reads as 0
      }
      default:
        throw this.unexpected(t, field, 'a number')
    }
  }

  /** Read a non-negative safe integer (seq, lamport, counters). */
  uint(field: string): number {
    const t = this.buf[this.pos] as number
    if (this.pos < this.end && t < 0x80) {
      this.pos++
      return t
    }
    const v = this.number(field)
    if (!Number.isSafeInteger(v) || v < 0) {
      throw new Fault('bad-field', field, `expected a non-negative safe integer, got ${v}`)
    }
    return v
  }

  /** Read a boolean. */
  bool(field: string): boolean {
    const t = this.token(field)
    if (t === 0xc3) return true
    if (t === 0xc2) return false
    throw this.unexpected(t, field, 'a boolean')
  }

  /** Consume a nil if one is next; return whether it was. */
  nil(): boolean {
    if (this.pos >= this.end || this.buf[this.pos] !== 0xc0) return false
    this.pos++
    return true
  }

  /**
   * Read a string of `min..max` UTF-16 code units. With `intern`, strings up
   * to the interner's size share one instance per distinct value.
   */
  string(field: string, min: number, max: number, intern: boolean): string {
    const t = this.token(field)
    let n: number
    if (t >= 0xa0 && t <= 0xbf) n = t & 0x1f
    else if (t === 0xd9) {
      this.need(1, field)
      n = this.buf[this.pos++] as number
    } else if (t === 0xda) n = this.u16(field)
    else if (t === 0xdb) n = this.u32(field)
    else throw this.unexpected(t, field, 'a string')
    const buf = this.buf
    const start = this.pos
    const stop = start + n
    if (stop > this.end) throw this.truncated(field)
    // a UTF-16 code unit takes at most 3 UTF-8 bytes: longer is too long without decoding
    if (n > 3 * max) throw new Fault('too-long', field, `${n} bytes, at most ${max} characters`)
    let s: string | undefined
    if (intern && n <= this.interner.maxBytes) {
      // a hit compares every byte with a key that was validated when it was cached
      const h = StringInterner.hash(this.view, start, stop)
      s = this.interner.find(this.view, start, stop, h)
      if (s === undefined) {
        s = decodeUtf8(buf, start, stop)
        if (s === undefined) throw this.badUtf8(field, start)
        this.interner.remember(this.view, start, stop, h, s)
      }
    } else {
      s = decodeUtf8(buf, start, stop)
      if (s === undefined) throw this.badUtf8(field, start)
    }
    this.pos = stop
    if (s.length > max) throw new Fault('too-long', field, `${s.length} characters, at most ${max}`)
    if (s.length < min) throw new Fault('bad-field', field, 'must not be empty')
    return s
  }

  /**
   * Skip one value, and everything inside it, of the subset (an unknown
   * section's payload). Types outside the subset are refused as `read*`
   * would; strings are not decoded. Iterative: no depth limit is needed, and
   * an array cannot claim more entries than bytes remain.
   */
  skip(field: string): void {
    let pending = 1
    while (pending > 0) {
      pending--
      const t = this.token(field)
      if (t < 0x80 || t >= 0xe0 || t === 0xc0 || t === 0xc2 || t === 0xc3) continue // fixint, nil, bool
      if (t >= 0x90 && t <= 0x9f) {
        pending += t & 0x0f
        continue
      }
      if (t >= 0xa0 && t <= 0xbf) {
        this.skipBytes(t & 0x1f, field)
        continue
      }
      switch (t) {
        case 0xdc:
        case 0xdd: {
          const n = t === 0xdc ? this.u16(field) : this.u32(field)
          if (n > this.end - this.pos) throw this.truncated(field)
          pending += n
          break
        }
        case 0xd9:
          this.need(1, field)
          this.skipBytes(this.buf[this.pos++] as number, field)
          break
        case 0xda:
          this.skipBytes(this.u16(field), field)
          break
        case 0xdb:
          this.skipBytes(this.u32(field), field)
          break
        case 0xcc:
        case 0xd0:
          this.skipBytes(1, field)
          break
        case 0xcd:
        case 0xd1:
          this.skipBytes(2, field)
          break
        case 0xce:
        case 0xd2:
        case 0xca:
          this.skipBytes(4, field)
          break
        case 0xcf:
        case 0xd3:
        case 0xcb:
          this.skipBytes(8, field)
          break
        default:
          throw this.unexpected(t, field, 'a value')
      }
    }
  }

  // ---- internals

  private skipBytes(n: number, field: string): void {
    this.need(n, field)
    this.pos += n
  }


  private token(field: string): number {
    if (this.pos >= this.end) throw this.truncated(field)
    return this.buf[this.pos++] as number
  }

  private need(n: number, field: string): void {
    if (this.pos + n > this.end) throw this.truncated(field)
  }

  private u16(field: string): number {
    this.need(2, field)
    const p = this.pos
    this.pos = p + 2
    return this.view.getUint16(p)
  }

  private u32(field: string): number {
    this.need(4, field)
    const p = this.pos
    this.pos = p + 4
    return this.view.getUint32(p)
  }

  private truncated(field: string): Fault {
    return new Fault('not-msgpack', field, `truncated at offset ${Math.min(this.pos, this.end)}`)
  }

  private badUtf8(field: string, at: number): Fault {
    return new Fault('not-msgpack', field, `string at offset ${at} is not valid UTF-8`)
  }

  /** The fault for token `t` (already consumed) where `expected` was wanted. */
  private unexpected(t: number, field: string, expected: string): Fault {
    const at = this.pos - 1
    if (t === 0xc1) return new Fault('not-msgpack', field, `reserved byte 0xc1 at offset ${at}`)
    if ((t >= 0x80 && t <= 0x8f) || t === 0xde || t === 0xdf) return forbidden(field, 'a map', at)
    if (t >= 0xc4 && t <= 0xc6) return forbidden(field, 'binary data', at)
    if ((t >= 0xc7 && t <= 0xc9) || (t >= 0xd4 && t <= 0xd8)) return forbidden(field, 'an extension type', at)
    return new Fault('bad-field', field, `expected ${expected}, got ${kindOf(t)}`)
  }
}

function forbidden(field: string, what: string, at: number): Fault {
  return new Fault('forbidden-type', field, `${what} at offset ${at}: the wire format never uses it`)
}

/** The MessagePack family of a token, for error messages (only the families the subset allows). */
function kindOf(t: number): string {
  if (t < 0x80 || t >= 0xe0 || (t >= 0xcc && t <= 0xd3)) return 'an integer'
  if (t === 0xca || t === 0xcb) return 'a float'
  if ((t >= 0x90 && t <= 0x9f) || t === 0xdc || t === 0xdd) return 'an array'
  if ((t >= 0xa0 && t <= 0xbf) || (t >= 0xd9 && t <= 0xdb)) return 'a string'
  if (t === 0xc0) return 'nil'
  return 'a boolean'
}
