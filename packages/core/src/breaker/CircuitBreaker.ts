import { cooldownFor } from './backoff.js'
import { resolveBreakerOptions } from './BreakerOptions.js'
import type { BreakerOptions, ResolvedBreakerOptions, ResolvedWindowOptions } from './BreakerOptions.js'
import type { BreakerStatus, HalfOpenStatus, OpenStatus } from './BreakerStatus.js'
import { createTripRule } from './createTripRule.js'
import { createWindow } from './createWindow.js'
import type { TripRule } from './TripRule.js'
import type { Window, WindowTotals } from './Window.js'
import type { BreakerState, Override } from '../types.js'

/** A state decided elsewhere (the merged fleet record), as `apply()` takes it. */
export interface RemoteState {
  readonly state: BreakerState
  readonly override: Override
  readonly cooldownMs: number
  readonly openCount: number
  /** For 'half-open': true when this node is the prober. */
  readonly probing: boolean
}

/** A local transition, as `onTransition` reports it. */
export interface Transition {
  readonly from: BreakerState
  readonly to: BreakerState
  /** Short human text: the trip rule's reason, or what the probe did. */
  readonly reason: string
  /** Consecutive opens after the transition (0 when closed). */
  readonly openCount: number
  /** Cooldown after the transition, ms (0 when closed). */
  readonly cooldownMs: number
  /** Monotonic ms of the transition. */
  readonly at: number
  /** A trip from closed: the window counts it tripped on (the window is empty afterwards); null for other transitions. */
  readonly evidence: WindowTotals | null
}

/** How a `CircuitBreaker` talks to whoever shares its state (the fleet node). */
export interface BreakerHooks {
  /**
   * Called when the breaker is 'open', its cooldown has elapsed, and tryAcquire is
   * asked. Return true to become the half-open prober (default when no hook: true —
   * a plain single-node breaker). Called again on each such tryAcquire while it says false.
   */
  claimProbe?(now: number): boolean
  /**
   * Called synchronously on every LOCAL transition (trip, claim half-open, close after
   * probe, re-open after failed probe), after the new state is in place. Not called by
   * apply(). Must not throw: it runs inside tryAcquire/record.
   */
  onTransition?(t: Transition): void
}

/** A plain object describing a breaker, for debugging and `inspect`. */
export interface BreakerSnapshot {
  /** Effective state (the override wins). */
  readonly state: BreakerState
  readonly override: Override
  /** State without the override. */
  readonly underlying: BreakerState
  readonly openCount: number
  readonly cooldownMs: number
  readonly cooldownRemainingMs: number
  /** Half-open with this node holding the probe claim. */
  readonly probing: boolean
  readonly permitsLeft: number
  readonly inFlight: number
  readonly consecutiveFailures: number
  readonly totals: WindowTotals
  readonly window: ResolvedWindowOptions
}

const CLOSED: BreakerStatus = Object.freeze({ value: 'closed' })

/**
 * The local breaker state machine. Pure: no timers, no clock reads; every method
 * takes `now` in monotonic ms.
 *
 * closed → (a trip rule fires) → open → (cooldown elapsed, `claimProbe` true) →
 * half-open with `halfOpenMaxCalls` trial permits → all succeed: closed; any fails:
 * open again with a backed-off cooldown. `apply()` follows a state decided elsewhere.
 * Overrides win: forced-open refuses everything, forced-closed admits everything
 * (outcomes still counted for display, never tripping).
 *
 * `record` has no call token: an outcome reported while half-open is taken as a trial
 * result only while trial calls are in flight; outcomes arriving while open, or
 * half-open with none in flight, are calls admitted earlier and are ignored.
 */
export class CircuitBreaker {
  readonly options: ResolvedBreakerOptions

  private status: BreakerStatus = CLOSED
  private currentOverride: Override = null
  private consecutive = 0
  /** tryAcquire answers true at once: closed without override, or forced-closed. */
  private admitAll = true
  /** record counts and checks the rules at once: closed without override. */
  private tripping = true
  private readonly window: Window
  private readonly rule: TripRule
  private readonly slowMs: number
  /** A slow trial call fails the probe when the slow-call rule is on. */
  private readonly slowFailsProbe: boolean
  private readonly hooks: BreakerHooks

