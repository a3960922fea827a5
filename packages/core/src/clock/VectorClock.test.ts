import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  compareVClocks,
  incrementVClock,
  mergeVClocks,
  pruneVClock,
  vclockCovers,
  vclockEntry,
  vclocksIdentical,
  type VClock,
} from './VectorClock.js'

const ids = ['a', 'b', 'c', 'd']
const vclockArb: fc.Arbitrary<VClock> = fc.dictionary(fc.constantFrom(...ids), fc.integer({ min: 0, max: 4 }), {
  maxKeys: 4,
})
const plain = (vc: VClock): Record<string, number> => ({ ...vc })

describe('compareVClocks', () => {
  it('orders causal histories and detects concurrency', () => {
    expect(compareVClocks({ a: 1 }, { a: 2 })).toBe('before')
    expect(compareVClocks({ a: 2, b: 1 }, { a: 2 })).toBe('after')
    expect(compareVClocks({ a: 1, b: 1 }, { b: 1, a: 1 })).toBe('equal')
    expect(compareVClocks({ a: 2 }, { b: 1 })).toBe('concurrent')
    expect(compareVClocks({ a: 2, b: 1 }, { a: 1, b: 2 })).toBe('concurrent')
  })

  it('treats missing entries as 0', () => {
    expect(compareVClocks({ a: 0 }, {})).toBe('equal')
    expect(compareVClocks({}, { b: 0 })).toBe('equal')
    expect(compareVClocks({}, { b: 1 })).toBe('before')
    expect(vclockEntry({}, 'x')).toBe(0)
  })

  it('is antisymmetric', () => {
    const flip = { before: 'after', after: 'before', equal: 'equal', concurrent: 'concurrent' } as const
    fc.assert(
      fc.property(vclockArb, vclockArb, (a, b) => {
        expect(compareVClocks(b, a)).toBe(flip[compareVClocks(a, b)])
      }),
    )
  })
})

describe('mergeVClocks', () => {
  it('is the pointwise maximum, commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(vclockArb, vclockArb, vclockArb, (a, b, c) => {
        const ab = mergeVClocks(a, b)
        for (const id of ids) expect(vclockEntry(ab, id)).toBe(Math.max(vclockEntry(a, id), vclockEntry(b, id)))
        expect(plain(ab)).toEqual(plain(mergeVClocks(b, a)))
        expect(plain(mergeVClocks(ab, c))).toEqual(plain(mergeVClocks(a, mergeVClocks(b, c))))
        expect(plain(mergeVClocks(a, a))).toEqual(plain(a))
        expect(['after', 'equal']).toContain(compareVClocks(ab, a))
        expect(vclockCovers(ab, a) && vclockCovers(ab, b)).toBe(true)
      }),
    )
  })

  it('does not mutate its inputs', () => {
    const a = { a: 1 }
    const b = { a: 3, b: 2 }
    mergeVClocks(a, b)
    expect(a).toEqual({ a: 1 })
    expect(b).toEqual({ a: 3, b: 2 })
  })

  it('keeps an entry named __proto__ as data and never pollutes Object.prototype', () => {
    const hostile = JSON.parse('{"__proto__": 7, "constructor": 3, "a": 1}') as VClock
    const merged = mergeVClocks({ a: 2 }, hostile)
    expect(Object.getPrototypeOf(merged)).toBeNull()
    expect(Object.keys(merged).sort()).toEqual(['__proto__', 'a', 'constructor'])
    expect(vclockEntry(merged, '__proto__')).toBe(7)
    expect(vclockEntry(merged, 'constructor')).toBe(3)
    const bumped = incrementVClock(merged, '__proto__')
    expect(vclockEntry(bumped, '__proto__')).toBe(8)
    expect(compareVClocks(bumped, merged)).toBe('after')
    expect(compareVClocks({}, hostile)).toBe('before')
    expect(Object.keys(pruneVClock(bumped, (id) => id !== 'a')).sort()).toEqual(['__proto__', 'constructor'])
    expect(({} as Record<string, unknown>)['a']).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('a')
    // Inherited properties are not entries.
    expect(vclockEntry({}, 'toString')).toBe(0)
    expect(compareVClocks({}, { toString: 1 })).toBe('before')
  })
})

describe('incrementVClock', () => {
  it('adds one to the entry, creating it at 1, and the result is after the input', () => {
    fc.assert(
      fc.property(vclockArb, fc.constantFrom(...ids), (vc, id) => {
        const next = incrementVClock(vc, id)
        expect(vclockEntry(next, id)).toBe(vclockEntry(vc, id) + 1)
        expect(compareVClocks(next, vc)).toBe('after')
        for (const other of ids) if (other !== id) expect(vclockEntry(next, other)).toBe(vclockEntry(vc, other))
      }),
    )
  })
})

describe('pruneVClock', () => {
  it('removes exactly the rejected entries and returns the input when nothing is removed', () => {
    const vc = { a: 1, b: 2, c: 3 }
    expect(plain(pruneVClock(vc, (id) => id !== 'b'))).toEqual({ a: 1, c: 3 })
    expect(pruneVClock(vc, () => true)).toBe(vc)
    expect(plain(pruneVClock(vc, () => false))).toEqual({})
  })
})

describe('vclocksIdentical', () => {
  it('compares keys as well as values', () => {
    expect(vclocksIdentical({ a: 1 }, { a: 1 })).toBe(true)
    expect(vclocksIdentical({ a: 1 }, { a: 1, b: 0 })).toBe(false)
    expect(vclocksIdentical({ a: 1 }, { a: 2 })).toBe(false)
  })
})
