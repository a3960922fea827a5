import { describe, expect, it } from 'vitest'
import { LamportClock } from './LamportClock.js'
import { DEFAULT_MAX_LEAP, LeapBudget, MAX_OBSERVED } from './LeapBudget.js'

describe('LamportClock', () => {
  it('ticks by one and observes the maximum', () => {
    const clock = new LamportClock()
    expect(clock.value).toBe(0)
    expect(clock.tick()).toBe(1)
    expect(clock.observe(7)).toBe(true)
    expect(clock.value).toBe(7)
    expect(clock.observe(3)).toBe(true)
    expect(clock.value).toBe(7)
    expect(clock.tick()).toBe(8)
  })

  it('ignores values that are not finite safe integers', () => {
    const clock = new LamportClock(5)
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 6.5]) expect(clock.observe(bad)).toBe(false)
    expect(clock.value).toBe(5)
  })

  it('refuses a leap beyond the bound or the ceiling, and never observes it', () => {
    const clock = new LamportClock(10)
    expect(clock.observe(Number.MAX_SAFE_INTEGER)).toBe(false)
    expect(clock.observe(10 + DEFAULT_MAX_LEAP + 1)).toBe(false)
    expect(clock.value).toBe(10)
    expect(clock.observe(10 + DEFAULT_MAX_LEAP)).toBe(true)
    expect(clock.value).toBe(10 + DEFAULT_MAX_LEAP)
  })

  it('pays leaps from a budget that refills with time', () => {
    const clock = new LamportClock(0, { maxLeap: 1_000, leapPerSecond: 100 })
    expect(clock.observe(900, 0)).toBe(true) // 100 tokens left
    expect(clock.observe(1_001, 0)).toBe(false)
    expect(clock.admits(1_000, 0)).toBe(true)
    expect(clock.observe(1_001, 1_000)).toBe(true) // 1 s later: +100 tokens, 101 spent
    expect(clock.value).toBe(1_001)
    expect(clock.observe(1_101, 1_000)).toBe(false) // 99 left
    expect(clock.observe(1_100, 1_000)).toBe(true)
    expect(clock.observe(1_050, 1_000)).toBe(true) // no leap: free
    expect(clock.value).toBe(1_100)
  })

  it('stays a safe integer: ticks stop at Number.MAX_SAFE_INTEGER', () => {
    const clock = new LamportClock(Number.MAX_SAFE_INTEGER - 1)
    expect(clock.tick()).toBe(Number.MAX_SAFE_INTEGER)
    expect(() => clock.tick()).toThrow(/exhausted/)
    expect(clock.value).toBe(Number.MAX_SAFE_INTEGER)
  })

  it('rejects a bad initial value or limits naming the field', () => {
    expect(() => new LamportClock(-1)).toThrow(/initial.*-1/)
    expect(() => new LamportClock(1.5)).toThrow(RangeError)
    expect(() => new LamportClock(0, { maxLeap: 0, leapPerSecond: 1 })).toThrow(/maxClockLeap.*got 0/)
    expect(() => new LamportClock(0, { maxLeap: 10, leapPerSecond: -1 })).toThrow(/clockLeapPerSecond.*-1/)
  })
})

describe('LeapBudget', () => {
  it('never lets a counter past MAX_OBSERVED, however full', () => {
    const budget = new LeapBudget({ maxLeap: MAX_OBSERVED, leapPerSecond: 0 })
    expect(budget.take(0, MAX_OBSERVED)).toBe(true)
    expect(budget.take(MAX_OBSERVED, MAX_OBSERVED + 1)).toBe(false)
    expect(Number.MAX_SAFE_INTEGER - MAX_OBSERVED).toBe(2 ** 32)
  })

  it('a ratchet just under the bound gains at most maxLeap + rate × time', () => {
    const limits = { maxLeap: 2 ** 40, leapPerSecond: 2 ** 16 }
    const budget = new LeapBudget(limits)
    let value = 0
    let now = 0
    // An attacker offers a leap of just under the bound every 10 ms for an hour.
    for (let step = 0; step < 360_000; step++) {
      const offer = value + limits.maxLeap - 1
      if (budget.take(value, offer, now)) value = offer
      else {
        // then the largest leap the budget allows
        const most = value + Math.floor(budget.available(now))
        if (budget.take(value, most, now)) value = most
      }
      now += 10
    }
    expect(value).toBeLessThanOrEqual(limits.maxLeap + (now / 1000) * limits.leapPerSecond)
    expect(value).toBeGreaterThan(limits.maxLeap) // it did gain the refill
    // At that rate the ceiling is thousands of years away.
    const yearsToCeiling = (MAX_OBSERVED - limits.maxLeap) / limits.leapPerSecond / (365 * 24 * 3600)
    expect(yearsToCeiling).toBeGreaterThan(4_000)
  })
})
