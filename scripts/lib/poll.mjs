// Every wait in the tests, the bench and the demo has a deadline. One way to wait
// for a condition (pollUntil), one way to watch an invariant over a window
// (observeFor), one deadline on a single promise (withTimeout), and pause() for
// pacing and measurement windows (never as a wait for a condition).

/** A wait reached its deadline. `last` is what the caller's `describe()` said of the last look. */
export class WaitTimeoutError extends Error {
  constructor(what, timeoutMs, last) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined || last === '' ? '' : ` (last look: ${last})`}`)
    this.name = 'WaitTimeoutError'
    this.code = 'ERR_WAIT_TIMEOUT'
  }
}

/** The wait's abort signal fired (e.g. a bench suite's budget ran out): it gives up at once. */
export class WaitAbortedError extends Error {
  constructor(what) {
    super(`stopped while waiting for ${what}`)
    this.name = 'WaitAbortedError'
    this.code = 'ERR_WAIT_ABORTED'
  }
}

function duration(field, value) {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${field} must be a finite number of ms >= 0, got ${JSON.stringify(value)}`)
  }
  return value
}

/** Resolve after `ms`, or as soon as `signal` aborts (never rejects). */
export function pause(ms, signal) {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * Call `check()` (sync or async) every `intervalMs` until it returns a value
 * other than `undefined`, `null` or `false`, and resolve with that value.
 * At `timeoutMs` reject with WaitTimeoutError naming `what` and, if given,
 * `describe()`'s account of the last look. An aborted `signal` rejects with
 * WaitAbortedError. An error thrown by `check` propagates at once.
 * Time taken, if wanted, is the caller's to measure.
 */
export async function pollUntil(check, { timeoutMs, intervalMs = 50, what = 'a condition', describe, signal } = {}) {
  duration('timeoutMs', timeoutMs)
  duration('intervalMs', intervalMs)
  const deadline = performance.now() + timeoutMs
  for (;;) {
    if (signal?.aborted) throw new WaitAbortedError(what)
    const value = await check()
    if (value !== undefined && value !== null && value !== false) return value
    if (performance.now() >= deadline) throw new WaitTimeoutError(what, timeoutMs, describe?.())
    await pause(Math.min(intervalMs, Math.max(0, deadline - performance.now())), signal)
  }
}

/**
 * Look at the system every `intervalMs` for `durationMs` (a poll, not a sleep:
 * each look asserts, so a violation fails at once). `look` returns how many
 * observations it made (e.g. views that answered); the total is returned so a
 * caller can insist the window was not empty.
 */
export async function observeFor(durationMs, look, { intervalMs = 200, signal } = {}) {
  duration('durationMs', durationMs)
  duration('intervalMs', intervalMs)
  const until = performance.now() + durationMs
  let observations = 0
  do {
    if (signal?.aborted) throw new WaitAbortedError(`the end of a ${durationMs} ms observation`)
    observations += await look()
    await pause(intervalMs, signal)
  } while (performance.now() < until)
  return observations
}

/** Reject with WaitTimeoutError if `promise` has not settled within `timeoutMs`. */
export function withTimeout(promise, timeoutMs, what) {
  duration('timeoutMs', timeoutMs)
  let timer
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new WaitTimeoutError(what, timeoutMs)), timeoutMs))),
  ]).finally(() => clearTimeout(timer))
}
