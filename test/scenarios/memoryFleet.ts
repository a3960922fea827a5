import { suspicionTimeout } from '@breaker-mesh/core'
import type { BreakerRecord, FleetNode } from '@breaker-mesh/core'
import { FleetSim } from '@breaker-mesh/core/testing'
import { SCENARIO_BREAKER } from './ScenarioFleet.js'
import type { ScenarioFleet, ScenarioView } from './ScenarioFleet.js'

function effective(r: BreakerRecord): string {
  return r.override === 'forced-open' ? 'open' : r.override === 'forced-closed' ? 'closed' : r.state
}

function viewOf(node: FleetNode): ScenarioView {
  return {
    members: node.swim.members().map((m) => ({ id: m.id, status: m.status, incarnation: m.incarnation })),
    breakers: node.table.snapshot().map((r) => ({
      name: r.name,
      state: effective(r),
      override: r.override,
      prober: r.prober,
      version: { lamport: r.lamport, origin: r.origin },
      concurrent: node.table.isConcurrent(r.name),
    })),
  }
}

/** `size` FleetNodes on MemoryNetwork in fake time, the `local` SWIM profile. */
export async function memoryFleet(size: number): Promise<ScenarioFleet> {
  const sim = new FleetSim({ size, swim: 'local', seed: 42 })
  if (sim.runUntil(() => sim.viewsAgree(), 30_000) === undefined) throw new Error('memory fleet never agreed on membership')
  const changes = new Map<string, number>()
  const watch = (i: number) =>
    sim.node(i).onBreakerChange((c) => changes.set(`${i} ${c.name} ${effective(c.record)}`, sim.clock.now()))
  for (let i = 0; i < size; i++) watch(i)
  const upstream = { hits: 0, healthy: true, setHealthy(h: boolean) { this.healthy = h } }
  const breaker = (i: number, name: string) => sim.node(i).breaker(name, SCENARIO_BREAKER)
  const suspicion = suspicionTimeout(sim.swim.suspicionMult, size, sim.swim.probeIntervalMs)
  return {
    label: 'MemoryNetwork',
    bounds: { deadMs: (size + 2) * sim.swim.probeIntervalMs + suspicion + 3000, leftMs: 3000, propagateMs: 3000 },
    upstream,
    size: () => sim.nodes.length,
    id: (i) => sim.node(i).id,
    async callMany(i, name, n, ok) {
      const b = breaker(i, name)
      const counts = { ok: 0, failed: 0, rejected: 0 }
      for (let k = 0; k < n; k++) {
        if (!b.tryAcquire()) counts.rejected++
        else {
          b.record(ok, 1)
          counts[ok ? 'ok' : 'failed']++
        }
      }
      return counts
    },
    async call(i, name) {
      const b = breaker(i, name)
      if (!b.tryAcquire()) return 'rejected'
      upstream.hits++
      b.record(upstream.healthy, 1)
      return upstream.healthy ? 'ok' : 'failed'
    },
    view: async (i) => viewOf(sim.node(i)),
    changedAt: async (i, name, state) => changes.get(`${i} ${name} ${state}`),
    async forceOpen(i, name) {
      sim.node(i).forceOpen(name)
    },
    async forceClose(i, name) {
      sim.node(i).forceClose(name)
    },
    async concurrently(ops) {
      // No fake time passes between them, so no message can arrive in between.
      for (const op of ops) await op()
    },
    async kill(i) {
      sim.crash(i)
    },
    async stop(i) {
      sim.stop(i)
    },
    async add() {
      const i = sim.add()
      watch(i)
      // createMesh() resolves after the first sync: the same here, in fake time.
      if (sim.runUntil(() => sim.node(i).synced, 5_000, 1) === undefined) throw new Error('new node never synced')
      return i
    },
    async waitFor(check, timeoutMs, what) {
      const start = sim.clock.now()
      for (;;) {
        if (await check()) return sim.clock.now() - start
        if (sim.clock.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} fake ms waiting for ${what}`)
        sim.run(10)
      }
    },
    async close() {},
  }
}
