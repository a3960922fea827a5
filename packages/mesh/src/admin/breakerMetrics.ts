/**
 * Per-breaker metrics beside the state and counters of AdminMetrics.ts: the
 * call-duration histogram, the window's failure and slow-call ratios, timeouts,
 * the operator override, and the fleet decision's isolated and degraded flags. Read from the same per-scrape snapshot, for the
 * same capped list of busiest breakers, under the same safe label values.
 */
import { Counter, Gauge } from 'prom-client'
import type { Registry } from 'prom-client'
import type { MeshStats, MeshView } from '../MeshView.js'

const OVERRIDES = ['forced-open', 'forced-closed'] as const
type BreakerStats = MeshStats['breakers'][number]

interface Window {
  calls: number
  failures: number
  slow: number
}

/** The window of `b`: from stats, else (an older target) from the view. */
function windowOf(b: BreakerStats, view: MeshView): Window | undefined {
  return b.window ?? view.breakers.find((v) => v.name === b.name)?.local
}

function overrideOf(b: BreakerStats, view: MeshView): BreakerStats['override'] {
  return b.override !== undefined ? b.override : (view.breakers.find((v) => v.name === b.name)?.override ?? null)
}

/** failures / calls, 0 for an empty window (never NaN). */
const ratio = (part: number, whole: number): number => (whole > 0 ? part / whole : 0)

/** One breaker with its own series this scrape: its safe label value and its stats. */
export interface ExportedBreaker {
  label: string
  stats: BreakerStats
}

export function registerBreakerMetrics(registry: Registry, top: () => readonly ExportedBreaker[], view: () => MeshView): void {
  const registers = [registry]

  new Gauge({
    name: 'breaker_mesh_breaker_override',
    help: 'Operator override in force on the breaker: 1 for forced-open or forced-closed, 0 otherwise. A forced-open breaker also shows state "open".',
    labelNames: ['breaker', 'override'] as const,
    registers,
    collect() {
      this.reset()
      const v = view()
      for (const { label, stats: b } of top()) {
        const override = overrideOf(b, v)
        for (const o of OVERRIDES) this.set({ breaker: label, override: o }, override === o ? 1 : 0)
      }
    },
  })

  /** A gauge per exported breaker: `value` of its stats and its view entry (an older target may give only the view). */
  const breakerGauge = (name: string, help: string, value: (b: BreakerStats, v: MeshView) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['breaker'] as const,
      registers,
      collect() {
        this.reset()
        const v = view()
        for (const { label, stats: b } of top()) this.set({ breaker: label }, value(b, v))
      },
    })
  }
  /** From the breaker's current window (0 without one). */
  const windowGauge = (name: string, help: string, value: (w: Window) => number): void =>
    breakerGauge(name, help, (b, v) => {
      const w = windowOf(b, v)
      return w ? value(w) : 0
    })
  windowGauge(
    'breaker_mesh_breaker_window_calls',
    'Calls in this node\'s current sliding window of the breaker (the base of the failure and slow-call ratios).',
    (w) => w.calls,
  )
  windowGauge(
    'breaker_mesh_breaker_failure_ratio',
    'Failed calls / calls in this node\'s current window (0 to 1; 0 for an empty window). The failureRate rule trips at failureRate / 100.',
    (w) => ratio(w.failures, w.calls),
  )
  windowGauge(
    'breaker_mesh_breaker_slow_call_ratio',
    'Slow calls / calls in this node\'s current window (0 to 1; 0 for an empty window). A call is slow at slowCallDurationMs or more.',
    (w) => ratio(w.slow, w.calls),
  )

  /** A 0/1 gauge per exported breaker, from its stats (else, an older target, from the view). */
  const flagGauge = (name: string, help: string, value: (b: BreakerStats, v: MeshView['breakers'][number] | undefined) => boolean | undefined): void =>
    breakerGauge(name, help, (b, v) => (value(b, v.breakers.find((x) => x.name === b.name)) === true ? 1 : 0))
  flagGauge(
    'breaker_mesh_breaker_isolated',
    'Decision quorum or aggregate: 1 while this node fails fast on its own (its own trip rules fired, the fleet did not open the breaker), 0 otherwise.',
    (b, v) => b.isolated ?? (v as Partial<MeshView['breakers'][number]> | undefined)?.isolated,
  )
  flagGauge(
    'breaker_mesh_breaker_degraded',
    'Decision quorum or aggregate: 1 while fewer fresh opinions than minReporting reach this node, so each node decides the breaker for itself; 0 otherwise.',
    // an older target's view may lack `fleet`
    (b, v) => b.degraded ?? (v as Partial<MeshView['breakers'][number]> | undefined)?.fleet?.degraded,
  )

  new Counter({
    name: 'breaker_mesh_call_timeouts_total',
    help: 'Calls through the breaker on this node that hit their timeout (also counted as failures).',
    labelNames: ['breaker'] as const,
    registers,
    collect() {
      this.reset()
      for (const { label, stats: b } of top()) if (b.timeouts !== undefined) this.inc({ breaker: label }, b.timeouts)
    },
  })

  const durationName = 'breaker_mesh_call_duration_seconds'
  const durationHelp = 'Duration of the calls that ran through the breaker on this node (refused calls excluded), in seconds.'
  // prom-client's Histogram only counts observe() calls; the breaker keeps its own buckets, so this
  // metric renders them at scrape time in the same shape.
  registry.registerMetric({
    name: durationName,
    help: durationHelp,
    type: 'histogram',
    aggregator: 'sum',
    reset() {},
    get() {
      const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = []
      for (const { label, stats: b } of top()) {
        const d = b.durations
        if (d === undefined) continue
        d.bounds.forEach((le, i) => values.push({ metricName: `${durationName}_bucket`, labels: { breaker: label, le }, value: d.cumulative[i] ?? 0 }))
        values.push({ metricName: `${durationName}_bucket`, labels: { breaker: label, le: '+Inf' }, value: d.count })
        values.push({ metricName: `${durationName}_sum`, labels: { breaker: label }, value: d.sumSeconds })
        values.push({ metricName: `${durationName}_count`, labels: { breaker: label }, value: d.count })
      }
      return { name: durationName, help: durationHelp, type: 'histogram', values, aggregator: 'sum' }
    },
  } as unknown as Parameters<Registry['registerMetric']>[0])
}
