import { BucketRing } from './BucketRing.js'
import type { Window, WindowTotals } from './Window.js'

/**
 * The last `size` calls, as a ring of `buckets` buckets, with running sums so
 * `totals` is O(1).
 *
 * The `size` slots are spread over the buckets as evenly as possible (sizes
 * differ by at most one). New calls fill the current bucket; when it is full the
 * next call moves to the oldest bucket and drops its counts whole. So the window
 * covers between `size − ⌈size/buckets⌉ + 1` and `size` of the latest calls once
 * it has filled: an approximation that trades exactness for O(buckets) memory.
 * `buckets = size` makes it exact. `now` is ignored.
 */
export class CountWindow implements Window {
  private readonly ring: BucketRing
  /** Slots per bucket: `base`, or `base + 1` for the first `extra` buckets. */
  private readonly base: number
  private readonly extra: number
  private current = 0
  private fill = 0
  private capacity: number

  constructor(
    readonly size: number,
    readonly buckets = Math.min(10, size),
  ) {
    if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`window.size must be an integer >= 1, got ${size}`)
    if (!Number.isSafeInteger(buckets) || buckets < 1 || buckets > size) {
      throw new RangeError(`window.buckets must be an integer in [1, ${size}], got ${buckets}`)
    }
    this.ring = new BucketRing(buckets)
    this.base = Math.floor(size / buckets)
    this.extra = size % buckets
    this.capacity = this.capacityOf(0)
  }

  /** Number of buckets held: fixed at construction, whatever the traffic. */
  get bucketCount(): number {
    return this.ring.size
  }

  record(ok: boolean, slow: boolean, _now: number): void {
    if (this.fill === this.capacity) this.rotate()
    this.fill += 1
    this.ring.add(this.current, ok, slow)
  }

  totals(_now: number): WindowTotals {
    return this.ring.sums
  }

  reset(): void {
    this.ring.reset()
    this.current = 0
    this.fill = 0
    this.capacity = this.capacityOf(0)
  }

  private capacityOf(slot: number): number {
    return slot < this.extra ? this.base + 1 : this.base
  }

  /** Move to the oldest bucket, dropping its counts. */
  private rotate(): void {
    const slot = this.current + 1 === this.buckets ? 0 : this.current + 1
    this.ring.clear(slot)
    this.current = slot
    this.fill = 0
    this.capacity = this.capacityOf(slot)
  }
}
