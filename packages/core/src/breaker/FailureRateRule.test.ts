import { describe, expect, it } from 'vitest'
import { FailureRateRule } from './FailureRateRule.js'

describe('FailureRateRule', () => {
  const rule = new FailureRateRule(50, 20)

  it.each([
    [19, 19, null],
    [20, 9, null],
    [20, 10, 'failure rate 50% over 20 calls'],
    [20, 20, 'failure rate 100% over 20 calls'],
    [41, 26, 'failure rate 63% over 41 calls'],
    [41, 20, null],
    [0, 0, null],
  ])('%i calls, %i failures → %s', (calls, failures, expected) => {
    expect(rule.check({ calls, failures, slow: 0 }, 0)).toBe(expected)
  })

  it('ignores the consecutive-failure run and slow calls', () => {
    expect(rule.check({ calls: 30, failures: 0, slow: 30 }, 1000)).toBeNull()
  })

  it('validates its settings', () => {
    expect(() => new FailureRateRule(101, 20)).toThrow('failureRate must be a number in (0, 100], got 101')
    expect(() => new FailureRateRule(50, 0)).toThrow('minimumCalls must be an integer >= 1, got 0')
  })
})
