import { describe, expect, it } from 'vitest'
import { LamportClock } from './LamportClock.js'

describe('LamportClock', () => {
  it('ticks by one and observes the maximum', () => {
    const clock = new LamportClock()
    expect(clock.value).toBe(0)
    expect(clock.tick()).toBe(1)
    clock.observe(7)
    expect(clock.value).toBe(7)
    clock.observe(3)
    expect(clock.value).toBe(7)
    expect(clock.tick()).toBe(8)
  })

  it('ignores values that are not finite', () => {
    const clock = new LamportClock(5)
    clock.observe(Number.NaN)
    clock.observe(Number.POSITIVE_INFINITY)
    expect(clock.value).toBe(5)
  })

  it('rejects a bad initial value naming the field', () => {
    expect(() => new LamportClock(-1)).toThrow(/initial.*-1/)
    expect(() => new LamportClock(1.5)).toThrow(RangeError)
  })
})
