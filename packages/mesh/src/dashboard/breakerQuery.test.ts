import { describe, expect, it } from 'vitest'
import { decidedByOpinions, queryBreakers } from './breakerQuery.js'
import type { BreakerQuery } from './breakerQuery.js'
import type { DashBreaker } from './types.js'

function breaker(name: string, state: DashBreaker['state'] = 'closed', extra: Partial<DashBreaker> = {}): DashBreaker {
  return {
    name,
    state,
    override: null,
    reason: '',
    prober: null,
    version: { lamport: 1, origin: 'a', vclock: {} },
    local: { calls: 0, failures: 0, slow: 0 },
    ...extra,
  }
}

const query = (q: Partial<BreakerQuery>): BreakerQuery => ({ text: '', state: 'all', sort: 'name', page: 0, pageSize: 50, ...q })

describe('queryBreakers', () => {
  const many = Array.from({ length: 1000 }, (_, i) => breaker(`svc-${i}`, i % 100 === 7 ? 'open' : 'closed'))

  it('pages 1,000 breakers 50 at a time in natural name order', () => {
    const first = queryBreakers(many, query({}))
    expect(first).toMatchObject({ matched: 1000, page: 0, pages: 20 })
    expect(first.rows).toHaveLength(50)
    expect(first.rows.slice(0, 3).map((b) => b.name)).toEqual(['svc-0', 'svc-1', 'svc-2'])
    const last = queryBreakers(many, query({ page: 19 }))
    expect(last.rows.at(-1)?.name).toBe('svc-999')
    // A page past the end (the filter shrank the list) shows the last page.
    expect(queryBreakers(many, query({ page: 99 })).page).toBe(19)
  })

  it('filters by name, case-insensitively, and by state', () => {
    expect(queryBreakers(many, query({ text: 'SVC-99' })).matched).toBe(11)
    const open = queryBreakers(many, query({ state: 'open' }))
    expect(open.matched).toBe(10)
    expect(open.rows.every((b) => b.state === 'open')).toBe(true)
    const mixed = [
      breaker('a', 'closed', { override: 'forced-closed' }),
      breaker('b', 'half-open'),
      breaker('c', 'closed', { fleet: { failing: 1, fresh: 3, needed: 2, degraded: false } }),
      breaker('d'),
    ]
    expect(queryBreakers(mixed, query({ state: 'overridden' })).rows.map((b) => b.name)).toEqual(['a'])
    expect(queryBreakers(mixed, query({ state: 'half-open' })).rows.map((b) => b.name)).toEqual(['b'])
    expect(queryBreakers(mixed, query({ state: 'failing' })).rows.map((b) => b.name)).toEqual(['b', 'c'])
    expect(queryBreakers(mixed, query({ text: 'zzz' }))).toMatchObject({ matched: 0, pages: 1, rows: [] })
  })

  it('a breaker is decided by opinions where the node reports them and its decision is quorum or aggregate', () => {
    const fleet = { failing: 0, fresh: 1, needed: 1, degraded: false }
    expect(decidedByOpinions(breaker('a'))).toBe(false) // a node from before opinions
    expect(decidedByOpinions(breaker('b', 'closed', { decision: 'any', fleet }))).toBe(false)
    expect(decidedByOpinions(breaker('c', 'closed', { decision: 'quorum', fleet }))).toBe(true)
    expect(decidedByOpinions(breaker('d', 'closed', { decision: 'aggregate', fleet }))).toBe(true)
  })

  it('orders open first, or by call rate, names breaking ties', () => {
    const list = [breaker('c'), breaker('b', 'half-open'), breaker('a'), breaker('d', 'open')]
    expect(queryBreakers(list, query({ sort: 'state' })).rows.map((b) => b.name)).toEqual(['d', 'b', 'a', 'c'])
    const rates: Record<string, number> = { a: 1, b: 5, c: 5, d: 0 }
    expect(queryBreakers(list, query({ sort: 'rate' }), (n) => rates[n] ?? 0).rows.map((b) => b.name)).toEqual(['b', 'c', 'a', 'd'])
  })
})
