import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { AdminTarget, MeshStats, MeshView } from '../MeshView.js'
import { ADMIN_REFUSALS } from './AdminCounters.js'
import type { AdminCounters } from './AdminCounters.js'
import { registerBreakerMetrics } from './breakerMetrics.js'
import { safeLabelValue, safeLabelValues } from './safeLabel.js'

/** The Prometheus side of the admin server: one registry per server. */
export interface AdminMetrics {
  readonly registry: Registry
  /** Read `target` once and render every metric in the Prometheus text format. */
  render(): Promise<{ contentType: string; body: string }>
}

export interface AdminMetricsOptions {
  /** Add prom-client's default process metrics. */
  processMetrics: boolean
  /** Breakers with their own series, busiest first [500]; the rest are only counted. */
  maxBreakers?: number
  /** The admin server's own counters (refusals, open connections and streams), if it has them. */
  counters?: AdminCounters
}

const BREAKER_STATES = ['closed', 'open', 'half-open'] as const
const MEMBER_STATUSES = ['alive', 'suspect', 'dead', 'left'] as const

type BreakerStats = MeshStats['breakers'][number]

interface Snapshot {
  stats: MeshStats
  view: MeshView
  /** The breakers with their own series this scrape, with their label values and states. */
  top: Array<{ label: string; stats: BreakerStats; state: string }>
  omitted: number
}

/**
 * Collect-on-scrape metrics fed from `target.stats()` and `target.view()`:
 * nothing is counted between scrapes, every value is read from the mesh when
 * Prometheus asks, so the numbers can never drift from what `inspect` shows.
 * Both are read once per scrape and shared by all metrics of that scrape.
 *
 * Per-breaker series are capped at `maxBreakers`, the busiest first (local
 * calls, then rejections, then name); `breaker_mesh_metrics_breakers_omitted`
 * says how many were left out and `breaker_mesh_breakers{state}` counts all.
 * Label values never carry a control or bidi character (`safeLabelValue`).
 *
 * `processMetrics` adds prom-client's default process metrics (CPU, memory,
 * event-loop lag, GC); it costs an event-loop delay monitor for the life of
 * the process.
 */
