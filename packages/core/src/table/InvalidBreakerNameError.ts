import { MAX_NAME_LENGTH } from './BreakerRecord.js'

/**
 * A breaker name that is not a string of 1..128 UTF-16 code units
 * (`MAX_NAME_LENGTH`). Thrown on local writes and by the API that creates
 * breakers; pick a shorter key such as the dependency's host name.
 */
export class InvalidBreakerNameError extends Error {
  readonly code = 'ERR_INVALID_BREAKER_NAME'
  override readonly name = 'InvalidBreakerNameError'
  /** The rejected name (the value given, whatever its type). */
  readonly breaker: unknown

  constructor(breaker: unknown) {
    super(`invalid breaker name ${describe(breaker)}: use a string of 1..${MAX_NAME_LENGTH} characters`)
    this.breaker = breaker
  }
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `(${value === null ? 'null' : typeof value})`
  if (value.length === 0) return '(empty)'
  return `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} (${value.length} characters)`
}
