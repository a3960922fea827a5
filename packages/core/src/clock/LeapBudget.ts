/**
 * How far a counter learned from a peer (a Lamport timestamp, a member's
 * incarnation) may move a node's own counter forward. Both counters only grow,
 * by `max(own, theirs)` and then `+ 1` for a local write or a refutation, so a
 * single forged value of 2^53 − 1 would otherwise push every node past the
 * largest safe integer, after which no peer accepts anything it writes.
 *
 * The rules, for a value `v` heard when the node's own counter is `c`:
 *
 * 1. `v ≤ c` always passes (it moves nothing).
 * 2. `v > MAX_OBSERVED` (2^53 − 1 − 2^32) is refused: above it, a node keeps
 *    2^32 local `+ 1` steps before the largest safe integer.
 * 3. `v − c > maxLeap` (default 2^40) is refused, whatever the budget.
 * 4. Otherwise the leap `v − c` is paid from a token bucket holding at most
 *    `maxLeap` tokens and refilled at `leapPerSecond` (default 2^16 = 65,536)
 *    per second of the node's monotonic clock; a leap the bucket cannot pay is
 *    refused (and may pass later, when a push-pull brings the value again).
 *
 * A refused value is never observed: the record or member update carrying it
 * is dropped and counted (`clock-leap`, `incarnation-leap`).
 *
 * The arithmetic. An honest fleet moves a counter by one per write (Lamport)
 * or per refutation (incarnation), so honest leaps are the writes a node did
 * not see yet: a fleet writing 1,000 versions a second for a whole day leaps
 * by under 2^27, far inside 2^40, and the bucket refills 65,536 a second,
 * above any honest sustained rate. A peer holding the fleet key that ratchets
 * a counter in steps just under the limits gains at most 2^40 at once, then
 * 2^16 a second: reaching `MAX_OBSERVED` takes (2^53 − 2^40 − 2^32) / 2^16 s ≈
 * 2^37 s, about 4,300 years, and even then 2^32 local steps remain. What it can
 * still do: after about 2^24 s (194 days) of uninterrupted ratcheting, the
 * fleet's counters are more than 2^40 ahead of a node started from zero, which
 * then refuses them (counted as `clock-leap`) until the attack is found, so
 * watch the Lamport gauge and that counter. A fleet that is honest never gets
 * there: 2^40 versions at 1,000 a second take 35 years.
 */
export interface LeapLimits {
  /** Largest forward leap accepted at once, and the bucket's capacity. */
  readonly maxLeap: number
  /** Bucket refill, counter units per second of monotonic time. */
  readonly leapPerSecond: number
}

/** The largest counter value a node takes from a peer: 2^53 − 1 − 2^32. */
export const MAX_OBSERVED = Number.MAX_SAFE_INTEGER - 2 ** 32

/** Default `maxLeap`: 2^40. */
export const DEFAULT_MAX_LEAP = 2 ** 40

/** Default `leapPerSecond`: 2^16. */
export const DEFAULT_LEAP_PER_SECOND = 2 ** 16

export const DEFAULT_LEAP_LIMITS: LeapLimits = Object.freeze({
  maxLeap: DEFAULT_MAX_LEAP,
  leapPerSecond: DEFAULT_LEAP_PER_SECOND,
})

/** Check `limits`, naming the field in a `RangeError`. */
export function validateLeapLimits(limits: LeapLimits, owner: string): LeapLimits {
  const { maxLeap, leapPerSecond } = limits
  if (!Number.isSafeInteger(maxLeap) || maxLeap < 1 || maxLeap > MAX_OBSERVED) {
    throw new RangeError(`${owner}: maxClockLeap must be an integer in 1..2^53 − 1 − 2^32, got ${String(maxLeap)}`)
  }
  if (typeof leapPerSecond !== 'number' || !Number.isFinite(leapPerSecond) || leapPerSecond < 0) {
    throw new RangeError(`${owner}: clockLeapPerSecond must be a finite number ≥ 0, got ${String(leapPerSecond)}`)
  }
  return { maxLeap, leapPerSecond }
}

/**
 * One node's budget of forward leaps for one counter (see above). Pure: the
 * caller passes its monotonic time; without one, nothing is refilled.
 */
export class LeapBudget {
  private tokens: number
  private at: number | undefined

  constructor(private readonly limits: LeapLimits = DEFAULT_LEAP_LIMITS) {
    this.tokens = limits.maxLeap
  }

  /** Tokens left (after refilling to `now`, when given). */
  available(now?: number): number {
    this.refill(now)
    return this.tokens
  }

  /**
   * Whether `incoming` is within reach of `current` by rules 1–3 alone (the
   * budget aside): for values that are compared but never observed, such as
   * digest entries.
   */
  reaches(current: number, incoming: number): boolean {
    if (!(incoming > current)) return true
    return Number.isSafeInteger(incoming) && incoming <= MAX_OBSERVED && incoming - current <= this.limits.maxLeap
  }

  /** Whether moving the counter from `current` to `incoming` is allowed at `now`. Spends nothing. */
  allows(current: number, incoming: number, now?: number): boolean {
    if (!(incoming > current)) return true
    if (!this.reaches(current, incoming)) return false
    this.refill(now)
    return incoming - current <= this.tokens
  }

  /** Pay for moving from `current` to `incoming` (after `allows` said yes); a move back or none is free. */
  spend(current: number, incoming: number, now?: number): void {
    if (!(incoming > current)) return
    this.refill(now)
    this.tokens = Math.max(0, this.tokens - (incoming - current))
  }

  /** `allows`, then `spend` when it does; returns whether the move is allowed. */
  take(current: number, incoming: number, now?: number): boolean {
    if (!this.allows(current, incoming, now)) return false
    this.spend(current, incoming, now)
    return true
  }

  private refill(now: number | undefined): void {
    if (now === undefined || !Number.isFinite(now)) return
    const last = this.at
    this.at = now
    if (last === undefined || now <= last) return
    this.tokens = Math.min(this.limits.maxLeap, this.tokens + ((now - last) / 1000) * this.limits.leapPerSecond)
  }
}
