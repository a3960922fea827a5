import { describe, expect, it } from 'vitest'
import { resolveBreakerOptions } from '../breaker/BreakerOptions.js'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import { aggregateTripRule, decideFleet } from './decideFleet.js'
import type { OpinionCounts } from './decideFleet.js'

const failing = (calls = 20, failures = 15): OpinionCounts => ({ verdict: 'failing', calls, failures, slow: 0 })
const healthy = (calls = 20, failures = 0, slow = 0): OpinionCounts => ({ verdict: 'healthy', calls, failures, slow })
const decide = (options: BreakerOptions, opinions: OpinionCounts[]) => {
  const o = resolveBreakerOptions(options)
  return decideFleet(o, opinions, aggregateTripRule(o))
}

describe('decideFleet', () => {
  it('quorum: a majority of the counted opinions by default (floor(n/2) + 1)', () => {
    expect(decide({ decision: 'quorum' }, [failing(), failing(), healthy(), healthy()])).toMatchObject({ failing: 2, fresh: 4, needed: 3, opens: false })
    expect(decide({ decision: 'quorum' }, [failing(), failing(), failing(), healthy()])).toMatchObject({ needed: 3, opens: true, reason: '3 of 4 members failing' })
  })

  it('quorum: a fraction needs ceil(q × n), without floating-point surprises', () => {
    const six = [failing(), failing(), failing(), healthy(), healthy(), healthy(), healthy(), healthy(), healthy(), healthy()]
    expect(decide({ decision: 'quorum', quorum: 0.3 }, six)).toMatchObject({ needed: 3, opens: true }) // 0.3 × 10 is 3.0000000000000004
    expect(decide({ decision: 'quorum', quorum: 0.7 }, six)).toMatchObject({ needed: 7, opens: false }) // 0.7 × 10 is 7.000000000000001
    expect(decide({ decision: 'quorum', quorum: 1 }, [failing(), failing(), failing()])).toMatchObject({ needed: 3, opens: true })
  })

  it('quorum: an opinion under minimumCalls is not counted; too few counted is degraded and never opens', () => {
    expect(decide({ decision: 'quorum' }, [failing(), failing(), healthy(19)])).toMatchObject({ fresh: 2, degraded: true, opens: false })
    expect(decide({ decision: 'quorum', minReporting: 2 }, [failing(), failing(), healthy(19)])).toMatchObject({ fresh: 2, degraded: false, opens: true })
  })

  it('aggregate: the rate rules over the summed windows, minimumCalls on the sum', () => {
    const quiet = Array.from({ length: 20 }, () => healthy(1, 1))
    expect(decide({ decision: 'aggregate' }, quiet)).toMatchObject({ fresh: 20, needed: 3, opens: true, reason: 'fleet-wide failure rate 100% over 20 calls from 20 members' })
    expect(decide({ decision: 'aggregate' }, quiet.slice(0, 19))).toMatchObject({ opens: false }) // 19 calls < minimumCalls
    expect(decide({ decision: 'aggregate', failureRate: false, slowCallRate: 50, slowCallDurationMs: 100 }, [healthy(10, 0, 6), healthy(10, 0, 6), healthy(5, 0, 2)])).toMatchObject({ opens: true })
    // consecutiveFailures is a per-node rule: it never opens the aggregate
    expect(decide({ decision: 'aggregate', failureRate: false, consecutiveFailures: 1 }, [failing(30, 30), failing(30, 30), failing(30, 30)])).toMatchObject({ failing: 3, opens: false })
  })

  it('any: counts what is reported, needs 1, never degraded, never opens by itself (a trip does)', () => {
    expect(decide({}, [failing(), healthy(0), healthy()])).toEqual({ failing: 1, fresh: 2, needed: 1, degraded: false, opens: false, reason: null })
  })
})
