import { integerIn, numberIn } from '@breaker-mesh/core'

/** What the workload needs of a breaker: `MeshBreaker` has it. */
export interface WorkloadBreaker {
  execute<T>(fn: () => Promise<T>): Promise<T>
}

export interface WorkloadOptions {
  breaker: WorkloadBreaker
  /** GET target, absolute http(s) URL. */
  url: string
  /** Requests per second, > 0 and ≤ 10000. */
  rps: number
  /**
   * Per-request timeout, ms [2000]; a slower answer is a failure. Lower trips
   * the breaker on slowness sooner; higher ties up more requests in flight.
   */
  timeoutMs?: number
  /** Interval of the summary line, ms [5000]. */
  summaryEveryMs?: number
  /** Where summary lines go; none when absent (the CLI passes one only with BREAKER_MESH_DEBUG). */
  log?: (line: string) => void
  /** HTTP client [global fetch]; tests inject one. */
  fetch?: typeof fetch
}

export interface WorkloadCounts {
  /** Calls started (through the breaker). */
  sent: number
  /** 2xx answers. */
  ok: number
  /** Non-2xx answers, network errors, timeouts. */
  failed: number
  /** Refused at once by the breaker (ERR_BREAKER_OPEN). */
  rejected: number
  /** Not started: too many still in flight, or catching up after a stall. */
  skipped: number
}

export interface Workload {
  counts(): WorkloadCounts
  /** Stop issuing calls and wait (at most one timeout) for those in flight. */
  stop(): Promise<void>
}

/** A non-2xx answer. Not exported: callers see it only as a failure count. */
class HttpStatusError extends Error {
  readonly code = 'ERR_HTTP_STATUS'
  constructor(readonly status: number) {
    super(`HTTP ${status}`)
  }
}

/**
 * The built-in demo workload of `start --target URL --breaker NAME --rps N`:
 * GET `url` at `rps` requests per second through `breaker.execute()`.
 * Calls are paced against a start time (not one timer per call), so timer
 * jitter does not change the rate; after a stall longer than a second the
 * missed calls are skipped rather than fired in a burst. In-flight calls are
 * capped at twice what the rate and timeout can keep busy.
 */
export function startWorkload(options: WorkloadOptions): Workload {
  const { breaker, url, rps } = options
  const timeoutMs = options.timeoutMs ?? 2000
  const summaryEveryMs = options.summaryEveryMs ?? 5000
  const doFetch = options.fetch ?? fetch
  numberIn('rps', rps, Number.MIN_VALUE, 10_000)
  integerIn('timeoutMs', timeoutMs, 1, Number.MAX_SAFE_INTEGER)
  integerIn('summaryEveryMs', summaryEveryMs, 1, Number.MAX_SAFE_INTEGER)

  const counts: WorkloadCounts = { sent: 0, ok: 0, failed: 0, rejected: 0, skipped: 0 }
  const inFlight = new Set<Promise<void>>()
  const maxInFlight = Math.max(1, Math.ceil((rps * timeoutMs) / 1000) * 2)
  const t0 = performance.now()
  let scheduled = 0
  let stopped = false

  const call = async (): Promise<void> => {
    const res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    // Read the body (within the timeout) so the connection can be reused.
    await res.arrayBuffer()
    if (!res.ok) throw new HttpStatusError(res.status)
  }

  const fire = (): void => {
    counts.sent++
    const p = breaker.execute(call).then(
      () => {
        counts.ok++
      },
      (err: unknown) => {
        if ((err as { code?: unknown } | null)?.code === 'ERR_BREAKER_OPEN') counts.rejected++
        else counts.failed++
      },
    )
    inFlight.add(p)
    void p.finally(() => inFlight.delete(p))
  }

  const tick = (): void => {
    if (stopped) return
    const due = Math.floor(((performance.now() - t0) * rps) / 1000) - scheduled
    const maxBurst = Math.max(1, Math.ceil(rps))
    if (due > maxBurst) {
      counts.skipped += due - maxBurst
      scheduled += due - maxBurst
    }
    for (let i = 0; i < Math.min(due, maxBurst); i++) {
      scheduled++
      if (inFlight.size >= maxInFlight) counts.skipped++
      else fire()
    }
  }

  const tickMs = Math.min(1000, Math.max(10, Math.floor(1000 / rps)))
  const ticker = setInterval(tick, tickMs)
  let last = { ...counts }
  const summary = options.log
    ? setInterval(() => {
        const d = (k: keyof WorkloadCounts): number => counts[k] - last[k]
        options.log?.(
          `workload ${url}: ${d('sent')} sent, ${d('ok')} ok, ${d('failed')} failed, ` +
            `${d('rejected')} rejected, ${d('skipped')} skipped in the last ${summaryEveryMs / 1000}s ` +
            `(${inFlight.size} in flight)`,
        )
        last = { ...counts }
      }, summaryEveryMs)
    : undefined

  return {
    counts: () => ({ ...counts }),
    async stop() {
      stopped = true
      clearInterval(ticker)
      if (summary) clearInterval(summary)
      // Not aborted: an aborted call would count as a failure and could trip the breaker on the way out.
      await Promise.allSettled([...inFlight])
    },
  }
}
