/** A wait reached its deadline. */
export class WaitTimeoutError extends Error {
  readonly code: 'ERR_WAIT_TIMEOUT'
  constructor(what: string, timeoutMs: number, last?: string)
}

/** The wait's abort signal fired. */
export class WaitAbortedError extends Error {
  readonly code: 'ERR_WAIT_ABORTED'
  constructor(what: string)
}

/** What `check` returns while the condition does not hold yet. */
export type NotYet = undefined | null | false

export interface PollOptions {
  /** Give up after this long, ms (required). */
  timeoutMs: number
  /** Pause between two looks, ms. Default 50. */
  intervalMs?: number
  /** What is awaited, for the timeout error. Default 'a condition'. */
  what?: string
  /** An account of the last look, for the timeout error. */
  describe?: () => string | undefined
  /** Aborting it ends the wait with WaitAbortedError. */
  signal?: AbortSignal
}

/**
 * Call `check` every `intervalMs` until it returns something other than
 * `undefined`, `null` or `false`; resolve with that value. Rejects with
 * WaitTimeoutError at the deadline, WaitAbortedError on abort; errors thrown by
 * `check` propagate.
 */
export function pollUntil<T>(check: () => T | Promise<T>, options: PollOptions): Promise<Exclude<T, NotYet>>

/**
 * Call `look` every `intervalMs` for `durationMs` (at least once); resolves with
 * the sum of what it returned (the observations made).
 */
export function observeFor(
  durationMs: number,
  look: () => number | Promise<number>,
  options?: { intervalMs?: number; signal?: AbortSignal },
): Promise<number>

/** Reject with WaitTimeoutError if `promise` has not settled within `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T>

/** Resolve after `ms`, or as soon as `signal` aborts. For pacing, never as a wait for a condition. */
export function pause(ms: number, signal?: AbortSignal): Promise<void>
