import { MAX_NAME_LENGTH } from './BreakerRecord.js'
import { InvalidBreakerNameError } from './InvalidBreakerNameError.js'

/** Throw `InvalidBreakerNameError` unless `name` is a string of 1..`MAX_NAME_LENGTH` characters. */
export function assertBreakerName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new InvalidBreakerNameError(name)
  }
}