export function createAdminMetrics(target: AdminTarget, options: AdminMetricsOptions): AdminMetrics {
  const registry = new Registry()
  const maxBreakers = options.maxBreakers ?? 500
  let current: Snapshot | null = null
  const take = (): Snapshot => {
    const stats = target.stats()
    const view = target.view()
    const busiest = [...stats.breakers].sort(busiestFirst).slice(0, maxBreakers)
    const labels = safeLabelValues(busiest.map((b) => b.name))
    const top = busiest.map((b, i) => ({ label: labels[i] ?? '', stats: b, state: b.state }))
    return { stats, view, top, omitted: stats.breakers.length - top.length }
  }
  // Inside render() all metrics share one snapshot; a direct registry.metrics() reads afresh.
  const snapshot = (): Snapshot => current ?? take()
  const registers = [registry]

  new Gauge({
    name: 'breaker_mesh_breaker_state',
    help:
      'Breaker state on this node, overrides applied (see breaker_mesh_breaker_override): 1 for the current state, ' +
      '0 for the others (busiest breakers only).',
    labelNames: ['breaker', 'state'] as const,
    registers,
    collect() {
      this.reset()
      for (const { label, state: now } of snapshot().top) {
        for (const state of BREAKER_STATES) this.set({ breaker: label, state }, now === state ? 1 : 0)
      }
    },
  })

  new Counter({
    name: 'breaker_mesh_breaker_transitions_total',
    help: 'State changes of the breaker seen by this node (busiest breakers only).',
    labelNames: ['breaker'] as const,
    registers,
    collect() {
      this.reset()
      for (const { label, stats: b } of snapshot().top) this.inc({ breaker: label }, b.transitions)
    },
  })

  new Counter({
    name: 'breaker_mesh_calls_total',
    help: 'Calls made through the breaker on this node, by result (busiest breakers only).',
    labelNames: ['breaker', 'result'] as const,
    registers,
    collect() {
      this.reset()
      for (const { label, stats: b } of snapshot().top) {
        this.inc({ breaker: label, result: 'ok' }, b.callsOk)
        this.inc({ breaker: label, result: 'failure' }, b.callsFailed)
        if (b.ignored !== undefined) this.inc({ breaker: label, result: 'ignored' }, b.ignored)
      }
    },
  })

  new Counter({
    name: 'breaker_mesh_rejections_total',
    help: 'Calls this node refused at once because the breaker was not closed (busiest breakers only).',
    labelNames: ['breaker'] as const,
    registers,
    collect() {
      this.reset()
      for (const { label, stats: b } of snapshot().top) this.inc({ breaker: label }, b.rejections)
    },
  })

  new Gauge({
    name: 'breaker_mesh_breakers',
    help: 'Breakers in this node\'s replicated table, by state (all of them, also those without their own series).',
    labelNames: ['state'] as const,
    registers,
    collect() {
      this.reset()
      const counts = new Map<string, number>(BREAKER_STATES.map((s) => [s, 0]))
      for (const b of snapshot().view.breakers) counts.set(b.state, (counts.get(b.state) ?? 0) + 1)
      for (const [state, count] of counts) this.set({ state }, count)
    },
  })

  new Gauge({
    name: 'breaker_mesh_metrics_breakers_omitted',
    help: `Breakers left out of the per-breaker series of this scrape: only the ${maxBreakers} busiest (by calls, then rejections, then name) have their own.`,
    registers,
    collect() {
      this.set(snapshot().omitted)
    },
  })

  new Gauge({
    name: 'breaker_mesh_members',
    help: 'Members this node knows, itself included, by status.',
    labelNames: ['status'] as const,
    registers,
    collect() {
      this.reset()
      const counts = new Map<string, number>(MEMBER_STATUSES.map((s) => [s, 0]))
      for (const m of snapshot().view.members) counts.set(m.status, (counts.get(m.status) ?? 0) + 1)
      for (const [status, count] of counts) this.set({ status }, count)
    },
  })

  new Counter({
    name: 'breaker_mesh_gossip_messages_total',
    help: 'Gossip messages received (in) and sent (out) by this node.',
    labelNames: ['direction'] as const,
    registers,
    collect() {
      this.reset()
      const { gossip } = snapshot().stats
      this.inc({ direction: 'in' }, gossip.messagesIn)
      this.inc({ direction: 'out' }, gossip.messagesOut)
    },
  })

  new Counter({
    name: 'breaker_mesh_gossip_dropped_total',
    help: 'Malformed, unsupported or unsendable messages dropped, by reason.',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      this.reset()
      for (const [reason, count] of Object.entries(snapshot().stats.gossip.dropped)) this.inc({ reason: safeLabelValue(reason) }, count)
    },
  })

  new Counter({
    name: 'breaker_mesh_gossip_bytes_total',
    help: 'Gossip payload bytes received (in) and sent (out) by this node.',
    labelNames: ['direction'] as const,
    registers,
    collect() {
      this.reset()
      const { gossip } = snapshot().stats
      this.inc({ direction: 'in' }, gossip.bytesIn)
      this.inc({ direction: 'out' }, gossip.bytesOut)
    },
  })

  new Counter({
    name: 'breaker_mesh_conflicts_total',
    help: 'Merges that met a concurrent version of a breaker record.',
    registers,
    collect() {
      this.reset()
      this.inc(snapshot().stats.conflicts)
    },
  })

  new Gauge({
    name: 'breaker_mesh_table_records',
    help: 'Records in this node\'s replicated breaker table (bounded by maxRecords).',
    registers,
    collect() {
      this.set(snapshot().stats.table.records)
    },
  })

  new Counter({
    name: 'breaker_mesh_table_removed_total',
    help: 'Records removed from the table, by why: evicted (to make room for a new name) or collected (unused for the record TTL).',
    labelNames: ['why'] as const,
    registers,
    collect() {
      this.reset()
      const t = snapshot().stats.table
      this.inc({ why: 'evicted' }, t.evicted)
      this.inc({ why: 'collected' }, t.collected)
    },
  })

  new Gauge({
    name: 'breaker_mesh_lamport_clock',
    help: 'This node\'s Lamport clock. It grows by one per write fleet-wide; a jump means a peer pushed it (bounded by maxClockLeap).',
    registers,
    collect() {
      this.set(snapshot().stats.table.lamport)
    },
  })

  new Gauge({
    name: 'breaker_mesh_local_only_breakers',
    help: 'Breakers running on this node alone because the fleet table is full.',
    registers,
    collect() {
      this.set(snapshot().stats.localOnly.breakers)
    },
  })

  new Counter({
    name: 'breaker_mesh_local_only_writes_total',
    help: 'Breaker changes that could not be written to the full fleet table.',
    registers,
    collect() {
      this.reset()
      this.inc(snapshot().stats.localOnly.writes)
    },
  })

  new Gauge({
    name: 'breaker_mesh_members_unconfirmed',
    help: 'Members heard of from others but not yet heard from (not probed, not ranked as prober).',
    registers,
    collect() {
      this.set(snapshot().stats.unconfirmedMembers)
    },
  })

  new Counter({
    name: 'breaker_mesh_connections_refused_total',
    help:
      'Connections refused before they reached the fleet, by reason: fleet-key (no fleet key or another one), ' +
      'foreign-fleet (a node of another fleet).',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      this.reset()
      const refused = snapshot().stats.refused
      for (const reason of ['fleet-key', 'foreign-fleet']) this.inc({ reason }, refused[reason] ?? 0)
    },
  })

  new Gauge({
    name: 'breaker_mesh_receive_buffer_bytes',
    help: 'Bytes of unfinished inbound frames this node holds now (bounded by its receive budget).',
    registers,
    collect() {
      this.set(snapshot().stats.receiveBufferBytes)
    },
  })

  new Gauge({
    name: 'breaker_mesh_receive_buffer_high_water_bytes',
    help: 'The most bytes of unfinished inbound frames this node has held at once (bounded by its receive budget).',
    registers,
    collect() {
      this.set(snapshot().stats.receiveBufferHighWaterBytes)
    },
  })

  new Gauge({
    name: 'breaker_mesh_propagation_age_seconds',
    help:
      'Age in seconds of the most recently applied remote record when it arrived (origin wall clock vs ours: ' +
      'skewed clocks distort it). 0 until a remote record arrives.',
    registers,
    collect() {
      this.set((snapshot().stats.lastPropagationAgeMs ?? 0) / 1000)
    },
  })

  if (options.counters) adminServerMetrics(options.counters, registers)

  registerBreakerMetrics(registry, () => snapshot().top, () => snapshot().view)

  if (options.processMetrics) collectDefaultMetrics({ register: registry })

  return {
    registry,
    async render() {
      const taken = take()
      current = taken
      try {
        // Every collect() runs synchronously inside metrics(), before its first await.
        return { contentType: registry.contentType, body: await registry.metrics() }
      } finally {
        if (current === taken) current = null
      }
    },
  }
}

