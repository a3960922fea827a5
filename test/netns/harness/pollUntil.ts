/** One look at the system: done with a value, or not yet and why. */
export type Probe<T> = { done: true; value: T } | { done: false; why: string }

export interface PollOptions {
  /** Give up after this long, ms. */
  timeoutMs: number
  /** Pause between two probes, ms. Default 100. */
  intervalMs?: number
  /** What is awaited, for the error message. */
  what: string
}

export class PollTimeoutError extends Error {
  readonly code = 'ERR_POLL_TIMEOUT'
  constructor(what: string, timeoutMs: number, lastWhy: string) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}; last look: ${lastWhy}`)
    this.name = 'PollTimeoutError'
  }
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Probe until it reports done or the deadline passes (then throw PollTimeoutError with
 * the last observation). Returns the value and how long it took from the call, ms.
 */
export async function pollUntil<T>(probe: () => Promise<Probe<T>>, options: PollOptions): Promise<{ value: T; elapsedMs: number }> {
  const start = performance.now()
  const interval = options.intervalMs ?? 100
  let lastWhy = 'never probed'
  for (;;) {
    const result = await probe()
    if (result.done) return { value: result.value, elapsedMs: performance.now() - start }
    lastWhy = result.why
    if (performance.now() - start >= options.timeoutMs) throw new PollTimeoutError(options.what, options.timeoutMs, lastWhy)
    await pause(interval)
  }
}
