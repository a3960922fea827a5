/** What a `BreakerTimeoutError` reports. */
export interface BreakerTimeoutErrorInit {
  /** Breaker key, e.g. "payments-api". */
  readonly breaker: string
  /** The timeout that expired, ms. */
  readonly timeoutMs: number
}

/**
 * A call through a breaker took longer than its timeout: the call's signal was
 * aborted with this error, the breaker counted a failure, and the caller's
 * promise rejected with it. Code `ERR_BREAKER_TIMEOUT`.
 */
export class BreakerTimeoutError extends Error {
  readonly code = 'ERR_BREAKER_TIMEOUT' as const
  readonly breaker: string
  readonly timeoutMs: number

  constructor(init: BreakerTimeoutErrorInit) {
    super(
      `call through breaker ${JSON.stringify(init.breaker)} timed out after ${init.timeoutMs} ms; ` +
        'it was aborted and counted as a failure. Raise timeoutMs if the dependency is slow but healthy.',
    )
    this.name = 'BreakerTimeoutError'
    this.breaker = init.breaker
    this.timeoutMs = init.timeoutMs
  }
}
