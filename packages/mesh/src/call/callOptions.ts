/**
 * How a breaker wraps a call, beside the trip rules of `BreakerOptions`:
 * failure classification, timeout, fallback. All of it runs in the calling
 * process; none of it is shared with the fleet (each node passes its own
 * options to `mesh.breaker()`).
 */
import type { BreakerOptions } from '@breaker-mesh/core'
import { booleanOption, functionOption } from '@breaker-mesh/core'

/** What `fn` receives. */
export interface CallContext {
  /**
   * Aborts when the call times out (reason: the `BreakerTimeoutError`) or when the
   * caller's own signal aborts (reason: the caller's). Hand it to `fetch` or any
   * API that takes an `AbortSignal`. Without a timeout and a caller signal it never aborts.
   */
  readonly signal: AbortSignal
}

/** Why a fallback runs. */
export type FallbackCause = 'rejected' | 'failure' | 'timeout'

/** What a fallback receives beside the error. */
export interface FallbackContext {
  /** Breaker name. */
  readonly breaker: string
  /** 'rejected': the breaker refused the call; 'failure': a counted failure; 'timeout': the call timed out. */
  readonly cause: FallbackCause
  /** For a resolved value that `isResultFailure` called a failure: that value (the error is then `undefined`). */
  readonly result?: unknown
}

/** Produces the answer for a refused (or, with `fallbackOnFailure`, a failed) call. Its errors propagate. */
export type Fallback<F> = (error: unknown, context: FallbackContext) => F | PromiseLike<F>

/** The call-wrapping options of a breaker. Every field is optional. */
export interface CallPolicyOptions<F = never> {
  /**
   * Classify a thrown or rejected error: return `false` to let it through
   * uncounted (a 404, a validation error — the dependency is fine). Default:
   * every error is a failure. A classifier that throws counts the call as a failure.
   */
  readonly isFailure?: (error: unknown) => boolean
  /**
   * Classify a resolved value: return `true` to count it as a failure (the value
   * is still returned). Default: every resolved value is a success.
   */
  readonly isResultFailure?: (result: unknown) => boolean
  /**
   * For `breaker.fetch()`: which HTTP statuses count as failures. Default
   * `status >= 500 || status === 429`; a 404 is a success of the dependency.
   */
  readonly isFailureStatus?: (status: number) => boolean
  /**
   * Time limit of each call, ms (> 0), or `false` (default): none. A call that
   * takes longer has its signal aborted, counts as a failure (also as a trial
   * call of a half-open probe, so a hung probe frees the fleet's claim) and
   * rejects with `BreakerTimeoutError`. Costs one timer per call.
   */
  readonly timeoutMs?: number | false
  /** Answer for refused calls (and failed ones with `fallbackOnFailure`) instead of rejecting. */
  readonly fallback?: Fallback<F>
  /** Also serve `fallback` for counted failures and timeouts [false]. Never for uncounted errors or the caller's abort. */
  readonly fallbackOnFailure?: boolean
}

/** Everything `mesh.breaker(name, options)` takes: trip rules plus call policy. */
export interface MeshBreakerOptions<F = never> extends BreakerOptions, CallPolicyOptions<F> {}

/** Per-call options of `execute(fn, options)`; each overrides the breaker's own. */
export interface ExecuteOptions<F = never> {
  /** The caller's signal: it reaches `fn`; an abort is not counted as a failure of the dependency. */
  readonly signal?: AbortSignal | undefined
  /** Time limit of this call, ms (> 0), or `false` for none; default the breaker's `timeoutMs`. */
  readonly timeoutMs?: number | false
  /** Fallback for this call; default the breaker's. */
  readonly fallback?: Fallback<F>
  /** Serve the fallback on a counted failure too; default the breaker's `fallbackOnFailure`. */
  readonly fallbackOnFailure?: boolean
  /** Classifier for this call's errors; default the breaker's `isFailure`. */
  readonly isFailure?: (error: unknown) => boolean
  /** Classifier for this call's value; default the breaker's `isResultFailure`. */
  readonly isResultFailure?: (result: unknown) => boolean
}

/** The call policy with defaults applied (`undefined` classifiers mean "the default"). */
export interface ResolvedCallPolicy {
  readonly isFailure: ((error: unknown) => boolean) | undefined
  readonly isResultFailure: ((result: unknown) => boolean) | undefined
  readonly isFailureStatus: (status: number) => boolean
  /** 0: no timeout. */
  readonly timeoutMs: number
  readonly fallback: Fallback<unknown> | undefined
  readonly fallbackOnFailure: boolean
}

/** 5xx and 429 (Too Many Requests): the dependency is failing or shedding load. */
export const defaultIsFailureStatus = (status: number): boolean => status >= 500 || status === 429

/** Largest timeout a timer can hold (setTimeout clamps anything larger to 1 ms). */
export const MAX_TIMEOUT_MS = 2_147_483_647

/** A timeout option as ms (0 = none); `undefined` gives `fallback`. */
export function resolveTimeout(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback
  if (value === false) return 0
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
    throw new RangeError(`${field} must be a number of ms in (0, ${MAX_TIMEOUT_MS}] or false, got ${String(value)}`)
  }
  return value
}

/** Validate the call policy of `options` (other fields are left to the trip-rule validation). */
export function resolveCallPolicy(options: object | undefined): ResolvedCallPolicy {
  const o = (options ?? {}) as Record<string, unknown>
  return Object.freeze({
    isFailure: functionOption<(error: unknown) => boolean>('isFailure', o.isFailure),
    isResultFailure: functionOption<(result: unknown) => boolean>('isResultFailure', o.isResultFailure),
    isFailureStatus: functionOption<(status: number) => boolean>('isFailureStatus', o.isFailureStatus) ?? defaultIsFailureStatus,
    timeoutMs: resolveTimeout('timeoutMs', o.timeoutMs, 0),
    fallback: functionOption<Fallback<unknown>>('fallback', o.fallback),
    fallbackOnFailure: booleanOption('fallbackOnFailure', o.fallbackOnFailure, false),
  })
}

/** The policy of one call: the breaker's, overridden by `options`. */
export function resolveExecuteOptions(base: ResolvedCallPolicy, options: ExecuteOptions<unknown>): ResolvedCallPolicy {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`execute options must be an object or an AbortSignal, got ${String(options)}`)
  }
  const signal: unknown = options.signal
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`signal must be an AbortSignal, got ${typeof signal}`)
  }
  return {
    isFailure: functionOption<(error: unknown) => boolean>('isFailure', options.isFailure) ?? base.isFailure,
    isResultFailure: functionOption<(result: unknown) => boolean>('isResultFailure', options.isResultFailure) ?? base.isResultFailure,
    isFailureStatus: base.isFailureStatus,
    timeoutMs: resolveTimeout('timeoutMs', options.timeoutMs, base.timeoutMs),
    fallback: functionOption<Fallback<unknown>>('fallback', options.fallback) ?? base.fallback,
    fallbackOnFailure: booleanOption('fallbackOnFailure', options.fallbackOnFailure, base.fallbackOnFailure),
  }
}
