import { MAX_NAME_LENGTH } from './BreakerRecord.js'

/**
 * A breaker name that is not 1..128 (`MAX_NAME_LENGTH`) characters of ASCII
 * letters, digits and `. _ - : / @` (`BREAKER_NAME_PATTERN`). Thrown on local
 * writes and by the API that creates breakers; pick a key such as the
 * dependency's host name (`payments-api`, `db.internal:5432`, `s3/eu-west-1`).
 */
export class InvalidBreakerNameError extends Error {
  readonly code = 'ERR_INVALID_BREAKER_NAME'
  override readonly name = 'InvalidBreakerNameError'
  /** The rejected name (the value given, whatever its type). */
  readonly breaker: unknown

  constructor(breaker: unknown) {
    super(
      `invalid breaker name ${describe(breaker)}: use 1..${MAX_NAME_LENGTH} characters of letters, digits and . _ - : / @`,
    )
    this.breaker = breaker
  }
}

/** The name for the message, with anything outside printable ASCII escaped so it can never reach a terminal raw. */
function describe(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : typeof value})`
  if (value.length === 0) return '(empty)'
  const escaped = JSON.stringify(value.slice(0, 40)).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `${escaped}${value.length > 40 ? '…' : ''} (${value.length} characters)`
}
