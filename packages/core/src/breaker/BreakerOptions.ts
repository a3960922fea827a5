import { integerAtLeast, integerIn, invalid, numberAtLeast, numberOver, oneOf } from '../util/validate.js'
import type { Decision } from '../types.js'

/**
 * The sliding window a breaker counts outcomes over.
 *
 * - `time`: the calls of the last `ms` milliseconds, kept as `buckets` buckets of
 *   `ms / buckets` ms each. A call counts for at least `ms − ms/buckets` and less
 *   than `ms` (the oldest bucket expires whole). More buckets: a sharper edge, a
 *   little more memory (3 numbers per bucket) and a longer catch-up after idling.
 * - `count`: the last `size` calls, kept as `buckets` buckets of about
 *   `size / buckets` calls each. The window covers between `size − ⌈size/buckets⌉`
 *   and `size` calls (the oldest bucket is dropped whole). `buckets = size` is exact.
 */
export type WindowOptions =
  | { readonly kind: 'time'; readonly ms: number; readonly buckets?: number }
  | { readonly kind: 'count'; readonly size: number; readonly buckets?: number }

export type ResolvedWindowOptions =
  | { readonly kind: 'time'; readonly ms: number; readonly buckets: number }
  | { readonly kind: 'count'; readonly size: number; readonly buckets: number }

/** Settings of one breaker. Every field is optional; see `defaultBreakerOptions`. */
export interface BreakerOptions {
  /**
   * Trip when at least this percentage of the calls in the window failed, in (0, 100];
   * `false` disables the rule. Default 50. Lower: opens sooner on a sick dependency but
   * also on noise; higher: tolerates more errors before protecting it.
   */
  readonly failureRate?: number | false
  /**
   * Trip when at least this percentage of the calls in the window were slow, in (0, 100];
   * `false` (default) disables the rule. Catches a dependency that answers, but too late.
   */
  readonly slowCallRate?: number | false
  /**
   * A call that took at least this many milliseconds is slow (counted whether it
   * succeeded or not). Default 5000. Lower it toward your latency budget; too low and
   * ordinary tail latency trips the breaker.
   */
  readonly slowCallDurationMs?: number
  /**
   * Trip after this many failures in a row, whatever the window says (integer ≥ 1);
   * `false` (default) disables the rule. Reacts in a few calls on low traffic, where a
   * rate rule never reaches `minimumCalls`; small values trip on brief blips.
   */
  readonly consecutiveFailures?: number | false
  /** The sliding window. Default `{ kind: 'time', ms: 10000, buckets: 10 }`. */
  readonly window?: WindowOptions
  /**
   * Rate rules do not trip with fewer calls than this in the window (integer ≥ 1).
   * Default 20 (clamped to `window.size` for a smaller count window). Lower: trips on
   * less evidence; higher: slower to react on light traffic.
   */
  readonly minimumCalls?: number
  /**
   * How long the first open lasts before a probe may start, in ms (> 0). Default 5000.
   * Shorter: faster recovery, but more probes at a dependency that is still down.
   */
  readonly cooldownMs?: number
  /**
   * Cap of the backed-off cooldown, in ms (≥ cooldownMs). Default 60000 (or `cooldownMs`
   * when that is larger). Higher: less probing of a long outage, slower recovery after it.
   */
  readonly maxCooldownMs?: number
  /**
   * Each consecutive open multiplies the cooldown by this factor (≥ 1). Default 2.
   * 1 disables backoff; larger values spare a long-down dependency but recover later.
   */
  readonly backoffMultiplier?: number
  /**
   * Trial calls the prober may send while half-open (integer ≥ 1); all must succeed to
   * close, any failure re-opens. Default 1. More: more confidence before closing the
   * fleet-wide breaker, more load on a dependency that may still be fragile.
   */
  readonly halfOpenMaxCalls?: number
  /**
   * How the fleet decides to open this breaker. Default `'any'`.
   * - `'any'`: the first node whose own trip rules fire opens it for the whole
   *   fleet (fastest; one sick instance can open a healthy dependency for all).
   * - `'quorum'`: it opens when at least `quorum` of the fresh, counted opinions
   *   are failing (an opinion counts when its window holds `minimumCalls`),
   *   with at least `minReporting` of them. A node whose own rules trip while
   *   the fleet stays closed is isolated: it fails fast on its own.
   * - `'aggregate'`: it opens when the trip rules hold over the sum of the fresh
   *   windows of the fleet (`minimumCalls` applies to the sum): for many
   *   instances that each see little traffic.
   * With fewer than `minReporting` fresh reporters, `quorum` and `aggregate`
   * are degraded: each node decides for itself and never for the fleet.
   * Each node of `quorum` and `aggregate` publishes its opinion of the
   * breaker (about 40 bytes, at most once per `opinionIntervalMs`); `any`
   * publishes none. Configure a breaker the same on every node.
   */
  readonly decision?: Decision
  /**
   * `quorum` only: the share of counted opinions that must be failing, in
   * (0, 1]; the fleet opens at `ceil(quorum × n)` of n. Default: a majority
   * (more than half: `floor(n / 2) + 1`). Lower opens sooner on fewer
   * failing nodes; 1 needs every counted node to fail.
   */
  readonly quorum?: number
  /**
   * `quorum` and `aggregate`: fewest fresh reporters (this node included) for
   * the fleet to decide, integer ≥ 1. Default 3. Below it the decision is
   * degraded: each node decides for itself, so a minority never decides for
   * the majority. Lower lets small fleets open together; 1 lets one node
   * alone open the fleet again.
   */
  readonly minReporting?: number
}