/** Local calls, then rejections, both descending, then name ascending (a stable, total order). */
function busiestFirst(a: BreakerStats, b: BreakerStats): number {
  const calls = b.callsOk + b.callsFailed - (a.callsOk + a.callsFailed)
  if (calls !== 0) return calls
  if (a.rejections !== b.rejections) return b.rejections - a.rejections
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/** The admin server's own health: refusals by reason, open connections and event streams. */
function adminServerMetrics(counters: AdminCounters, registers: Registry[]): void {
  new Counter({
    name: 'breaker_mesh_admin_refused_total',
    help:
      'Admin API clients refused, by reason: forbidden-host (Host does not name this node: DNS rebinding), ' +
      'max-connections, max-event-streams, request-timeout (headers or body too slow: slow-loris).',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      this.reset()
      for (const reason of ADMIN_REFUSALS) this.inc({ reason }, counters.refused[reason])
    },
  })
  new Gauge({
    name: 'breaker_mesh_admin_connections',
    help: 'Open connections to the admin API, event streams included.',
    registers,
    collect() {
      this.set(counters.connections)
    },
  })
  new Gauge({
    name: 'breaker_mesh_admin_event_streams',
    help: 'Open /v1/events streams.',
    registers,
    collect() {
      this.set(counters.eventStreams)
    },
  })
}
