import type { WindowTotals } from './Window.js'

/**
 * A trip policy: looks at the window counts and the current run of consecutive
 * failures after each recorded call and says whether the breaker should open.
 * Implementations are tiny and stateless; the `CircuitBreaker` owns the state.
 */
export interface TripRule {
  /** A short human reason when the breaker should open (e.g. "5 consecutive failures"), else `null`. */
  check(totals: WindowTotals, consecutiveFailures: number): string | null
}