  constructor(options?: BreakerOptions, hooks: BreakerHooks = {}) {
    this.options = resolveBreakerOptions(options)
    this.window = createWindow(this.options.window)
    this.rule = createTripRule(this.options)
    this.slowMs = this.options.slowCallDurationMs
    this.slowFailsProbe = this.options.slowCallRate !== false
    this.hooks = hooks
  }

  /** Effective state: forced-open → 'open', forced-closed → 'closed', else the underlying state. */
  get state(): BreakerState {
    const o = this.currentOverride
    if (o === null) return this.status.value
    return o === 'forced-open' ? 'open' : 'closed'
  }

  get override(): Override {
    return this.currentOverride
  }

  /** Consecutive opens (0 when closed). */
  get openCount(): number {
    return this.status.value === 'closed' ? 0 : this.status.openCount
  }

  /** Current cooldown in ms (0 when closed). */
  get cooldownMs(): number {
    return this.status.value === 'closed' ? 0 : this.status.cooldownMs
  }

  /** May a call go ahead at `now`? Hot path: one comparison when closed. */
  tryAcquire(now: number): boolean {
    if (this.admitAll) return true
    return this.acquireSlow(now)
  }

  /** Outcome of a call that `tryAcquire` admitted. Hot path: O(1), no allocation. */
  record(ok: boolean, durationMs: number, now: number): void {
    if (this.tripping) {
      const window = this.window
      window.record(ok, durationMs >= this.slowMs, now)
      this.consecutive = ok ? 0 : this.consecutive + 1
      const reason = this.rule.check(window.totals(now), this.consecutive)
      if (reason !== null) this.trip(reason, now)
      return
    }
    this.recordSlow(ok, durationMs, now)
  }

  /**
   * Give back the permit of an admitted call whose outcome says nothing about the
   * dependency (an error the caller classified as not a failure, or the caller's own
   * abort): nothing is counted, and while this node probes, the trial permit returns
   * so the next call can be the trial. Closed: nothing to do (one comparison).
   */
  release(): void {
    if (this.admitAll) return
    const s = this.status
    if (this.currentOverride !== null || s.value !== 'half-open' || !s.probing || s.inFlight <= 0) return
    s.inFlight -= 1
    s.permitsLeft += 1
  }

  /**
   * Open a closed breaker now, for a reason decided outside the trip rules (another
   * breaker library's state, in an adapter). Returns false, changing nothing, unless
   * the breaker is closed with no override. Fires `onTransition` like a rule trip.
   */
  tripNow(reason: string, now: number): boolean {
    if (!this.tripping) return false
    this.trip(reason, now)
    return true
  }

  /**
   * Ms left of 'open' before a probe may start; 0 when elapsed or not open. With an
   * override it is 0 too: forced-open has no scheduled end, forced-closed is not open.
   */
  cooldownRemaining(now: number): number {
    const s = this.status
    if (s.value !== 'open' || this.currentOverride !== null) return 0
    const left = s.openedAt + s.cooldownMs - now
    return left > 0 ? left : 0
  }

  /**
   * Follow a state decided elsewhere (the merged fleet record). Fires no hooks.
   * Idempotent: applying the state already held keeps its timers, permits and window
   * (an 'open' with the same openCount and cooldown keeps its `openedAt`). Entering a
   * state, or any change of override, resets the window and the failure run.
   */
  apply(remote: RemoteState, now: number): void {
    const overrideChanged = remote.override !== this.currentOverride
    this.currentOverride = remote.override
    const s = this.status
    let next: BreakerStatus = s
    if (remote.state === 'closed') {
      next = CLOSED
    } else if (remote.state === 'open') {
      const same = s.value === 'open' && s.openCount === remote.openCount && s.cooldownMs === remote.cooldownMs
      if (!same) next = { value: 'open', openedAt: now, cooldownMs: remote.cooldownMs, openCount: remote.openCount }
    } else if (remote.probing) {
      const same = s.value === 'half-open' && s.probing && s.openCount === remote.openCount
      if (!same) next = this.halfOpen(true, remote.openCount, remote.cooldownMs)
    } else {
      const same = s.value === 'half-open' && !s.probing && s.openCount === remote.openCount && s.cooldownMs === remote.cooldownMs
      if (!same) next = this.halfOpen(false, remote.openCount, remote.cooldownMs)
    }
    if (next !== s || overrideChanged) this.resetCounts()
    this.status = next
    this.updateFlags()
  }

