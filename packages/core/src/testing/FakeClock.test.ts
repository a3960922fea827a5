import { describe, expect, it } from 'vitest'
import { FakeClock } from './FakeClock.js'

describe('FakeClock', () => {
  it('starts where told and moves only on advance', () => {
    const clock = new FakeClock(1000)
    expect(clock.now()).toBe(1000)
    clock.advance(250)
    expect(clock.now()).toBe(1250)
  })

  it('runs due timers in time order, ties in scheduling order, each at its own time', () => {
    const clock = new FakeClock()
    const seen: Array<[string, number]> = []
    const at = (label: string) => () => seen.push([label, clock.now()])
    clock.setTimeout(at('c'), 30)
    clock.setTimeout(at('a'), 10)
    clock.setTimeout(at('b1'), 20)
    clock.setTimeout(at('b2'), 20)
    clock.setTimeout(at('late'), 100)
    clock.advance(50)
    expect(seen).toEqual([
      ['a', 10],
      ['b1', 20],
      ['b2', 20],
      ['c', 30],
    ])
    expect(clock.now()).toBe(50)
    expect(clock.pending).toBe(1)
  })

  it('runs timers scheduled by timers when they fall inside the advance', () => {
    const clock = new FakeClock()
    const seen: number[] = []
    const every10 = (): void => {
      seen.push(clock.now())
      clock.setTimeout(every10, 10)
    }
    clock.setTimeout(every10, 10)
    clock.setTimeout(() => clock.setTimeout(() => seen.push(-clock.now()), 0), 25)
    clock.advance(45)
    expect(seen).toEqual([10, 20, -25, 30, 40])
  })

  it('clears timers, ignoring unknown handles', () => {
    const clock = new FakeClock()
    let ran = 0
    const handle = clock.setTimeout(() => ran++, 5)
    clock.setTimeout(() => ran++, 6)
    clock.clearTimeout(handle)
    clock.clearTimeout(9999)
    expect(clock.pending).toBe(1)
    clock.advance(10)
    expect(ran).toBe(1)
    expect(clock.pending).toBe(0)
  })

  it('runs a zero-delay timer on advance(0)', () => {
    const clock = new FakeClock()
    let ran = false
    clock.setTimeout(() => (ran = true), 0)
    clock.advance(0)
    expect(ran).toBe(true)
  })

  it('runUntil stops at the first step where the predicate holds', () => {
    const clock = new FakeClock()
    let flag = false
    clock.setTimeout(() => (flag = true), 37)
    expect(clock.runUntil(() => flag, { maxMs: 1000, stepMs: 10 })).toBe(true)
    expect(clock.now()).toBe(40)
    expect(clock.runUntil(() => true, { maxMs: 1000 })).toBe(true)
    expect(clock.now()).toBe(40)
  })

  it('runUntil gives up after maxMs', () => {
    const clock = new FakeClock(5)
    expect(clock.runUntil(() => false, { maxMs: 95, stepMs: 10 })).toBe(false)
    expect(clock.now()).toBe(100)
  })

  it('rejects bad arguments and advancing from inside a timer', () => {
    const clock = new FakeClock()
    expect(() => clock.setTimeout(() => {}, -1)).toThrow(RangeError)
    expect(() => clock.advance(Number.NaN)).toThrow(/advance ms must be a finite number ≥ 0, got NaN/)
    expect(() => clock.runUntil(() => false, { maxMs: 10, stepMs: 0 })).toThrow(/stepMs/)
    clock.setTimeout(() => clock.advance(1), 1)
    expect(() => clock.advance(5)).toThrow(/from inside a timer/)
  })
})
