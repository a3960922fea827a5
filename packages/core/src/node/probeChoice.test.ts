import { describe, expect, it } from 'vitest'
import { entitledProber } from './probeChoice.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'

const base: BreakerRecord = {
  name: 'dep', state: 'open', override: null, cooldownMs: 1000, openCount: 1, prober: null,
  reason: 'r', origin: 'a', lamport: 3, vclock: { a: 1 }, wallTime: 0,
}
const ranked = ['c', 'a', 'b']
const alive = (dead: string[] = []) => (id: string) => !dead.includes(id)

describe('entitledProber', () => {
  const cases: Array<[string, Partial<BreakerRecord>, number, string[], string | undefined]> = [
    // [what, record fields, now (learnedAt = 0, timeout 500), dead ids, expected]
    ['open, still cooling down', {}, 999, [], undefined],
    ['open, cooldown over: first choice', {}, 1000, [], 'c'],
    ['open, first slot passed unclaimed: second choice', {}, 1500, [], 'a'],
    ['open, third slot', {}, 2000, [], 'b'],
    ['open, slots wrap around', {}, 2500, [], 'c'],
    ['closed: nobody', { state: 'closed' }, 5000, [], undefined],
    ['overridden: nobody', { override: 'forced-open' }, 5000, [], undefined],
    ['half-open, prober alive and fresh: nobody', { state: 'half-open', prober: 'c' }, 499, [], undefined],
    ['half-open, claim older than the timeout: next choice without the prober', { state: 'half-open', prober: 'c' }, 500, [], 'a'],
    ['half-open, prober dead: next choice at once', { state: 'half-open', prober: 'c' }, 0, ['c'], 'a'],
    ['half-open, prober dead, first replacement slot passed', { state: 'half-open', prober: 'c' }, 500, ['c'], 'b'],
  ]
  for (const [what, fields, now, dead, expected] of cases) {
    it(what, () => {
      expect(entitledProber({ ...base, ...fields }, 0, now, ranked, alive(dead), 500)).toBe(expected)
    })
  }
})
