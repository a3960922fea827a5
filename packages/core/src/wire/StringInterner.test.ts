import { describe, expect, it } from 'vitest'
import { StringInterner } from './StringInterner.js'

const enc = new TextEncoder()
const view = (bytes: Uint8Array): DataView => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)

describe('StringInterner', () => {
  it('finds what it remembered, by content, and returns the same instance', () => {
    const interner = new StringInterner(16, 64)
    const value = 'payments-api'
    const a = view(enc.encode(`xx${value}yy`))
    const h = StringInterner.hash(a, 2, 2 + value.length)
    interner.remember(a, 2, 2 + value.length, h, value)
    const b = view(enc.encode(value)) // another buffer, same bytes
    expect(StringInterner.hash(b, 0, b.byteLength)).toBe(h)
    expect(interner.find(b, 0, b.byteLength, h)).toBe(value)
    // the key was copied: changing the original buffer does not change the entry
    new Uint8Array(a.buffer).fill(0)
    expect(interner.find(b, 0, b.byteLength, h)).toBe(value)
  })

  it('compares every byte: same length and hash but one different byte is a miss', () => {
    const interner = new StringInterner(1, 64) // every string shares the one slot
    for (const [x, y] of [
      ['12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo', '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xp'],
      ['ab', 'ac'],
      ['abcde', 'abcdf'],
    ] as const) {
      const vx = view(enc.encode(x))
      const vy = view(enc.encode(y))
      interner.remember(vx, 0, vx.byteLength, 7, x)
      expect(interner.find(vy, 0, vy.byteLength, 7)).toBeUndefined()
      expect(interner.find(vx, 0, vx.byteLength - 1, 7)).toBeUndefined()
      expect(interner.find(vx, 0, vx.byteLength, 7)).toBe(x)
      // a colliding entry evicts the old one
      interner.remember(vy, 0, vy.byteLength, 7, y)
      expect(interner.find(vx, 0, vx.byteLength, 7)).toBeUndefined()
      expect(interner.find(vy, 0, vy.byteLength, 7)).toBe(y)
    }
  })

  it('spreads ids that differ only in the middle, names that differ only at the end', () => {
    const hashes = new Set<number>()
    for (let i = 0; i < 100; i++) {
      for (const s of [`12D3KooW${String(i).padStart(3, '0')}${'x'.repeat(41)}`, `payments-api-${i}`, `n${i}`]) {
        const v = view(enc.encode(s))
        hashes.add(StringInterner.hash(v, 0, v.byteLength) & 1023)
      }
    }
    expect(hashes.size).toBeGreaterThan(200) // of 300 strings in 1024 slots
  })

  it('does not cache strings longer than maxBytes', () => {
    const interner = new StringInterner(8, 4)
    const long = view(enc.encode('abcde'))
    const h = StringInterner.hash(long, 0, 5)
    interner.remember(long, 0, 5, h, 'abcde')
    expect(interner.find(long, 0, 5, h)).toBeUndefined()
    expect(interner.maxBytes).toBe(4)
  })

  it.each([
    [0, 128, 'slots'],
    [3, 128, 'slots'],
    [2 ** 21, 128, 'slots'],
    [1.5, 128, 'slots'],
    [8, -1, 'maxBytes'],
    [8, 70_000, 'maxBytes'],
  ])('refuses slots=%d maxBytes=%d with a RangeError naming %s', (slots, maxBytes, field) => {
    expect(() => new StringInterner(slots, maxBytes)).toThrow(RangeError)
    expect(() => new StringInterner(slots, maxBytes)).toThrow(field)
  })
})
