/** Outcome counts over a sliding window. */
export interface WindowTotals {
  /** Calls recorded. */
  readonly calls: number
  /** Calls that failed. */
  readonly failures: number
  /** Calls that took at least the slow-call duration (failed or not). */
  readonly slow: number
}

/**
 * A sliding window of call outcomes with memory O(buckets), never O(calls).
 * Implementations: `TimeWindow`, `CountWindow`.
 */
export interface Window {
  /** Count one call outcome that finished at `now` (monotonic ms). O(1), no allocation. */
  record(ok: boolean, slow: boolean, now: number): void
  /**
   * The counts in the window as of `now`. Cheap (running sums) and allocation-free:
   * the returned object belongs to the window and is overwritten by the next
   * `record`/`totals`/`reset`; copy it to keep it.
   */
  totals(now: number): WindowTotals
  /** Forget every recorded call. */
  reset(): void
}