/** `BreakerOptions` with every default filled in and every value validated. */
export interface ResolvedBreakerOptions {
  readonly failureRate: number | false
  readonly slowCallRate: number | false
  readonly slowCallDurationMs: number
  readonly consecutiveFailures: number | false
  readonly window: ResolvedWindowOptions
  readonly minimumCalls: number
  readonly cooldownMs: number
  readonly maxCooldownMs: number
  readonly backoffMultiplier: number
  readonly halfOpenMaxCalls: number
  readonly decision: Decision
  /** The quorum fraction, or null for a majority. */
  readonly quorum: number | null
  readonly minReporting: number
}

/** The defaults: failure rate 50 % over a 10 s window with at least 20 calls, 5 s cooldown doubling up to 60 s. */
export const defaultBreakerOptions: ResolvedBreakerOptions = Object.freeze({
  failureRate: 50,
  slowCallRate: false,
  slowCallDurationMs: 5000,
  consecutiveFailures: false,
  window: Object.freeze({ kind: 'time', ms: 10_000, buckets: 10 }),
  minimumCalls: 20,
  cooldownMs: 5000,
  maxCooldownMs: 60_000,
  backoffMultiplier: 2,
  halfOpenMaxCalls: 1,
  decision: 'any',
  quorum: null,
  minReporting: 3,
} as const)

/** Most buckets a window may have: bounds the memory of one breaker. */
const MAX_BUCKETS = 10_000

function percentOrFalse(field: string, value: unknown, fallback: number | false): number | false {
  if (value === undefined) return fallback
  if (value === false) return false
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 100) throw invalid(field, 'a number in (0, 100] or false', value)
  return value
}

function resolveWindow(value: unknown): ResolvedWindowOptions {
  if (value === undefined) return defaultBreakerOptions.window
  if (typeof value !== 'object' || value === null) throw invalid('window', "an object { kind: 'time' | 'count', ... }", value)
  const w = value as Record<string, unknown>
  const kind = oneOf('window.kind', w.kind, ['time', 'count'])
  if (kind === 'time') {
    const ms = numberOver('window.ms', w.ms, 0)
    const buckets = integerIn('window.buckets', w.buckets, 1, MAX_BUCKETS, 10)
    return Object.freeze({ kind: 'time', ms, buckets })
  }
  const size = integerAtLeast('window.size', w.size, 1)
  const buckets = integerIn('window.buckets', w.buckets, 1, Math.min(size, MAX_BUCKETS), Math.min(10, size))
  return Object.freeze({ kind: 'count', size, buckets })
}

/**
 * Fill in defaults and validate. Throws a `RangeError` naming the field and the
 * value, e.g. `failureRate must be a number in (0, 100] or false, got 150`.
 * Unknown fields are ignored (callers may pass a wider options object).
 */
export function resolveBreakerOptions(partial: BreakerOptions = {}): ResolvedBreakerOptions {
  if (typeof partial !== 'object' || partial === null) throw invalid('options', 'an object', partial)
  const p = partial as Record<string, unknown>
  const d = defaultBreakerOptions

  const window = resolveWindow(p.window)
  let minimumCalls = integerAtLeast('minimumCalls', p.minimumCalls, 1, d.minimumCalls)
  if (window.kind === 'count' && minimumCalls > window.size) {
    // A count window never holds more than `size` calls: an explicit larger minimum
    // would silently disable the rate rules, the default is clamped instead.
    if (p.minimumCalls !== undefined) {
      throw invalid('minimumCalls', `an integer ≤ window.size (${window.size}) for a count window`, p.minimumCalls)
    }
    minimumCalls = window.size
  }

  const cooldownMs = numberOver('cooldownMs', p.cooldownMs, 0, Infinity, d.cooldownMs)
  const maxCooldownMs = numberOver('maxCooldownMs', p.maxCooldownMs, 0, Infinity, Math.max(d.maxCooldownMs, cooldownMs))
  if (maxCooldownMs < cooldownMs) throw invalid('maxCooldownMs', `a number ≥ cooldownMs (${cooldownMs})`, maxCooldownMs)
  const backoffMultiplier = numberAtLeast('backoffMultiplier', p.backoffMultiplier, 1, d.backoffMultiplier)

  let consecutiveFailures = d.consecutiveFailures
  if (p.consecutiveFailures !== undefined) {
    const v = p.consecutiveFailures
    if (v !== false && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1)) throw invalid('consecutiveFailures', 'an integer ≥ 1 or false', v)
    consecutiveFailures = v
  }

  return Object.freeze({
    failureRate: percentOrFalse('failureRate', p.failureRate, d.failureRate),
    slowCallRate: percentOrFalse('slowCallRate', p.slowCallRate, d.slowCallRate),
    slowCallDurationMs: numberOver('slowCallDurationMs', p.slowCallDurationMs, 0, Infinity, d.slowCallDurationMs),
    consecutiveFailures,
    window,
    minimumCalls,
    cooldownMs,
    maxCooldownMs,
    backoffMultiplier,
    halfOpenMaxCalls: integerAtLeast('halfOpenMaxCalls', p.halfOpenMaxCalls, 1, d.halfOpenMaxCalls),
    decision: oneOf('decision', p.decision, ['any', 'quorum', 'aggregate'], d.decision),
    quorum: p.quorum === undefined ? d.quorum : numberOver('quorum', p.quorum, 0, 1),
    minReporting: integerAtLeast('minReporting', p.minReporting, 1, d.minReporting),
  })
}
