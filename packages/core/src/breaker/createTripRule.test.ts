import { describe, expect, it } from 'vitest'
import { AnyTripRule } from './AnyTripRule.js'
import { resolveBreakerOptions } from './BreakerOptions.js'
import { ConsecutiveFailuresRule } from './ConsecutiveFailuresRule.js'
import { createTripRule } from './createTripRule.js'
import { FailureRateRule } from './FailureRateRule.js'

describe('createTripRule / AnyTripRule', () => {
  it('returns the single enabled rule as is', () => {
    expect(createTripRule(resolveBreakerOptions())).toBeInstanceOf(FailureRateRule)
    expect(createTripRule(resolveBreakerOptions({ failureRate: false, consecutiveFailures: 3 }))).toBeInstanceOf(ConsecutiveFailuresRule)
  })

  it('trips when any rule trips, with the first reason', () => {
    const rule = createTripRule(resolveBreakerOptions({ consecutiveFailures: 3, slowCallRate: 50, minimumCalls: 4 }))
    expect(rule).toBeInstanceOf(AnyTripRule)
    expect(rule.check({ calls: 4, failures: 1, slow: 1 }, 1)).toBeNull()
    expect(rule.check({ calls: 2, failures: 2, slow: 0 }, 3)).toBe('3 consecutive failures')
    expect(rule.check({ calls: 4, failures: 2, slow: 0 }, 1)).toBe('failure rate 50% over 4 calls')
    expect(rule.check({ calls: 4, failures: 0, slow: 2 }, 0)).toBe('slow-call rate 50% over 4 calls (>= 5000 ms)')
    expect(rule.check({ calls: 4, failures: 4, slow: 4 }, 4)).toBe('4 consecutive failures')
  })

  it('never trips with every rule disabled', () => {
    const rule = createTripRule(resolveBreakerOptions({ failureRate: false }))
    expect(rule.check({ calls: 1000, failures: 1000, slow: 1000 }, 1000)).toBeNull()
  })
})