  /** Counts in the window as of `now` (a copy). */
  totals(now: number): WindowTotals {
    const t = this.window.totals(now)
    return { calls: t.calls, failures: t.failures, slow: t.slow }
  }

  /** A plain object for debugging and inspect. */
  snapshot(now: number): BreakerSnapshot {
    const s = this.status
    return {
      state: this.state,
      override: this.currentOverride,
      underlying: s.value,
      openCount: this.openCount,
      cooldownMs: this.cooldownMs,
      cooldownRemainingMs: this.cooldownRemaining(now),
      probing: s.value === 'half-open' && s.probing,
      permitsLeft: s.value === 'half-open' ? s.permitsLeft : 0,
      inFlight: s.value === 'half-open' ? s.inFlight : 0,
      consecutiveFailures: this.consecutive,
      totals: this.totals(now),
      window: this.options.window,
    }
  }

  // ---- slow paths ---------------------------------------------------------

  private acquireSlow(now: number): boolean {
    if (this.currentOverride === 'forced-open') return false
    const s = this.status
    if (s.value === 'half-open') {
      if (s.permitsLeft <= 0) return false
      s.permitsLeft -= 1
      s.inFlight += 1
      return true
    }
    if (s.value !== 'open' || now - s.openedAt < s.cooldownMs) return false
    const claim = this.hooks.claimProbe
    if (claim !== undefined && !claim.call(this.hooks, now)) return false
    // The hook may have applied a newer state; then this call is not a trial.
    if (this.status !== s || this.currentOverride !== null) return false
    const next = this.halfOpen(true, s.openCount, s.cooldownMs)
    next.permitsLeft -= 1
    next.inFlight += 1
    const permits = this.options.halfOpenMaxCalls
    this.transition(next, `cooldown of ${s.cooldownMs} ms elapsed; probing with ${plural(permits, 'trial call')}`, now)
    return true
  }

  private recordSlow(ok: boolean, durationMs: number, now: number): void {
    const slow = durationMs >= this.slowMs
    if (this.currentOverride === 'forced-closed') {
      // Counted for display; an operator holds the breaker closed, so nothing trips.
      this.window.record(ok, slow, now)
      this.consecutive = ok ? 0 : this.consecutive + 1
      return
    }
    if (this.currentOverride !== null) return
    const s = this.status
    if (s.value !== 'half-open' || !s.probing || s.inFlight <= 0) return
    s.inFlight -= 1
    if (!ok || (slow && this.slowFailsProbe)) {
      const openCount = s.openCount + 1
      const what = ok ? `trial call slow (>= ${this.slowMs} ms)` : 'trial call failed'
      this.transition(this.open(openCount, now), `${what}; open #${openCount}`, now)
      return
    }
    s.succeeded += 1
    if (s.succeeded >= this.options.halfOpenMaxCalls) {
      this.transition(CLOSED, `${plural(s.succeeded, 'trial call')} succeeded`, now)
    }
  }

  private trip(reason: string, now: number): void {
    const t = this.window.totals(now)
    this.transition(this.open(1, now), reason, now, { calls: t.calls, failures: t.failures, slow: t.slow })
  }

  private open(openCount: number, now: number): OpenStatus {
    return { value: 'open', openedAt: now, cooldownMs: cooldownFor(openCount, this.options), openCount }
  }

  private halfOpen(probing: boolean, openCount: number, cooldownMs: number): HalfOpenStatus {
    return {
      value: 'half-open',
      probing,
      permitsLeft: probing ? this.options.halfOpenMaxCalls : 0,
      inFlight: 0,
      succeeded: 0,
      openCount,
      cooldownMs,
    }
  }

  private transition(next: BreakerStatus, reason: string, now: number, evidence: WindowTotals | null = null): void {
    const from = this.status.value
    this.resetCounts()
    this.status = next
    this.updateFlags()
    const hook = this.hooks.onTransition
    if (hook === undefined) return
    hook.call(this.hooks, {
      from,
      to: next.value,
      reason,
      openCount: this.openCount,
      cooldownMs: this.cooldownMs,
      at: now,
      evidence,
    })
  }

  private resetCounts(): void {
    this.window.reset()
    this.consecutive = 0
  }

  private updateFlags(): void {
    const o = this.currentOverride
    const closed = this.status.value === 'closed'
    this.admitAll = o === 'forced-closed' || (o === null && closed)
    this.tripping = o === null && closed
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
