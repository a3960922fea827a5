import { describe, expect, it } from 'vitest'
import { FleetSim } from '../testing/FleetSim.js'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'

const OPTIONS: BreakerOptions = { failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 }, cooldownMs: 1_000 }

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i)
}

describe('partition on MemoryNetwork: 50 nodes split 30 / 20', () => {
  it('each side trips and recovers on its own; after the heal every table is identical within one push-pull interval', () => {
    const sim = new FleetSim({ size: 50, swim: 'local', seed: 3 })
    expect(sim.runUntil(() => sim.viewsAgree(), 60_000, 20)).toBeDefined()
    const A = range(0, 30)
    const B = range(30, 50)
    for (const i of sim.live()) sim.node(i).breaker('dep', OPTIONS)

    sim.partition(A, B)
    const sideSeesOtherDead = (side: number[], other: number[]) =>
      side.every((i) => other.every((j) => sim.node(i).swim.member(sim.node(j).id)?.status === 'dead'))
    const split = sim.runUntil(() => sideSeesOtherDead(A, B) && sideSeesOtherDead(B, A), 60_000, 20)
    expect(split).toBeDefined()

    // Side A trips; side B does not hear of it.
    const trip = (i: number) => {
      const b = sim.node(i).breaker('dep')
      for (let k = 0; k < 5; k++) if (b.tryAcquire()) b.record(false, 1)
    }
    trip(0)
    expect(sim.runUntil(() => A.every((i) => sim.node(i).breaker('dep').state === 'open'), 2_000)).toBeDefined()
    sim.run(500)
    expect(B.every((i) => sim.node(i).breaker('dep').state === 'closed')).toBe(true)
    // Side B trips later on its own, and writes overrides and breakers of its own.
    trip(45)
    sim.node(40).forceOpen('b-only')
    expect(sim.runUntil(() => B.every((i) => sim.node(i).breaker('dep').state === 'open'), 2_000)).toBeDefined()

    // Each side recovers independently: exactly one prober per side.
    const claims: number[] = []
    for (const i of sim.live()) {
      sim.node(i).onBreakerChange((c) => {
        if (c.local && c.record.state === 'half-open') claims.push(i)
      })
    }
    const closedEverywhere = () =>
      sim.live().every((i) => {
        const b = sim.node(i).breaker('dep')
        if (b.state === 'closed') return true
        if (b.tryAcquire()) b.record(true, 1)
        return false
      })
    expect(sim.runUntil(closedEverywhere, 10_000, 50)).toBeDefined()
    expect(claims.filter((i) => A.includes(i))).toHaveLength(1)
    expect(claims.filter((i) => B.includes(i))).toHaveLength(1)
    expect(sim.tablesAgree(A)).toBe(true)
    expect(sim.tablesAgree(B)).toBe(true)
    expect(sim.tablesAgree()).toBe(false)

    // 1,000 breakers changed on both sides while split.
    for (let k = 0; k < 500; k++) sim.node(k % 30).forceOpen(`a-${k}`)
    for (let k = 0; k < 500; k++) sim.node(30 + (k % 20)).forceClose(`b-${k}`)
    sim.run(2_000)

    sim.heal()
    const healed = sim.runUntil(() => sim.tablesAgree(), sim.swim.pushPullIntervalMs, 25)
    expect(healed, 'tables identical within one push-pull interval of the heal').toBeDefined()
    console.log(`50 nodes 30/20: tables identical ${healed} fake ms after the heal (push-pull interval ${sim.swim.pushPullIntervalMs} ms)`)
    expect(sim.node(0).table.size).toBe(1_002)
    // Membership heals too: everybody alive again.
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
  })
})
