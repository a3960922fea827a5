import type { TripRule } from './TripRule.js'
import type { WindowTotals } from './Window.js'

/**
 * Trips when at least `percent` % of the calls in the window were slow (took at
 * least `slowCallDurationMs`), given at least `minimumCalls` calls.
 */
export class SlowCallRateRule implements TripRule {
  constructor(
    readonly percent: number,
    readonly minimumCalls: number,
    readonly slowCallDurationMs: number,
  ) {
    if (!Number.isFinite(percent) || percent <= 0 || percent > 100) {
      throw new RangeError(`slowCallRate must be a number in (0, 100], got ${percent}`)
    }
    if (!Number.isSafeInteger(minimumCalls) || minimumCalls < 1) {
      throw new RangeError(`minimumCalls must be an integer >= 1, got ${minimumCalls}`)
    }
  }

  check(totals: WindowTotals, _consecutiveFailures: number): string | null {
    const { calls, slow } = totals
    if (calls < this.minimumCalls || slow * 100 < this.percent * calls) return null
    return `slow-call rate ${Math.round((slow * 100) / calls)}% over ${calls} calls (>= ${this.slowCallDurationMs} ms)`
  }
}
