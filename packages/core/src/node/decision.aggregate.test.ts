import { describe, expect, it } from 'vitest'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import { FleetSim } from '../testing/FleetSim.js'

// `aggregate`: the trip rules over the sum of the fleet's fresh windows. Many
// instances that each see little traffic: no single window ever reaches
// minimumCalls, the fleet's does.

const N = 20
const AGGREGATE: BreakerOptions = { decision: 'aggregate', failureRate: 50, minimumCalls: 20, window: { kind: 'time', ms: 10_000 }, cooldownMs: 5_000 }

/** Every live node makes one call per fake second (staggered across the second), `ok` or failing, until `until` holds. */
function callEverySecond(sim: FleetSim, ok: boolean, until: () => boolean, maxMs: number): number | undefined {
  const start = sim.clock.now()
  for (;;) {
    for (const i of sim.live()) {
      if (until()) return sim.clock.now() - start
      if (sim.clock.now() - start >= maxMs) return undefined
      sim.run(1_000 / N)
      const b = sim.node(i).breaker('dep')
      if (b.tryAcquire()) b.record(ok, 5)
    }
  }
}

describe('decision: aggregate (fake time)', () => {
  it('20 nodes at 1 call/s open together once the fleet-wide window holds minimumCalls', () => {
    const sim = new FleetSim({ size: N, swim: 'local', seed: 21 })
    expect(sim.runUntil(() => sim.viewsAgree(), 60_000, 20)).toBeDefined()
    for (const i of sim.live()) sim.node(i).breaker('dep', AGGREGATE)

    // The dependency fails for everyone: no window of 10 calls ever trips on its own ...
    const ms = callEverySecond(sim, false, () => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 30_000)
    expect(ms).toBeDefined()
    // ... the fleet's did, once it held minimumCalls (20) failures: about one call per node, plus an opinion interval.
    expect(ms!).toBeLessThan(3_000)
    for (const i of sim.live()) {
      expect(sim.node(i).breaker('dep').isolated).toBe(false)
      expect(sim.node(i).table.get('dep')?.state).toBe('open')
    }
    const reason = sim.node(5).table.get('dep')?.reason ?? ''
    expect(reason).toMatch(/^fleet-wide failure rate \d+% over (\d+) calls from \d+ members/)
    expect(Number(/over (\d+) calls/.exec(reason)?.[1])).toBeGreaterThanOrEqual(20)
  })

  it("the same fleet with 'any' or 'quorum' never opens: no node's own window reaches minimumCalls", () => {
    for (const decision of ['any', 'quorum'] as const) {
      const sim = new FleetSim({ size: N, swim: 'local', seed: 22 })
      expect(sim.runUntil(() => sim.viewsAgree(), 60_000, 20)).toBeDefined()
      for (const i of sim.live()) sim.node(i).breaker('dep', { ...AGGREGATE, decision })
      const ms = callEverySecond(sim, false, () => sim.live().some((i) => sim.node(i).breaker('dep').state !== 'closed'), 15_000)
      expect(ms, decision).toBeUndefined()
      if (decision === 'quorum') expect(sim.node(0).decision('dep').fleet).toMatchObject({ fresh: 0, degraded: true })
    }
  })

  it('with fewer reporters than minReporting it is degraded: a node decides only for itself', () => {
    const sim = new FleetSim({ size: 4, swim: 'local', seed: 23 })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
    const options: BreakerOptions = { ...AGGREGATE, minimumCalls: 5, minReporting: 3 }
    for (const i of [0, 1]) sim.node(i).breaker('dep', options)
    const b = sim.node(0).breaker('dep')
    for (let k = 0; k < 5; k++) if (b.tryAcquire()) b.record(false, 1)
    expect(b.isolated).toBe(true)
    sim.run(2_000)
    expect(sim.node(0).decision('dep').fleet).toMatchObject({ degraded: true, needed: 3 })
    for (const i of sim.live()) expect(sim.node(i).table.get('dep')).toBeUndefined()
  })
})
