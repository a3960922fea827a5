import { describe, expect, it } from 'vitest'
import { SampleRing } from './rates.js'

describe('SampleRing', () => {
  it('turns cumulative counters into per-second rates between samples', () => {
    const ring = new SampleRing(10)
    expect(ring.latest()).toBeNull()
    ring.push({ t: 0, ok: 0, failed: 0, rejected: 0 })
    ring.push({ t: 2000, ok: 16, failed: 4, rejected: 2 })
    ring.push({ t: 4000, ok: 16, failed: 24, rejected: 2 })
    expect(ring.rates()).toEqual([
      { t: 2000, calls: 10, failures: 2, rejections: 1 },
      { t: 4000, calls: 10, failures: 10, rejections: 0 },
    ])
    expect(ring.latest()).toEqual({ t: 4000, calls: 10, failures: 10, rejections: 0 })
  })

  it('skips an interval whose counters went down (the node restarted) and samples out of order', () => {
    const ring = new SampleRing(10)
    ring.push({ t: 0, ok: 100, failed: 0, rejected: 0 })
    ring.push({ t: 1000, ok: 3, failed: 0, rejected: 0 })
    ring.push({ t: 500, ok: 50, failed: 0, rejected: 0 })
    ring.push({ t: 2000, ok: 5, failed: 1, rejected: 0 })
    expect(ring.size).toBe(3)
    expect(ring.rates()).toEqual([{ t: 2000, calls: 3, failures: 1, rejections: 0 }])
  })

  it('keeps only the last `capacity` samples', () => {
    const ring = new SampleRing(3)
    for (let i = 0; i < 10; i++) ring.push({ t: i * 1000, ok: i, failed: 0, rejected: 0 })
    expect(ring.size).toBe(3)
    expect(ring.rates().map((p) => p.t)).toEqual([8000, 9000])
    expect(() => new SampleRing(1)).toThrow(RangeError)
  })
})
