import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { chooseProber, rankProbers } from './rendezvous.js'
import { StringHash } from './StringHash.js'

const members = Array.from({ length: 10 }, (_, i) => `12D3KooWmember${i}`)
const breakers = Array.from({ length: 10_000 }, (_, i) => `svc-${i}.internal`)

describe('rendezvous hashing', () => {
  it('is deterministic and independent of input order', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }),
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 12 }),
        fc.nat(),
        (breaker, ids, seed) => {
          const reversed = [...ids].reverse()
          const rotated = [...ids.slice(seed % ids.length), ...ids.slice(0, seed % ids.length)]
          const ranked = rankProbers(breaker, ids)
          expect(rankProbers(breaker, reversed)).toEqual(ranked)
          expect(rankProbers(breaker, new Set(rotated))).toEqual(ranked)
          expect([...ranked].sort()).toEqual([...ids].sort())
          expect(chooseProber(breaker, rotated)).toBe(ranked[0])
        },
      ),
    )
  })

  it('returns undefined with no members and removes duplicates', () => {
    expect(chooseProber('x', [])).toBeUndefined()
    expect(rankProbers('x', [])).toEqual([])
    expect(rankProbers('x', ['a', 'b', 'a', 'b']).sort()).toEqual(['a', 'b'])
  })

  it('spreads breakers roughly evenly over members (each gets 7-13 %)', () => {
    const counts = new Map<string, number>(members.map((m) => [m, 0]))
    for (const b of breakers) {
      const m = chooseProber(b, members)!
      counts.set(m, counts.get(m)! + 1)
    }
    for (const n of counts.values()) {
      expect(n).toBeGreaterThanOrEqual(700)
      expect(n).toBeLessThanOrEqual(1_300)
    }
  })

  it('moves only the removed member’s breakers, each to its next choice', () => {
    const removed = members[3]!
    const rest = members.filter((m) => m !== removed)
    let moved = 0
    for (const b of breakers.slice(0, 3_000)) {
      const ranked = rankProbers(b, members)
      const after = chooseProber(b, rest)
      if (ranked[0] === removed) {
        moved++
        expect(after).toBe(ranked[1])
      } else {
        expect(after).toBe(ranked[0])
      }
    }
    expect(moved).toBeGreaterThan(0)
  })

  it('gives a new member only breakers taken from others, never shuffling the rest', () => {
    const joined = [...members, '12D3KooWnewcomer']
    for (const b of breakers.slice(0, 3_000)) {
      const after = chooseProber(b, joined)
      if (after !== '12D3KooWnewcomer') expect(after).toBe(chooseProber(b, members))
    }
  })

  it('does not let breaker and member boundaries blur', () => {
    expect(new StringHash().update('ab').update('c').value()).not.toBe(new StringHash().update('a').update('bc').value())
    expect(new StringHash().update('abc').hex()).toMatch(/^[0-9a-f]{16}$/)
    const h = new StringHash().update('prefix')
    expect(h.copy().update('x').value()).toBe(new StringHash().update('prefix').update('x').value())
    expect(h.copy().update('x').value()).not.toBe(h.copy().update('y').value())
  })
})
