/**
 * Fixed-size ring of outcome buckets with running sums: the storage both
 * sliding windows share (`TimeWindow` decides which slot is current by time,
 * `CountWindow` by how many calls it holds). Memory is O(buckets).
 */
export class BucketRing {
  private readonly calls: Float64Array
  private readonly failures: Float64Array
  private readonly slows: Float64Array
  /** Sums over every bucket; handed out by the windows' `totals()`. */
  readonly sums = { calls: 0, failures: 0, slow: 0 }

  constructor(readonly size: number) {
    this.calls = new Float64Array(size)
    this.failures = new Float64Array(size)
    this.slows = new Float64Array(size)
  }

  /** Count one outcome in `slot`. O(1), no allocation. */
  add(slot: number, ok: boolean, slow: boolean): void {
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

  /** Empty `slot`, taking its counts out of the sums. */
  clear(slot: number): void {
    const sums = this.sums
    sums.calls -= this.calls[slot]!
    sums.failures -= this.failures[slot]!
    sums.slow -= this.slows[slot]!
    this.calls[slot] = 0
    this.failures[slot] = 0
    this.slows[slot] = 0
  }

  /** Empty every slot. */
  reset(): void {
    this.calls.fill(0)
    this.failures.fill(0)
    this.slows.fill(0)
    this.sums.calls = 0
    this.sums.failures = 0
    this.sums.slow = 0
  }
}
