import { describe, expect, it } from 'vitest'
import { ConsecutiveFailuresRule } from './ConsecutiveFailuresRule.js'

describe('ConsecutiveFailuresRule', () => {
  const rule = new ConsecutiveFailuresRule(5)
  const empty = { calls: 0, failures: 0, slow: 0 }

  it.each([
    [0, null],
    [4, null],
    [5, '5 consecutive failures'],
    [6, '6 consecutive failures'],
  ])('run of %i → %s', (run, expected) => {
    expect(rule.check(empty, run)).toBe(expected)
  })

  it('ignores the window', () => {
    expect(rule.check({ calls: 100, failures: 100, slow: 100 }, 1)).toBeNull()
  })

  it('validates its threshold', () => {
    expect(() => new ConsecutiveFailuresRule(0)).toThrow('consecutiveFailures must be an integer >= 1, got 0')
  })
})
