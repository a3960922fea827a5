import fc from 'fast-check'
import { Packr, unpack } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { Fault } from './Fault.js'
import { MsgpackReader } from './MsgpackReader.js'
import { StringInterner } from './StringInterner.js'

// The reader must read exactly what msgpackr (the encoder) writes, and what any
// standard MessagePack encoder may write for the same values (all int widths, float32).

const packr = new Packr({ useRecords: false })
const reader = new MsgpackReader(new StringInterner(64, 128))

function on<T>(bytes: Uint8Array | number[], read: (r: MsgpackReader) => T): T {
  reader.reset(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes))
  try {
    const value = read(reader)
    reader.finish()
    return value
  } finally {
    reader.release()
  }
}

function fault(bytes: Uint8Array | number[], read: (r: MsgpackReader) => unknown): Fault {
  try {
    on(bytes, read)
  } catch (e) {
    if (e instanceof Fault) return e
    throw e
  }
  throw new Error('expected a Fault')
}

const be = (bits: 32 | 64, n: bigint): number[] => {
  const out: number[] = []
  for (let i = bits / 8 - 1; i >= 0; i--) out.push(Number((BigInt.asUintN(bits, n) >> BigInt(8 * i)) & 0xffn))
  return out
}

describe('MsgpackReader numbers', () => {
  it('reads every double msgpackr writes (ints of every width, floats, NaN, infinities), -0 as 0', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }), fc.maxSafeInteger()), (x) => {
        const bytes = packr.pack(x)
        const expected = unpack(bytes) as number
        expect(on(bytes, (r) => r.number('x'))).toBe(expected === 0 ? 0 : expected)
      }),
      { numRuns: 2000 },
    )
  })

  it.each([0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, -1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1])(
    'reads %d from its width boundary',
    (x) => {
      expect(on(packr.pack(x), (r) => r.number('x'))).toBe(x)
    },
  )

  it('reads 64-bit ints and float32, which other encoders write', () => {
    for (const n of [0n, 1n, 2n ** 32n + 5n, 2n ** 53n - 1n, 2n ** 63n + 7n]) {
      expect(on([0xcf, ...be(64, n)], (r) => r.number('x'))).toBe(Number(n))
    }
    for (const n of [-1n, -(2n ** 40n) - 3n, -(2n ** 53n) + 1n, 5n]) {
      expect(on([0xd3, ...be(64, n)], (r) => r.number('x'))).toBe(Number(n))
    }
    const f = new DataView(new ArrayBuffer(4))
    for (const x of [1.5, -0.1, 3.4e38, Infinity]) {
      f.setFloat32(0, x)
      expect(on([0xca, ...new Uint8Array(f.buffer)], (r) => r.number('x'))).toBe(Math.fround(x))
    }
  })

  it('uint accepts non-negative safe integers only, in any encoding', () => {
    expect(on([0xcf, ...be(64, 2n ** 53n - 1n)], (r) => r.uint('n'))).toBe(2 ** 53 - 1)
    expect(on(packr.pack(2 ** 40), (r) => r.uint('n'))).toBe(2 ** 40) // msgpackr writes it as a float64
    expect(on([0xd0, 5], (r) => r.uint('n'))).toBe(5)
    for (const bad of [-1, 1.5, 2 ** 53, NaN, Infinity]) {
      expect(fault(packr.pack(bad), (r) => r.uint('n')).code).toBe('bad-field')
    }
    expect(fault([0xcf, ...be(64, 2n ** 53n + 2n)], (r) => r.uint('n')).code).toBe('bad-field')
  })
})

