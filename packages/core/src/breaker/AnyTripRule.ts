import type { TripRule } from './TripRule.js'
import type { WindowTotals } from './Window.js'

/** Combines rules: trips when any of them trips, with the first one's reason. No rules: never trips. */
export class AnyTripRule implements TripRule {
  readonly rules: readonly TripRule[]

  constructor(rules: readonly TripRule[]) {
    this.rules = [...rules]
  }

  check(totals: WindowTotals, consecutiveFailures: number): string | null {
    const rules = this.rules
    for (let i = 0; i < rules.length; i++) {
      const reason = rules[i]!.check(totals, consecutiveFailures)
      if (reason !== null) return reason
    }
    return null
  }
}
