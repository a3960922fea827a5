import type { TripRule } from './TripRule.js'
import type { WindowTotals } from './Window.js'

/** Trips after `threshold` failures in a row; any success resets the run. */
export class ConsecutiveFailuresRule implements TripRule {
  constructor(readonly threshold: number) {
    if (!Number.isSafeInteger(threshold) || threshold < 1) {
      throw new RangeError(`consecutiveFailures must be an integer >= 1, got ${threshold}`)
    }
  }

  check(_totals: WindowTotals, consecutiveFailures: number): string | null {
    if (consecutiveFailures < this.threshold) return null
    return `${consecutiveFailures} consecutive failures`
  }
}
