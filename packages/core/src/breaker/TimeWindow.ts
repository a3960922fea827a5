import type { Window, WindowTotals } from './Window.js'

/**
 * The calls of the last `ms` milliseconds, as a ring of `buckets` buckets of
 * `ms / buckets` ms each, with running sums so `totals` is O(1).
 *
 * Bucket k covers `[k·width, (k+1)·width)` of the monotonic clock. The window is
 * the current bucket plus the `buckets − 1` before it, so a call counts for at
 * least `ms − width` and less than `ms` after it was recorded; older buckets are
 * subtracted from the sums and cleared as `now` advances (at most `buckets`
 * clears however long the clock jumped). Time going backwards is treated as
 * "still the current bucket".
 */
export class TimeWindow implements Window {
  /** Width of one bucket, ms. */
  readonly bucketMs: number
  private readonly calls: Float64Array
  private readonly failures: Float64Array
  private readonly slows: Float64Array
  /** Absolute index of the newest bucket. */
  private head = 0
  /** Start of the bucket after `head`: the hot path only compares `now` with it. */
  private nextBucketAt: number
  private readonly sums = { calls: 0, failures: 0, slow: 0 }

  constructor(
    readonly ms: number,
    readonly buckets = 10,
  ) {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`window.ms must be a finite number > 0, got ${ms}`)
    if (!Number.isSafeInteger(buckets) || buckets < 1) throw new RangeError(`window.buckets must be an integer >= 1, got ${buckets}`)
    this.bucketMs = ms / buckets
    this.calls = new Float64Array(buckets)
    this.failures = new Float64Array(buckets)
    this.slows = new Float64Array(buckets)
    this.nextBucketAt = this.bucketMs
  }

  /** Number of buckets held: fixed at construction, whatever the traffic. */
  get bucketCount(): number {
    return this.calls.length
  }

  record(ok: boolean, slow: boolean, now: number): void {
    if (now >= this.nextBucketAt) this.advance(now)
    const slot = this.head % this.buckets
    const sums = this.sums
    this.calls[slot]! += 1
    sums.calls += 1
    if (!ok) {
      this.failures[slot]! += 1
      sums.failures += 1
    }
    if (slow) {
      this.slows[slot]! += 1
      sums.slow += 1
    }
  }

  totals(now: number): WindowTotals {
    if (now >= this.nextBucketAt) this.advance(now)
    return this.sums
  }

  reset(): void {
    this.calls.fill(0)
    this.failures.fill(0)
    this.slows.fill(0)
    this.sums.calls = 0
    this.sums.failures = 0
    this.sums.slow = 0
  }

  /** Move `head` to the bucket holding `now`, expiring the buckets in between. */
  private advance(now: number): void {
    const width = this.bucketMs
    let b = Math.floor(now / width)
    // Keep b consistent with the boundaries computed as k·width despite rounding.
    if ((b + 1) * width <= now) b += 1
    else if (b * width > now) b -= 1
    if (b <= this.head) {
      this.nextBucketAt = (this.head + 1) * width
      return
    }
    if (b - this.head >= this.buckets) {
      this.reset()
    } else {
      const sums = this.sums
      for (let k = this.head + 1; k <= b; k++) {
        const slot = k % this.buckets
        sums.calls -= this.calls[slot]!
        sums.failures -= this.failures[slot]!
        sums.slow -= this.slows[slot]!
        this.calls[slot] = 0
        this.failures[slot] = 0
        this.slows[slot] = 0
      }
    }
    this.head = b
    this.nextBucketAt = (b + 1) * width
  }
}
