/**
 * The underlying (override-free) state of a `CircuitBreaker`, as a discriminated
 * union so that an 'open' state cannot carry half-open fields.
 */
export type BreakerStatus = ClosedStatus | OpenStatus | HalfOpenStatus

export interface ClosedStatus {
  readonly value: 'closed'
}

export interface OpenStatus {
  readonly value: 'open'
  /** Monotonic ms at which this node learned or decided the open. */
  readonly openedAt: number
  /** How long the open lasts before a probe may start, ms (already backed off). */
  readonly cooldownMs: number
  /** Consecutive opens, ≥ 1. */
  readonly openCount: number
}

export interface HalfOpenStatus {
  readonly value: 'half-open'
  /** True when this node holds the probe claim; false when another node probes. */
  readonly probing: boolean
  /** Trial calls this node may still start (0 when not probing). Mutated in place on the hot path. */
  permitsLeft: number
  /** Trial calls started and not yet reported. */
  inFlight: number
  /** Trial calls that succeeded. */
  succeeded: number
  /** Consecutive opens so far, for the next backoff. */
  readonly openCount: number
  /** The cooldown of the open this probe ended, ms. */
  readonly cooldownMs: number
}
