import { describe, expect, it } from 'vitest'
import { defaultBreakerOptions, resolveBreakerOptions } from './BreakerOptions.js'
import type { BreakerOptions } from './BreakerOptions.js'

describe('resolveBreakerOptions', () => {
  it('fills every default', () => {
    expect(resolveBreakerOptions()).toEqual({
      failureRate: 50,
      slowCallRate: false,
      slowCallDurationMs: 5000,
      consecutiveFailures: false,
      window: { kind: 'time', ms: 10_000, buckets: 10 },
      minimumCalls: 20,
      cooldownMs: 5000,
      maxCooldownMs: 60_000,
      backoffMultiplier: 2,
      halfOpenMaxCalls: 1,
      decision: 'any',
      quorum: null,
      minReporting: 3,
    })
    expect(resolveBreakerOptions({})).toEqual(defaultBreakerOptions)
  })

  it('keeps given values and treats undefined as the default', () => {
    const r = resolveBreakerOptions({
      failureRate: false,
      slowCallRate: 80,
      slowCallDurationMs: 250,
      consecutiveFailures: 5,
      window: { kind: 'count', size: 50 },
      minimumCalls: 10,
      cooldownMs: 1000,
      maxCooldownMs: 8000,
      backoffMultiplier: 1.5,
      halfOpenMaxCalls: 3,
      decision: 'quorum',
      quorum: 0.6,
      minReporting: 4,
    })
    expect(r).toEqual({
      failureRate: false,
      slowCallRate: 80,
      slowCallDurationMs: 250,
      consecutiveFailures: 5,
      window: { kind: 'count', size: 50, buckets: 10 },
      minimumCalls: 10,
      cooldownMs: 1000,
      maxCooldownMs: 8000,
      backoffMultiplier: 1.5,
      halfOpenMaxCalls: 3,
      decision: 'quorum',
      quorum: 0.6,
      minReporting: 4,
    })
    expect(resolveBreakerOptions({ failureRate: undefined }).failureRate).toBe(50)
    expect(Object.isFrozen(r)).toBe(true)
  })

  it.each([
    [{ window: { kind: 'time', ms: 3000 } }, { kind: 'time', ms: 3000, buckets: 10 }],
    [{ window: { kind: 'time', ms: 3000, buckets: 3 } }, { kind: 'time', ms: 3000, buckets: 3 }],
    [{ window: { kind: 'count', size: 4 } }, { kind: 'count', size: 4, buckets: 4 }],
    [{ window: { kind: 'count', size: 25, buckets: 25 } }, { kind: 'count', size: 25, buckets: 25 }],
  ] as [BreakerOptions, unknown][])('resolves window %j', (opts, window) => {
    expect(resolveBreakerOptions(opts).window).toEqual(window)
  })

  it('clamps the default minimumCalls to a small count window, but rejects an explicit larger one', () => {
    expect(resolveBreakerOptions({ window: { kind: 'count', size: 8 } }).minimumCalls).toBe(8)
    expect(() => resolveBreakerOptions({ window: { kind: 'count', size: 8 }, minimumCalls: 9 })).toThrow(
      'minimumCalls must be an integer ≤ window.size (8) for a count window, got 9',
    )
  })

  it('raises the default maxCooldownMs to a larger cooldownMs', () => {
    expect(resolveBreakerOptions({ cooldownMs: 120_000 }).maxCooldownMs).toBe(120_000)
  })

  it.each([
    [{ failureRate: 150 }, 'failureRate must be a number in (0, 100] or false, got 150'],
    [{ failureRate: 0 }, 'failureRate must be a number in (0, 100] or false, got 0'],
    [{ failureRate: true }, 'failureRate must be a number in (0, 100] or false, got true'],
    [{ failureRate: Number.NaN }, 'failureRate must be a number in (0, 100] or false, got NaN'],
    [{ slowCallRate: -1 }, 'slowCallRate must be a number in (0, 100] or false, got -1'],
    [{ slowCallDurationMs: 0 }, 'slowCallDurationMs must be a finite number > 0, got 0'],
    [{ consecutiveFailures: 0 }, 'consecutiveFailures must be an integer ≥ 1 or false, got 0'],
    [{ consecutiveFailures: 2.5 }, 'consecutiveFailures must be an integer ≥ 1 or false, got 2.5'],
    [{ minimumCalls: 0 }, 'minimumCalls must be an integer ≥ 1, got 0'],
    [{ cooldownMs: -5 }, 'cooldownMs must be a finite number > 0, got -5'],
    [{ cooldownMs: Infinity }, 'cooldownMs must be a finite number > 0, got Infinity'],
    [{ cooldownMs: 5000, maxCooldownMs: 1000 }, 'maxCooldownMs must be a number ≥ cooldownMs (5000), got 1000'],
    [{ backoffMultiplier: 0.5 }, 'backoffMultiplier must be a finite number ≥ 1, got 0.5'],
    [{ halfOpenMaxCalls: 0 }, 'halfOpenMaxCalls must be an integer ≥ 1, got 0'],
    [{ window: 'time' }, 'window must be an object'],
    [{ window: { kind: 'sliding' } }, 'window.kind must be one of \'time\', \'count\', got "sliding"'],
    [{ window: { kind: 'time' } }, 'window.ms must be a finite number > 0, got undefined'],
    [{ window: { kind: 'time', ms: 0 } }, 'window.ms must be a finite number > 0, got 0'],
    [{ window: { kind: 'time', ms: 1000, buckets: 0 } }, 'window.buckets must be an integer in 1..10000, got 0'],
    [{ window: { kind: 'count' } }, 'window.size must be an integer ≥ 1, got undefined'],
    [{ window: { kind: 'count', size: 10.5 } }, 'window.size must be an integer ≥ 1, got 10.5'],
    [{ window: { kind: 'count', size: 10, buckets: 11 } }, 'window.buckets must be an integer in 1..10, got 11'],
    [{ decision: 'majority' }, "decision must be one of 'any', 'quorum', 'aggregate', got \"majority\""],
    [{ quorum: 0 }, 'quorum must be a number in (0, 1], got 0'],
    [{ quorum: 1.5 }, 'quorum must be a number in (0, 1], got 1.5'],
    [{ minReporting: 0 }, 'minReporting must be an integer ≥ 1, got 0'],
  ])('rejects %j with a RangeError naming the field', (opts, message) => {
    expect(() => resolveBreakerOptions(opts as BreakerOptions)).toThrow(RangeError)
    expect(() => resolveBreakerOptions(opts as BreakerOptions)).toThrow(message)
  })
})
