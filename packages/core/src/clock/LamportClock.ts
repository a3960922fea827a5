import { DEFAULT_LEAP_LIMITS, LeapBudget, validateLeapLimits } from './LeapBudget.js'
import type { LeapLimits } from './LeapBudget.js'

/**
 * A Lamport clock: a counter that grows along causality. A node ticks it for
 * each version it writes and observes the timestamp of each version it
 * receives, so a version written after seeing another always carries a larger
 * timestamp. Never reads time; `now` (monotonic ms) only refills the leap budget.
 *
 * It refuses to be poisoned: a timestamp that is not a safe integer, above
 * `MAX_OBSERVED`, more than `maxLeap` ahead, or more than the leap budget
 * holds, is not observed (see `LeapBudget` for the arithmetic). The clock
 * itself never goes past `Number.MAX_SAFE_INTEGER`.
 */
export class LamportClock {
  private current: number
  private readonly budget: LeapBudget

  /**
   * @param initial starting value, a non-negative safe integer (default 0)
   * @param limits  how far observed timestamps may move the clock (default 2^40 at once, 2^16 a second)
   */
  constructor(initial = 0, limits: LeapLimits = DEFAULT_LEAP_LIMITS) {
    if (!Number.isSafeInteger(initial) || initial < 0) {
      throw new RangeError(`LamportClock: initial must be a non-negative safe integer, got ${String(initial)}`)
    }
    this.current = initial
    this.budget = new LeapBudget(validateLeapLimits(limits, 'LamportClock'))
  }

  /** The largest timestamp issued or observed so far. */
  get value(): number {
    return this.current
  }

  /**
   * Advance by one and return the new timestamp (for a local write). Throws a
   * `RangeError` rather than leave the safe integers (2^32 ticks after the
   * highest value it may observe: not reachable in the life of a fleet).
   */
  tick(): number {
    if (this.current >= Number.MAX_SAFE_INTEGER) {
      throw new RangeError('LamportClock: exhausted (the next timestamp would not be a safe integer)')
    }
    this.current += 1
    return this.current
  }

  /** Whether `observe(t, now)` would take `t` (a value at or below the clock always passes). Spends nothing. */
  admits(t: number, now?: number): boolean {
    return Number.isFinite(t) && this.budget.allows(this.current, t, now)
  }

  /** Whether `t` is within `maxLeap` of the clock and below the ceiling, the budget aside (for digest entries). */
  reaches(t: number): boolean {
    return Number.isFinite(t) && this.budget.reaches(this.current, t)
  }

  /**
   * Take `t` into account: the clock becomes `max(value, t)` when `admits(t,
   * now)`. Returns false, changing nothing, for a value it refuses (not finite,
   * not a safe integer, beyond the ceiling, the leap or the budget).
   */
  observe(t: number, now?: number): boolean {
    if (!this.admits(t, now)) return false
    if (t > this.current) {
      this.budget.spend(this.current, t, now)
      this.current = t
    }
    return true
  }
}
