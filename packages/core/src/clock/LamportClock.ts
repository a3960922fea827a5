/**
 * A Lamport clock: a counter that grows along causality. A node ticks it for
 * each version it writes and observes the timestamp of each version it
 * receives, so a version written after seeing another always carries a larger
 * timestamp. Never reads time.
 */
export class LamportClock {
  private current: number

  /** @param initial starting value, a non-negative safe integer (default 0) */
  constructor(initial = 0) {
    if (!Number.isSafeInteger(initial) || initial < 0) {
      throw new RangeError(`LamportClock: initial must be a non-negative safe integer, got ${String(initial)}`)
    }
    this.current = initial
  }

  /** The largest timestamp issued or observed so far. */
  get value(): number {
    return this.current
  }

  /** Advance by one and return the new timestamp (for a local write). */
  tick(): number {
    this.current += 1
    return this.current
  }

  /**
   * Take `t` into account: the clock becomes `max(value, t)`. A value that is
   * not a finite number (NaN, ±Infinity) is ignored, so one bad input can
   * never poison the clock.
   */
  observe(t: number): void {
    if (t > this.current && Number.isFinite(t)) this.current = t
  }
}