describe('MsgpackReader strings', () => {
  it('reads every string msgpackr writes, interned or not', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.boolean(), (s, intern) => {
        expect(on(packr.pack(s), (r) => r.string('s', 0, 1000, intern))).toBe(s)
      }),
      { numRuns: 1000 },
    )
  })

  it.each([31, 32, 255, 256, 65_535, 65_536])('reads a %d-byte string across header sizes', (n) => {
    const s = 'a'.repeat(n - 2) + 'é'
    expect(on(packr.pack(s), (r) => r.string('s', 0, 70_000, false))).toBe(s)
  })

  it('keeps a leading U+FEFF (a string, not a byte order mark)', () => {
    for (const s of ['\uFEFF', '\uFEFF\u0000', '\uFEFFé', 'a\uFEFF']) {
      expect(on(packr.pack(s), (r) => r.string('s', 0, 10, false))).toBe(s)
      expect(on(packr.pack(s), (r) => r.string('s', 0, 10, true))).toBe(s)
    }
  })

  it('accepts the edges of UTF-8', () => {
    for (const bytes of [
      [0xed, 0x9f, 0xbf], // U+D7FF
      [0xee, 0x80, 0x80], // U+E000
      [0xef, 0xbf, 0xbf], // U+FFFF
      [0xf0, 0x90, 0x80, 0x80], // U+10000
      [0xf4, 0x8f, 0xbf, 0xbf], // U+10FFFF
      [0xc2, 0x80], // U+0080
    ]) {
      const s = on([0xa0 + bytes.length, ...bytes], (r) => r.string('s', 0, 10, false))
      expect(s).toBe(new TextDecoder().decode(Uint8Array.from(bytes)))
    }
  })

  it.each([
    ['a lone continuation byte', [0x80]],
    ['an overlong 2-byte form', [0xc0, 0x80]],
    ['an overlong 2-byte form (0xc1)', [0xc1, 0xbf]],
    ['an overlong 3-byte form', [0xe0, 0x80, 0x80]],
    ['a surrogate', [0xed, 0xa0, 0x80]],
    ['an overlong 4-byte form', [0xf0, 0x80, 0x80, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a 0xf5 lead byte', [0xf5, 0x80, 0x80, 0x80]],
    ['a sequence cut by the string end', [0x41, 0xe2, 0x82]],
    ['a 4-byte sequence cut by the string end', [0xf0, 0x9f, 0x98]],
    ['a lead byte followed by ASCII', [0xc3, 0x41]],
  ])('refuses %s, interned or not', (_, bytes) => {
    for (const intern of [false, true]) {
      const f = fault([0xa0 + bytes.length, ...bytes], (r) => r.string('s', 0, 10, intern))
      expect(f.code).toBe('not-msgpack')
      expect(f.field).toBe('s')
    }
  })

  it('does not read past a string into the next token (where msgpackr once did)', () => {
    // a 1-byte string holding a 3-byte lead, followed by a 2-byte string
    const bytes = [0x92, 0xa1, 0xe0, 0xa2, 0x41, 0x42]
    expect(fault(bytes, (r) => (r.array('a', 2), r.string('s', 0, 10, false))).code).toBe('not-msgpack')
  })

  it('checks length in UTF-16 code units, and refuses hopeless byte lengths before decoding', () => {
    expect(on(packr.pack('😀'.repeat(5)), (r) => r.string('s', 0, 10, false))).toBe('😀'.repeat(5))
    expect(fault(packr.pack('😀'.repeat(6)), (r) => r.string('s', 0, 10, false)).code).toBe('too-long')
    expect(fault(packr.pack('x'.repeat(31)), (r) => r.string('s', 0, 10, false)).code).toBe('too-long')
    expect(fault(packr.pack(''), (r) => r.string('s', 1, 10, false)).code).toBe('bad-field')
  })

  it('returns one shared instance of an interned string', () => {
    const s = 'x'.repeat(20) + String(Math.random())
    const one = on(packr.pack(s), (r) => r.string('s', 0, 100, true))
    const two = on(packr.pack(s), (r) => r.string('s', 0, 100, true))
    expect(one).toBe(s)
    expect(two).toBe(one)
  })
})

describe('MsgpackReader structure', () => {
  it('reads array headers of every width and enforces the count limit', () => {
    expect(on(packr.pack([1, 2, 3]), (r) => [r.array('a', 3), r.uint('x'), r.uint('x'), r.uint('x')])).toEqual([3, 1, 2, 3])
    const big = packr.pack(new Array(70_000).fill(0))
    expect(on(big, (r) => {
      const n = r.array('a', 70_000)
      for (let i = 0; i < n; i++) r.uint('x')
      return n
    })).toBe(70_000)
    expect(fault(packr.pack([1, 2, 3]), (r) => r.array('a', 2))).toMatchObject({ code: 'too-many', field: 'a' })
    expect(fault([0xdc, 0x00, 0x05, 1, 2], (r) => r.array('a', 10)).code).toBe('not-msgpack')
    expect(fault(packr.pack([1, 2]), (r) => r.tuple('t', 3, 'a triple')).code).toBe('bad-field')
  })

  it('reads booleans and nil', () => {
    expect(on([0x93, 0xc3, 0xc2, 0xc0], (r) => [r.array('a', 3), r.bool('b'), r.bool('b'), r.nil(), r.nil()])).toEqual([3, true, false, true, false])
  })

  it.each([
    ['a map', [0x81, 0xa1, 0x61, 0x01], 'forbidden-type'],
    ['a map 16', [0xde, 0x00, 0x00], 'forbidden-type'],
    ['binary', [0xc4, 0x01, 0x00], 'forbidden-type'],
    ['a timestamp extension', [0xd6, 0xff, 0, 0, 0, 0], 'forbidden-type'],
    ['a record definition extension', [0xd4, 0x72, 0x40], 'forbidden-type'],
    ['an ext 8', [0xc7, 0x01, 0x05, 0x00], 'forbidden-type'],
    ['the reserved byte', [0xc1], 'not-msgpack'],
    ['nothing', [], 'not-msgpack'],
    ['a truncated float64', [0xcb, 0x40, 0x09], 'not-msgpack'],
    ['a truncated uint32', [0xce, 0x00], 'not-msgpack'],
    ['a string', [0xa1, 0x41], 'bad-field'],
  ] as const)('refuses %s where a number is expected', (_, bytes, code) => {
    expect(fault([...bytes], (r) => r.number('n'))).toMatchObject({ code, field: 'n' })
  })

  it('refuses trailing bytes', () => {
    expect(fault([0x01, 0x02], (r) => r.uint('n')).code).toBe('not-msgpack')
  })
})
