import { describe, expect, it } from 'vitest'
import { SlowCallRateRule } from './SlowCallRateRule.js'

describe('SlowCallRateRule', () => {
  const rule = new SlowCallRateRule(80, 20, 5000)

  it.each([
    [19, 19, null],
    [20, 15, null],
    [20, 16, 'slow-call rate 80% over 20 calls (>= 5000 ms)'],
    [25, 20, 'slow-call rate 80% over 25 calls (>= 5000 ms)'],
    [25, 25, 'slow-call rate 100% over 25 calls (>= 5000 ms)'],
  ])('%i calls, %i slow → %s', (calls, slow, expected) => {
    expect(rule.check({ calls, failures: 0, slow }, 0)).toBe(expected)
  })

  it('ignores failures', () => {
    expect(rule.check({ calls: 30, failures: 30, slow: 0 }, 30)).toBeNull()
  })

  it('validates its rate', () => {
    expect(() => new SlowCallRateRule(0, 20, 5000)).toThrow('slowCallRate must be a number in (0, 100], got 0')
  })
})
