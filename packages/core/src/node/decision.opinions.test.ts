import { describe, expect, it } from 'vitest'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import { FleetSim } from '../testing/FleetSim.js'

// How long an opinion counts: its age (which survives relays), its writer's
// liveness, and minReporting (below it, each node decides for itself).

const QUORUM: BreakerOptions = { decision: 'quorum', failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 }, cooldownMs: 60_000 }

function calls(sim: FleetSim, i: number, n: number, ok: boolean, name = 'dep'): void {
  const b = sim.node(i).breaker(name)
  for (let k = 0; k < n; k++) if (b.tryAcquire()) b.record(ok, 1)
}

const failingOf = (sim: FleetSim, observer: number, writer: number) =>
  sim
    .node(observer)
    .decision('dep')
    .opinions.some((o) => o.node === sim.node(writer).id && o.verdict === 'failing')

describe('opinion freshness (fake time)', () => {
  it("a frozen node's opinion stops counting after opinionTtlMs, while it is still a member", () => {
    // Slow death (suspicion ×20) so that only the TTL can expire the opinion.
    const ttl = 2_000
    const sim = new FleetSim({ size: 5, swim: { profile: 'local', suspicionMult: 20 }, seed: 8, fleetOptions: { opinionIntervalMs: 250, opinionTtlMs: ttl } })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
    for (const i of sim.live()) sim.node(i).breaker('dep', QUORUM)
    calls(sim, 4, 10, false)
    expect(sim.node(4).breaker('dep').isolated).toBe(true)
    expect(sim.runUntil(() => failingOf(sim, 0, 4), 2_000)).toBeDefined()
    sim.run(1_000) // a keep-alive or two
    const frozenAt = sim.clock.now()
    sim.crash(4) // frozen: silent from now on, and not yet declared dead
    expect(failingOf(sim, 0, 4)).toBe(true)
    const gone = sim.runUntil(() => !failingOf(sim, 0, 4), 10_000)
    expect(gone).toBeDefined()
    const age = sim.clock.now() - frozenAt
    expect(age).toBeLessThanOrEqual(ttl) // its last keep-alive was at most one keep-alive before the freeze
    expect(age).toBeGreaterThan(ttl - Math.max(250, ttl / 3) - 50)
    expect(['alive', 'suspect']).toContain(sim.node(0).swim.member(sim.node(4).id)?.status)
    expect(sim.node(0).decision('dep').fleet.failing).toBe(0)
  })

  it("a dead node's opinion drops at once, long before its TTL", () => {
    const sim = new FleetSim({ size: 5, swim: 'local', seed: 9, fleetOptions: { opinionTtlMs: 600_000 } })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
    for (const i of sim.live()) sim.node(i).breaker('dep', QUORUM)
    calls(sim, 4, 10, false)
    expect(sim.runUntil(() => failingOf(sim, 0, 4), 2_000)).toBeDefined()
    sim.crash(4)
    const id = sim.node(4).id
    // At every step before node 0 declares it dead its opinion counts; from the step it does, it is gone.
    let seenWhileLive = 0
    expect(
      sim.runUntil(() => {
        const status = sim.node(0).swim.member(id)?.status
        if (status === 'dead') return true
        expect(failingOf(sim, 0, 4)).toBe(true)
        seenWhileLive++
        return false
      }, 30_000),
    ).toBeDefined()
    expect(seenWhileLive).toBeGreaterThan(0)
    expect(failingOf(sim, 0, 4)).toBe(false)
    expect(sim.node(0).opinionsHeld).toBe(0) // dropped, not just ignored
  })

  it("a left node's opinion drops at once too", () => {
    const sim = new FleetSim({ size: 5, swim: 'local', seed: 10, fleetOptions: { opinionTtlMs: 600_000 } })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
    for (const i of sim.live()) sim.node(i).breaker('dep', QUORUM)
    calls(sim, 3, 10, false)
    expect(sim.runUntil(() => failingOf(sim, 0, 3), 2_000)).toBeDefined()
    sim.stop(3)
    expect(sim.runUntil(() => sim.node(0).swim.member(sim.node(3).id)?.status === 'left', 5_000)).toBeDefined()
    expect(failingOf(sim, 0, 3)).toBe(false)
  })
})

