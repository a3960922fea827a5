import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { TimeWindow } from './TimeWindow.js'

describe('TimeWindow', () => {
  it('sums calls, failures and slow calls', () => {
    const w = new TimeWindow(10_000, 10)
    w.record(true, false, 0)
    w.record(false, false, 10)
    w.record(false, true, 20)
    w.record(true, true, 2500)
    expect({ ...w.totals(3000) }).toEqual({ calls: 4, failures: 2, slow: 2 })
  })

  it('forgets calls older than the window, a bucket at a time', () => {
    const w = new TimeWindow(10_000, 10) // 1000 ms buckets
    w.record(false, false, 100) // bucket 0
    w.record(false, false, 1500) // bucket 1
    expect(w.totals(9999).failures).toBe(2) // buckets 0..9 live
    expect(w.totals(10_000).failures).toBe(1) // bucket 0 expired
    expect(w.totals(10_999).failures).toBe(1)
    expect(w.totals(11_000).failures).toBe(0)
    w.record(true, false, 11_000)
    expect({ ...w.totals(11_000) }).toEqual({ calls: 1, failures: 0, slow: 0 })
  })

  it('clears everything after a long idle gap', () => {
    const w = new TimeWindow(1000, 4)
    for (let t = 0; t < 1000; t += 10) w.record(false, true, t)
    expect(w.totals(999).calls).toBe(100)
    expect({ ...w.totals(1_000_000) }).toEqual({ calls: 0, failures: 0, slow: 0 })
  })

  it('treats time going backwards as the current bucket', () => {
    const w = new TimeWindow(1000, 10)
    w.record(true, false, 5000)
    w.record(false, false, 10)
    expect({ ...w.totals(5000) }).toEqual({ calls: 2, failures: 1, slow: 0 })
  })

  it('reset forgets everything', () => {
    const w = new TimeWindow(1000, 10)
    w.record(false, true, 1)
    w.reset()
    expect({ ...w.totals(2) }).toEqual({ calls: 0, failures: 0, slow: 0 })
  })

  it('holds a fixed number of buckets whatever the number of calls', () => {
    const w = new TimeWindow(10_000, 10)
    expect(w.bucketCount).toBe(10)
    for (let i = 0; i < 1_000_000; i++) w.record(i % 3 === 0, i % 7 === 0, i * 0.05)
    expect(w.bucketCount).toBe(10)
    // 1 000 000 calls over 50 s, 20 per ms: the last 9 full buckets plus the current one.
    expect(w.totals(49_999.95).calls).toBe(200_000)
  })

  it('handles fractional bucket widths', () => {
    const w = new TimeWindow(1000, 3)
    for (let i = 0; i < 3000; i++) w.record(false, false, i)
    const t = w.totals(2999)
    expect(t.calls).toBeGreaterThanOrEqual(1000 - 334)
    expect(t.calls).toBeLessThanOrEqual(1000)
  })

  it('matches a list model: a call counts while its bucket is one of the last `buckets`', () => {
    const event = fc.record({ dt: fc.integer({ min: 0, max: 700 }), ok: fc.boolean(), slow: fc.boolean(), query: fc.boolean() })
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 200 }), fc.array(event, { maxLength: 200 }), (buckets, width, events) => {
        const w = new TimeWindow(width * buckets, buckets)
        const log: { t: number; ok: boolean; slow: boolean }[] = []
        let now = 0
        for (const e of events) {
          now += e.dt
          if (!e.query) {
            w.record(e.ok, e.slow, now)
            log.push({ t: now, ok: e.ok, slow: e.slow })
          }
          const head = Math.floor(now / width)
          const live = log.filter((c) => Math.floor(c.t / width) > head - buckets)
          expect({ ...w.totals(now) }).toEqual({
            calls: live.length,
            failures: live.filter((c) => !c.ok).length,
            slow: live.filter((c) => c.slow).length,
          })
        }
      }),
      { numRuns: 200 },
    )
  })
})
