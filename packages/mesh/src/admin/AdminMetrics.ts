import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client'
import type { AdminTarget, MeshStats, MeshView } from '../MeshApi.js'
import { registerBreakerMetrics } from './breakerMetrics.js'

/** The Prometheus side of the admin server: one registry per server. */
export interface AdminMetrics {
  readonly registry: Registry
  /** Read `target` once and render every metric in the Prometheus text format. */
  render(): Promise<{ contentType: string; body: string }>
}

const BREAKER_STATES = ['closed', 'open', 'half-open'] as const
const MEMBER_STATUSES = ['alive', 'suspect', 'dead', 'left'] as const

interface Snapshot {
  stats: MeshStats
  view: MeshView
}

/**
 * Collect-on-scrape metrics fed from `target.stats()` and `target.view()`:
 * nothing is counted between scrapes, every value is read from the mesh when
 * Prometheus asks, so the numbers can never drift from what `inspect` shows.
 * Both are read once per scrape and shared by all metrics of that scrape.
 *
 * `processMetrics` adds prom-client's default process metrics (CPU, memory,
 * event-loop lag, GC); it costs an event-loop delay monitor for the life of
 * the process.
 */
export function createAdminMetrics(target: AdminTarget, options: { processMetrics: boolean }): AdminMetrics {
  const registry = new Registry()
  let current: Snapshot | null = null
  const take = (): Snapshot => ({ stats: target.stats(), view: target.view() })
  // Inside render() all metrics share one snapshot; a direct registry.metrics() reads afresh.
  const snapshot = (): Snapshot => current ?? take()
  const registers = [registry]

  new Gauge({
    name: 'breaker_mesh_breaker_state',
    help: 'Breaker state on this node, overrides applied (see breaker_mesh_breaker_override): 1 for the current state, 0 for the others.',
    labelNames: ['breaker', 'state'] as const,
    registers,
    collect() {
      this.reset()
      for (const breaker of snapshot().stats.breakers) {
        for (const state of BREAKER_STATES) this.set({ breaker: breaker.name, state }, breaker.state === state ? 1 : 0)
      }
    },
  })

  new Counter({
    name: 'breaker_mesh_breaker_transitions_total',
    help: 'State changes of the breaker seen by this node.',
    labelNames: ['breaker'] as const,
    registers,
    collect() {
      this.reset()
      for (const b of snapshot().stats.breakers) this.inc({ breaker: b.name }, b.transitions)
    },
  })

  new Counter({
    name: 'breaker_mesh_calls_total',
    help: 'Calls made through the breaker on this node, by result.',
    labelNames: ['breaker', 'result'] as const,
    registers,
    collect() {
      this.reset()
      for (const b of snapshot().stats.breakers) {
        this.inc({ breaker: b.name, result: 'ok' }, b.callsOk)
        this.inc({ breaker: b.name, result: 'failure' }, b.callsFailed)
        if (b.ignored !== undefined) this.inc({ breaker: b.name, result: 'ignored' }, b.ignored)
      }
    },
  })

  new Counter({
    name: 'breaker_mesh_rejections_total',
    help: 'Calls this node refused at once because the breaker was not closed.',
    labelNames: ['breaker'] as const,
    registers,
    collect() {
      this.reset()
      for (const b of snapshot().stats.breakers) this.inc({ breaker: b.name }, b.rejections)
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
      for (const [reason, count] of Object.entries(snapshot().stats.gossip.dropped)) this.inc({ reason }, count)
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
    name: 'breaker_mesh_propagation_age_seconds',
    help:
      'Age in seconds of the most recently applied remote record when it arrived (origin wall clock vs ours: ' +
      'skewed clocks distort it). 0 until a remote record arrives.',
    registers,
    collect() {
      this.set((snapshot().stats.lastPropagationAgeMs ?? 0) / 1000)
    },
  })

  registerBreakerMetrics(registry, () => snapshot().stats, () => snapshot().view)

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