describe('opinions by push-pull', () => {
  it('a node that joins gets every fresh opinion its seed holds, relayed', () => {
    const sim = new FleetSim({ size: 4, swim: 'local', seed: 14, fleetOptions: { opinionTtlMs: 60_000 } })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
    for (const i of sim.live()) sim.node(i).breaker('dep', QUORUM)
    for (const i of sim.live()) calls(sim, i, 5, true)
    expect(sim.runUntil(() => sim.node(0).decision('dep').fleet.fresh === 4, 3_000)).toBeDefined()
    // The newcomer reaches node 0 only: it can learn nodes 1..3's opinions from node 0 alone.
    const late = sim.nodes.length
    const id = (i: number) => `node-${String(i + 1).padStart(3, '0')}` // FleetSim's ids, the newcomer's included
    sim.net.partition([[id(0), id(late)], [1, 2, 3].map(id)])
    expect(sim.add('late')).toBe(late)
    sim.node(late).breaker('dep', QUORUM)
    expect(sim.runUntil(() => sim.node(late).synced, 5_000, 1)).toBeDefined()
    expect(sim.node(late).opinionsHeld).toBe(4) // node 0's own and the three it relayed
  })
})

describe('minReporting', () => {
  it('not met: degraded, and each node decides alone (2 of 2 failing never open the fleet)', () => {
    const sim = new FleetSim({ size: 5, swim: 'local', seed: 12 })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
    // Only two nodes use the breaker: two reporters, minReporting 3.
    for (const i of [0, 1]) sim.node(i).breaker('dep', QUORUM)
    calls(sim, 0, 5, true)
    calls(sim, 1, 5, true)
    expect(sim.runUntil(() => sim.node(0).decision('dep').fleet.fresh === 2, 3_000)).toBeDefined()
    expect(sim.node(0).decision('dep').fleet.degraded).toBe(true)
    calls(sim, 0, 5, false)
    calls(sim, 1, 5, false)
    sim.run(3_000)
    for (const i of [0, 1]) {
      expect(sim.node(i).breaker('dep').isolated).toBe(true)
      expect(sim.node(i).decision('dep').fleet).toEqual({ failing: 2, fresh: 2, needed: 2, degraded: true })
    }
    for (const i of sim.live()) expect(sim.node(i).table.get('dep')).toBeUndefined()

    // With minReporting 2 the same two open the fleet.
    const sim2 = new FleetSim({ size: 5, swim: 'local', seed: 12 })
    expect(sim2.runUntil(() => sim2.viewsAgree(), 30_000, 20)).toBeDefined()
    for (const i of [0, 1]) sim2.node(i).breaker('dep', { ...QUORUM, minReporting: 2 })
    calls(sim2, 0, 5, true)
    calls(sim2, 1, 5, true)
    expect(sim2.runUntil(() => sim2.node(0).decision('dep').fleet.fresh === 2, 3_000)).toBeDefined()
    calls(sim2, 0, 5, false)
    calls(sim2, 1, 5, false)
    expect(sim2.runUntil(() => sim2.live().every((i) => sim2.node(i).table.get('dep')?.state === 'open'), 3_000)).toBeDefined()
  })

  it('an opinion with fewer than minimumCalls in its window does not count towards quorum', () => {
    const sim = new FleetSim({ size: 5, swim: 'local', seed: 13 })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
    for (const i of sim.live()) sim.node(i).breaker('dep', QUORUM)
    for (const i of sim.live()) calls(sim, i, i < 3 ? 5 : 2, true) // nodes 3 and 4: 2 calls, under minimumCalls
    expect(sim.runUntil(() => sim.node(0).decision('dep').opinions.length === 5, 3_000)).toBeDefined()
    expect(sim.node(0).decision('dep').fleet).toEqual({ failing: 0, fresh: 3, needed: 2, degraded: false })
  })
})
