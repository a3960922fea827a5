/**
 * Call rates from successive `GET /v1/stats` samples. The node's per-breaker
 * counters only grow, so the rate between two samples is their difference
 * over the time between them; a counter that went down means the node
 * restarted (or forgot the breaker) and that interval is skipped.
 */

/** Cumulative counters of one breaker at one moment. */
export interface Sample {
  /** Browser time of the sample, ms. */
  t: number
  ok: number
  failed: number
  rejected: number
}

/** Rates over one interval between two samples. */
export interface RatePoint {
  /** End of the interval, ms. */
  t: number
  /** Calls made (ok + failed) per second. */
  calls: number
  failures: number
  rejections: number
}

/** The last `capacity` samples of one breaker (oldest first). */
export class SampleRing {
  private readonly samples: Sample[] = []

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError(`capacity must be an integer >= 2, got ${capacity}`)
  }

  get size(): number {
    return this.samples.length
  }

  push(sample: Sample): void {
    const last = this.samples[this.samples.length - 1]
    if (last !== undefined && sample.t <= last.t) return
    this.samples.push(sample)
    if (this.samples.length > this.capacity) this.samples.shift()
  }

  /** Per-second rates between consecutive samples; counter resets are skipped. */
  rates(): RatePoint[] {
    const out: RatePoint[] = []
    for (let i = 1; i < this.samples.length; i++) {
      const point = between(this.samples[i - 1]!, this.samples[i]!)
      if (point !== null) out.push(point)
    }
    return out
  }

  /** The rate over the last interval, or null with fewer than two samples (or a reset in it). */
  latest(): RatePoint | null {
    const n = this.samples.length
    return n < 2 ? null : between(this.samples[n - 2]!, this.samples[n - 1]!)
  }
}

function between(a: Sample, b: Sample): RatePoint | null {
  const dt = (b.t - a.t) / 1000
  const ok = b.ok - a.ok
  const failed = b.failed - a.failed
  const rejected = b.rejected - a.rejected
  if (dt <= 0 || ok < 0 || failed < 0 || rejected < 0) return null
  return { t: b.t, calls: (ok + failed) / dt, failures: failed / dt, rejections: rejected / dt }
}
