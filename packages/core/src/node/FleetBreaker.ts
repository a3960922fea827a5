import type { CircuitBreaker } from '../breaker/CircuitBreaker.js'
import type { Clock } from '../clock/Clock.js'
import type { BreakerState, Override } from '../types.js'

/** Per-breaker counters, for metrics. */
export interface BreakerCounters {
  callsOk: number
  callsFailed: number
  rejections: number
  transitions: number
}

/**
 * A node's handle on one fleet-wide breaker: the local `CircuitBreaker`
 * (windows, trip rules, permits) whose transitions the `FleetNode` turns into
 * record writes, and whose state follows the merged fleet record.
 */
export class FleetBreaker {
  readonly counters: BreakerCounters = { callsOk: 0, callsFailed: 0, rejections: 0, transitions: 0 }
  /** Monotonic ms of the last `tryAcquire` (or of creation): a breaker unused for the record TTL lets its record be collected. */
  lastUsedAt: number
  private shared = true

  constructor(
    readonly name: string,
    readonly local: CircuitBreaker,
    private readonly clock: Clock,
    private readonly isIsolated: () => boolean = () => false,
  ) {
    this.lastUsedAt = clock.now()
  }

  /**
   * True while this node fails fast on its own: its own trip rules fired but
   * the fleet's decision policy (`quorum`, `aggregate`) did not open the
   * breaker for the fleet. It rejoins through its own half-open trial.
   */
  get isolated(): boolean {
    return this.isIsolated()
  }

  /**
   * True while this breaker works on this node alone: its last transition
   * could not be written to the fleet table (full of overrides and breakers
   * in use, see `FleetOptions.maxRecords`). Calls are still decided by the
   * local breaker; the next transition tries to share again.
   */
  get localOnly(): boolean {
    return !this.shared
  }

  /** @internal set by the FleetNode after each write attempt */
  setShared(shared: boolean): void {
    this.shared = shared
  }

  /** Effective state (overrides applied). */
  get state(): BreakerState {
    return this.local.state
  }

  /** Operator override in force, if any. */
  get override(): Override {
    return this.local.override
  }

  /** May a call go ahead now? Counts a rejection when not. */
  tryAcquire(): boolean {
    return this.tryAcquireAt(this.clock.now())
  }

  /** `tryAcquire()` at a time the caller already read from the same clock (saves a clock read on the hot path). */
  tryAcquireAt(now: number): boolean {
    this.lastUsedAt = now
    if (this.local.tryAcquire(now)) return true
    this.counters.rejections++
    return false
  }

  /** Report the outcome of a call that `tryAcquire()` permitted. */
  record(ok: boolean, durationMs: number): void {
    this.recordAt(ok, durationMs, this.clock.now())
  }

  /** `record()` at a time the caller already read from the same clock. */
  recordAt(ok: boolean, durationMs: number, now: number): void {
    if (ok) this.counters.callsOk++
    else this.counters.callsFailed++
    this.local.record(ok, durationMs, now)
  }

  /** Time left before this node may try a probe, ms (0 when not open). */
  retryAfterMs(now = this.clock.now()): number {
    return this.local.cooldownRemaining(now)
  }
}
