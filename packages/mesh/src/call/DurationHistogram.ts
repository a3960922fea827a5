/**
 * Call durations of one breaker in fixed buckets, for the
 * `breaker_mesh_call_duration_seconds` histogram. Observing is a short scan
 * over a few comparisons and two additions (no allocation); the cumulative
 * counts Prometheus wants are built when scraped.
 */

/** Upper bounds, seconds: 1 ms to 10 s, roughly ×2.5 apart (Prometheus' usual latency ladder, extended down to 1 ms). */
export const DURATION_BUCKETS_SECONDS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
])

/** A histogram as scraped: cumulative counts per upper bound (the last is +Inf). */
export interface DurationSnapshot {
  /** Upper bounds in seconds, without +Inf. */
  readonly bounds: readonly number[]
  /** Calls at most `bounds[i]` seconds, cumulative; one more entry for +Inf (= count). */
  readonly cumulative: readonly number[]
  /** Sum of all durations, seconds. */
  readonly sumSeconds: number
  readonly count: number
}

export class DurationHistogram {
  private readonly boundsMs: Float64Array
  /** Non-cumulative: counts[i] = calls in (bounds[i-1], bounds[i]]; last = above the largest bound. */
  private readonly counts: Float64Array
  private sumMs = 0

  constructor(readonly boundsSeconds: readonly number[] = DURATION_BUCKETS_SECONDS) {
    this.boundsMs = Float64Array.from(boundsSeconds, (s) => s * 1000)
    this.counts = new Float64Array(boundsSeconds.length + 1)
  }

  /** One call of `durationMs` ms. */
  observe(durationMs: number): void {
    const bounds = this.boundsMs
    let i = 0
    while (i < bounds.length && durationMs > (bounds[i] as number)) i++
    this.counts[i] = (this.counts[i] as number) + 1
    this.sumMs += durationMs
  }

  snapshot(): DurationSnapshot {
    const cumulative: number[] = []
    let running = 0
    for (const c of this.counts) {
      running += c
      cumulative.push(running)
    }
    return { bounds: this.boundsSeconds, cumulative, sumSeconds: this.sumMs / 1000, count: running }
  }
}
