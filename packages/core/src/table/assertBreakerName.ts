import { MAX_NAME_LENGTH } from './BreakerRecord.js'
import { InvalidBreakerNameError } from './InvalidBreakerNameError.js'

/**
 * The characters a breaker name may use: ASCII letters, digits and `. _ - : / @`.
 * Printable and unambiguous everywhere a name appears (terminal, `/metrics`
 * labels, URLs, JSON), with no control characters, escapes, spaces, quotes or
 * bidirectional overrides. Enough for host names, `host:port`, paths and
 * `service@region` style keys.
 */
export const BREAKER_NAME_PATTERN = /^[A-Za-z0-9._\-:/@]{1,128}$/

/**
 * Whether `name` is a valid breaker name: 1..`MAX_NAME_LENGTH` (128)
 * characters of `BREAKER_NAME_PATTERN`. The same rule holds at the API
 * (`InvalidBreakerNameError`) and on the wire (a message naming another breaker
 * is dropped as `bad-name`).
 */
export function isBreakerName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_NAME_LENGTH && BREAKER_NAME_PATTERN.test(name)
}

/** Throw `InvalidBreakerNameError` unless `isBreakerName(name)`. */
export function assertBreakerName(name: unknown): asserts name is string {
  if (!isBreakerName(name)) throw new InvalidBreakerNameError(name)
}
