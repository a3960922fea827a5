import type { BreakerState, Override } from '../types.js'

/** What a `BreakerOpenError` reports. */
export interface BreakerOpenErrorInit {
  /** Breaker key, e.g. "payments-api". */
  readonly breaker: string
  /** Effective state that refused the call: 'open', or 'half-open' while a probe is under way. */
  readonly state: BreakerState
  /** Ms until this node may try again (end of the cooldown), when known. */
  readonly retryAfterMs?: number
  /** The operator override, when one is the cause. */
  readonly override?: Override
  /** Why the breaker opened, e.g. "failure rate 63% over 41 calls on n3". */
  readonly reason?: string
  /** A message to use as is (a caller that rejects often may reuse one); default: built from the rest. */
  readonly message?: string
}

/**
 * A call was refused without reaching the dependency because its breaker is open
 * (or half-open with the trial calls already taken). Code `ERR_BREAKER_OPEN`.
 */
export class BreakerOpenError extends Error {
  readonly code = 'ERR_BREAKER_OPEN' as const
  readonly breaker: string
  readonly state: BreakerState
  readonly retryAfterMs: number | undefined
  readonly override: Override
  readonly reason: string | undefined

  constructor(init: BreakerOpenErrorInit) {
    super(init.message ?? describeRefusal(init))
    this.name = 'BreakerOpenError'
    this.breaker = init.breaker
    this.state = init.state
    this.retryAfterMs = init.retryAfterMs
    this.override = init.override ?? null
    this.reason = init.reason
  }

  /**
   * The error a refused call rejects with, built without capturing a stack
   * trace: a rejection is the hot path of an open breaker (every call fails
   * fast), and V8's stack capture would cost more than the rest of it together.
   * The breaker name, state and reason say where it came from.
   */
  static withoutStack(init: BreakerOpenErrorInit): BreakerOpenError {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    try {
      return new this(init)
    } finally {
      Error.stackTraceLimit = limit
    }
  }

  /** The default message for `init`. */
  static describe(init: BreakerOpenErrorInit): string {
    return describeRefusal(init)
  }
}

// Outside the class: a class body that names its own class is bundled as
// `class _BreakerOpenError`, and the constructor's name would show that.
function describeRefusal(init: BreakerOpenErrorInit): string {
  const name = JSON.stringify(init.breaker)
  const why = init.reason ? ` (${init.reason})` : ''
  if (init.override === 'forced-open') {
    return `breaker ${name} is forced open by an operator${why}; calls fail fast until someone runs \`breaker-mesh reset ${init.breaker}\`. Serve a fallback meanwhile.`
  }
  const what =
    init.state === 'half-open'
      ? `breaker ${name} is half-open and its trial calls are taken${why}; calls fail fast until the probe closes it`
      : `breaker ${name} is open${why}; calls fail fast without reaching the dependency`
  const when =
    init.retryAfterMs !== undefined && init.retryAfterMs > 0
      ? `. Retry after ${Math.ceil(init.retryAfterMs)} ms or serve a fallback.`
      : '. Retry later or serve a fallback.'
  return what + when
}
