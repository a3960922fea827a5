// Every wait in the benchmarks has a deadline: a bench that cannot finish
// records its failure instead of hanging.

export class BenchTimeoutError extends Error {
  constructor(what, timeoutMs, last) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : ` (last seen: ${last})`}`)
    this.name = 'BenchTimeoutError'
    this.code = 'ERR_BENCH_TIMEOUT'
  }
}

/** The suite was stopped (its budget ran out): every wait gives up at once. */
export class BenchAbortedError extends Error {
  constructor(what) {
    super(`suite stopped while waiting for ${what}`)
    this.name = 'BenchAbortedError'
    this.code = 'ERR_BENCH_ABORTED'
  }
}

/**
 * Poll `check()` (sync or async) every `intervalMs` until it returns a truthy
 * value, which is returned. `describe()` may explain the last state for the
 * error. Errors thrown by `check` propagate. An aborted `signal` ends the wait.
 */
export async function waitFor(check, { timeoutMs, intervalMs = 50, what = 'a condition', describe, signal } = {}) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (signal?.aborted) throw new BenchAbortedError(what)
    const value = await check()
    if (value) return value
    if (Date.now() >= deadline) throw new BenchTimeoutError(what, timeoutMs, describe?.())
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** Resolve after `ms` (for pacing between trials and for measurement windows, never as a wait for a condition). */
export function pause(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Reject with BenchTimeoutError if `promise` has not settled within `timeoutMs`. */
export function withTimeout(promise, timeoutMs, what) {
  let timer
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new BenchTimeoutError(what, timeoutMs)), timeoutMs))),
  ]).finally(() => clearTimeout(timer))
}
