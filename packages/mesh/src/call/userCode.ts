/**
 * Calling the application's own functions (classifiers, fallbacks) from the
 * call path, so that what they throw never escapes the breaker's bookkeeping.
 */
import type { Fallback, FallbackContext } from './callOptions.js'

/** A user classifier's verdict; one that throws gives `onThrow`. */
export function judge<V>(classify: (value: V) => boolean, value: V, onThrow: boolean): boolean {
  try {
    return classify(value)
  } catch {
    return onThrow
  }
}

export function callFallback(fallback: Fallback<unknown>, error: unknown, context: FallbackContext): Promise<unknown> {
  try {
    return Promise.resolve(fallback(error, context))
  } catch (fallbackError) {
    return Promise.reject(fallbackError)
  }
}
