import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CountWindow } from './CountWindow.js'

describe('CountWindow', () => {
  it('is exact with one call per bucket', () => {
    const w = new CountWindow(4, 4)
    const outcomes = [false, false, true, true, true, false]
    for (const ok of outcomes) w.record(ok, false, 0)
    // last 4: true, true, true, false
    expect({ ...w.totals(0) }).toEqual({ calls: 4, failures: 1, slow: 0 })
  })

  it('drops the oldest bucket whole: covers between size − size/buckets + 1 and size calls', () => {
    const w = new CountWindow(10, 5) // buckets of 2 calls
    const seen: number[] = []
    for (let i = 0; i < 30; i++) {
      w.record(i >= 20, i % 2 === 0, i)
      seen.push(w.totals(i).calls)
    }
    expect(seen.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(seen.slice(10, 14)).toEqual([9, 10, 9, 10])
    // the last 10 calls (20..29) all succeeded
    expect({ ...w.totals(29) }).toEqual({ calls: 10, failures: 0, slow: 5 })
  })

  it('spreads a size that buckets does not divide', () => {
    const w = new CountWindow(25, 10) // 5 buckets of 3, 5 of 2
    for (let i = 0; i < 1000; i++) {
      w.record(true, false, 0)
      const calls = w.totals(0).calls
      if (i >= 24) {
        expect(calls).toBeGreaterThanOrEqual(25 - 3 + 1)
        expect(calls).toBeLessThanOrEqual(25)
      }
    }
  })

  it('reset forgets everything', () => {
    const w = new CountWindow(10, 2)
    for (let i = 0; i < 7; i++) w.record(false, true, 0)
    w.reset()
    expect({ ...w.totals(0) }).toEqual({ calls: 0, failures: 0, slow: 0 })
    for (let i = 0; i < 10; i++) w.record(true, false, 0)
    expect(w.totals(0).calls).toBe(10)
  })

  it('holds a fixed number of buckets whatever the number of calls', () => {
    const w = new CountWindow(100, 10)
    expect(w.bucketCount).toBe(10)
    for (let i = 0; i < 1_000_000; i++) w.record(i % 2 === 0, false, i)
    expect(w.bucketCount).toBe(10)
    expect(w.totals(0).calls).toBe(100)
  })

  it('validates size and buckets', () => {
    expect(() => new CountWindow(0)).toThrow('window.size must be an integer >= 1, got 0')
    expect(() => new CountWindow(5, 6)).toThrow('window.buckets must be an integer in [1, 5], got 6')
  })

  it('counts exactly the most recent `calls` calls, within the documented coverage', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 1, max: size }))),
        fc.array(fc.tuple(fc.boolean(), fc.boolean()), { maxLength: 300 }),
        ([size, buckets], calls) => {
          const w = new CountWindow(size, buckets)
          const lowest = size - Math.ceil(size / buckets) + 1
          calls.forEach(([ok, slow], i) => {
            w.record(ok, slow, 0)
            const t = w.totals(0)
            const n = i + 1
            expect(t.calls).toBeLessThanOrEqual(Math.min(n, size))
            expect(t.calls).toBeGreaterThanOrEqual(Math.min(n, lowest))
            const recent = calls.slice(n - t.calls, n)
            expect(t.failures).toBe(recent.filter(([o]) => !o).length)
            expect(t.slow).toBe(recent.filter(([, s]) => s).length)
          })
        },
      ),
      { numRuns: 200 },
    )
  })
})
