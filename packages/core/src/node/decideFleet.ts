import type { ResolvedBreakerOptions } from '../breaker/BreakerOptions.js'
import { createTripRule } from '../breaker/createTripRule.js'
import type { TripRule } from '../breaker/TripRule.js'
import type { Verdict } from '../types.js'

/** One fresh opinion as a decision reads it (this node's own included). */
export interface OpinionCounts {
  readonly verdict: Verdict
  readonly calls: number
  readonly failures: number
  readonly slow: number
}

/**
 * What the fleet's fresh opinions say about one breaker, under its
 * `decision` (the view's `fleet`, plus whether the fleet should open).
 */
export interface FleetVerdict {
  /** Counted opinions that are failing. */
  readonly failing: number
  /**
   * Counted opinions: fresh ones from live members (this node's included)
   * that the policy reads. `quorum`: those whose window holds at least
   * `minimumCalls`; `aggregate` and `any`: those with calls in their window
   * or a failing verdict.
   */
  readonly fresh: number
  /**
   * `quorum`: failing opinions needed to open (a majority of `fresh`, or
   * `ceil(quorum × fresh)`); `aggregate`: reporters needed before the
   * fleet-wide window decides (`minReporting`); `any`: 1.
   */
  readonly needed: number
  /** Fewer counted opinions than `minReporting` (`quorum`, `aggregate`): each node decides for itself. */
  readonly degraded: boolean
  /** The policy opens the fleet now (never for `any`, whose trips open it directly). */
  readonly opens: boolean
  /** Why, when it opens: "3 of 5 members failing", "fleet-wide failure rate 60% over 200 calls from 20 members". */
  readonly reason: string | null
}

/**
 * Apply a breaker's `decision` to the fresh opinions of the fleet. Pure.
 * `aggregateRule` is the breaker's rate rules without its per-node
 * `consecutiveFailures` (see `aggregateTripRule`), used for `aggregate` only.
 */
export function decideFleet(options: ResolvedBreakerOptions, opinions: readonly OpinionCounts[], aggregateRule: TripRule | null): FleetVerdict {
  if (options.decision === 'quorum') {
    let n = 0
    let failing = 0
    for (const o of opinions) {
      if (o.calls < options.minimumCalls) continue
      n++
      if (o.verdict === 'failing') failing++
    }
    const needed = options.quorum === null ? Math.floor(n / 2) + 1 : Math.max(1, Math.ceil(options.quorum * n - 1e-9))
    const degraded = n < options.minReporting
    const opens = !degraded && failing >= needed
    return { failing, fresh: n, needed, degraded, opens, reason: opens ? `${failing} of ${n} members failing` : null }
  }
  let n = 0
  let failing = 0
  let calls = 0
  let failures = 0
  let slow = 0
  for (const o of opinions) {
    if (o.calls === 0 && o.verdict !== 'failing') continue
    n++
    if (o.verdict === 'failing') failing++
    calls += o.calls
    failures += o.failures
    slow += o.slow
  }
  if (options.decision === 'any') return { failing, fresh: n, needed: 1, degraded: false, opens: false, reason: null }
  const degraded = n < options.minReporting
  const why = degraded || aggregateRule === null ? null : aggregateRule.check({ calls, failures, slow }, 0)
  return {
    failing,
    fresh: n,
    needed: options.minReporting,
    degraded,
    opens: why !== null,
    reason: why === null ? null : `fleet-wide ${why} from ${n} members`,
  }
}

/** The rate rules of `options` without `consecutiveFailures` (a per-node rule): what `aggregate` applies to the fleet-wide window. */
export function aggregateTripRule(options: ResolvedBreakerOptions): TripRule {
  return createTripRule({ ...options, consecutiveFailures: false })
}
