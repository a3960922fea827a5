import { BucketRing } from './BucketRing.js'
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
  private readonly ring: BucketRing
  /** Absolute index of the newest bucket. */
  private head = 0
  /** Start of the bucket after `head`: the hot path only compares `now` with it. */
  private nextBucketAt: number

  constructor(
    readonly ms: number,
    readonly buckets = 10,
  ) {
    if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`window.ms must be a finite number > 0, got ${ms}`)
    if (!Number.isSafeInteger(buckets) || buckets < 1) throw new RangeError(`window.buckets must be an integer >= 1, got ${buckets}`)
    this.bucketMs = ms / buckets
    this.ring = new BucketRing(buckets)
    this.nextBucketAt = this.bucketMs
  }

  /** Number of buckets held: fixed at construction, whatever the traffic. */
  get bucketCount(): number {
    return this.ring.size
  }

  record(ok: boolean, slow: boolean, now: number): void {
    if (now >= this.nextBucketAt) this.advance(now)
    this.ring.add(this.head % this.buckets, ok, slow)
  }

  totals(now: number): WindowTotals {
    if (now >= this.nextBucketAt) this.advance(now)
    return this.ring.sums
  }

  reset(): void {
    this.ring.reset()
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
      for (let k = this.head + 1; k <= b; k++) this.ring.clear(k % this.buckets)
    }
    this.head = b
    this.nextBucketAt = (b + 1) * width
  }
}
