import { AnyTripRule } from './AnyTripRule.js'
import type { ResolvedBreakerOptions } from './BreakerOptions.js'
import { ConsecutiveFailuresRule } from './ConsecutiveFailuresRule.js'
import { FailureRateRule } from './FailureRateRule.js'
import { SlowCallRateRule } from './SlowCallRateRule.js'
import type { TripRule } from './TripRule.js'

/**
 * The trip rule the options ask for: every enabled policy, combined with "any
 * trips" (checked in the order consecutive failures, failure rate, slow-call rate).
 * A single enabled policy is returned as is, to keep the hot path one call deep.
 */
export function createTripRule(options: ResolvedBreakerOptions): TripRule {
  const rules: TripRule[] = []
  if (options.consecutiveFailures !== false) rules.push(new ConsecutiveFailuresRule(options.consecutiveFailures))
  if (options.failureRate !== false) rules.push(new FailureRateRule(options.failureRate, options.minimumCalls))
  if (options.slowCallRate !== false) {
    rules.push(new SlowCallRateRule(options.slowCallRate, options.minimumCalls, options.slowCallDurationMs))
  }
  return rules.length === 1 ? rules[0]! : new AnyTripRule(rules)
}
