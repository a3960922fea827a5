import { describe, expect, it } from 'vitest'
import { cooldownFor } from './backoff.js'

describe('cooldownFor', () => {
  const opts = { cooldownMs: 5000, maxCooldownMs: 60_000, backoffMultiplier: 2 }

  it.each([
    [1, 5000],
    [2, 10_000],
    [3, 20_000],
    [4, 40_000],
    [5, 60_000],
    [6, 60_000],
    [1000, 60_000],
    [0, 5000],
  ])('open #%i lasts %i ms', (openCount, expected) => {
    expect(cooldownFor(openCount, opts)).toBe(expected)
  })

  it.each([
    [{ cooldownMs: 1000, maxCooldownMs: 10_000, backoffMultiplier: 1 }, 7, 1000],
    [{ cooldownMs: 1000, maxCooldownMs: 10_000, backoffMultiplier: 1.5 }, 3, 2250],
    [{ cooldownMs: 1000, maxCooldownMs: 10_000, backoffMultiplier: 3 }, 3, 9000],
    [{ cooldownMs: 1000, maxCooldownMs: 10_000, backoffMultiplier: 3 }, 4, 10_000],
    [{ cooldownMs: 1000, maxCooldownMs: 1000, backoffMultiplier: 2 }, 2, 1000],
    [{ cooldownMs: 1, maxCooldownMs: 60_000, backoffMultiplier: 10 }, 5000, 60_000],
  ])('%j, open #%i → %i ms', (o, openCount, expected) => {
    expect(cooldownFor(openCount, o)).toBe(expected)
  })
})
