import { describe, expect, it } from 'vitest'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import { rankProbers } from '../table/rendezvous.js'
import { FleetSim } from '../testing/FleetSim.js'

// The `quorum` decision in fake time: a node whose own rules trip is isolated
// until a quorum of the fleet's fresh opinions is failing; then the fleet opens.

const QUORUM: BreakerOptions = {
  decision: 'quorum',
  failureRate: 50,
  minimumCalls: 5,
  window: { kind: 'count', size: 10 },
  cooldownMs: 30_000, // no isolated trial while these tests look
}

function fleet(options: BreakerOptions = QUORUM, seed = 3): FleetSim {
  const sim = new FleetSim({ size: 5, swim: 'local', seed })
  expect(sim.runUntil(() => sim.viewsAgree(), 30_000, 20)).toBeDefined()
  for (const i of sim.live()) sim.node(i).breaker('dep', options)
  return sim
}

/** `n` calls on node `i`, each succeeding or failing. */
function calls(sim: FleetSim, i: number, n: number, ok: boolean): void {
  const b = sim.node(i).breaker('dep')
  for (let k = 0; k < n; k++) if (b.tryAcquire()) b.record(ok, 1)
}

/** Every node has a window of healthy calls, and the fleet has heard of it. */
function healthyEverywhere(sim: FleetSim): void {
  for (const i of sim.live()) calls(sim, i, 5, true)
  expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).decision('dep').fleet.fresh === 5), 5_000)).toBeDefined()
}

describe('decision: quorum (5 nodes, fake time)', () => {
  it('2 failing opinions: the fleet stays closed and those 2 are isolated; 3 failing: all 5 open', () => {
    const sim = fleet()
    healthyEverywhere(sim)

    calls(sim, 0, 5, false)
    calls(sim, 1, 5, false)
    for (const i of [0, 1]) {
      expect(sim.node(i).breaker('dep').isolated).toBe(true)
      expect(sim.node(i).breaker('dep').tryAcquire()).toBe(false) // fails fast on its own
    }
    // Everyone hears both failing opinions, and nobody opens the fleet.
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).decision('dep').fleet.failing === 2), 5_000)).toBeDefined()
    sim.run(3_000)
    for (const i of sim.live()) {
      expect(sim.node(i).table.get('dep')?.state ?? 'closed', `node ${i}`).toBe('closed')
      expect(sim.node(i).decision('dep')).toMatchObject({ decision: 'quorum', isolated: i < 2, fleet: { failing: 2, fresh: 5, needed: 3, degraded: false } })
    }
    for (const i of [2, 3, 4]) expect(sim.node(i).breaker('dep').tryAcquire(), `node ${i} keeps calling`).toBe(true)

    // A third node fails: 3 of 5, the fleet opens on every node.
    calls(sim, 2, 5, false)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 2_000)).toBeDefined()
    for (const i of sim.live()) {
      expect(sim.node(i).table.get('dep')?.state).toBe('open')
      expect(sim.node(i).breaker('dep').isolated).toBe(false)
    }
    expect(sim.node(4).table.get('dep')?.reason).toMatch(/^3 of 5 members failing/)
  })

  it('a fleet-open breaker recovers through one fleet-wide probe, as with any', () => {
    const sim = fleet({ ...QUORUM, cooldownMs: 1_000 })
    healthyEverywhere(sim)
    for (const i of [0, 1, 2]) calls(sim, i, 5, false)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 3_000)).toBeDefined()
    // After the cooldown every node asks; only the rendezvous choice gets a permit.
    let granted: number[] = []
    expect(
      sim.runUntil(() => {
        granted = sim.live().filter((i) => sim.node(i).breaker('dep').tryAcquire())
        return granted.length > 0
      }, 5_000, 50),
    ).toBeDefined()
    expect(granted).toHaveLength(1)
    const prober = granted[0]!
    expect(sim.node(prober).id).toBe(rankProbers('dep', sim.live().map((i) => sim.node(i).id))[0])
    sim.run(300)
    expect(sim.live().filter((i) => sim.node(i).breaker('dep').tryAcquire())).toEqual([])
    sim.node(prober).breaker('dep').record(true, 1)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'closed'), 2_000)).toBeDefined()
  })

  it('an isolated node rejoins through its own half-open trial, without the fleet probe slot or a record', () => {
    const sim = fleet({ ...QUORUM, cooldownMs: 1_000 })
    healthyEverywhere(sim)
    calls(sim, 0, 5, false)
    const b = sim.node(0).breaker('dep')
    expect(b.isolated).toBe(true)
    sim.run(1_000)
    expect(b.tryAcquire()).toBe(true) // its own trial: no rendezvous choice needed
    expect(b.state).toBe('half-open')
    expect(sim.live().some((i) => sim.node(i).table.get('dep') !== undefined)).toBe(false) // nothing was written
    b.record(true, 1)
    expect(b.state).toBe('closed')
    expect(b.isolated).toBe(false)
    // Its healthy opinion replaces the failing one everywhere.
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).decision('dep').fleet.failing === 0), 3_000)).toBeDefined()
  })

  it('a failed isolated trial keeps the node isolated, with a backed-off cooldown of its own', () => {
    const sim = fleet({ ...QUORUM, cooldownMs: 1_000 })
    healthyEverywhere(sim)
    calls(sim, 0, 5, false)
    const b = sim.node(0).breaker('dep')
    sim.run(1_000)
    expect(b.tryAcquire()).toBe(true)
    b.record(false, 1)
    expect(b.state).toBe('open')
    expect(b.isolated).toBe(true)
    expect(b.local.cooldownMs).toBe(2_000)
    sim.run(2_000)
    for (const i of sim.live()) expect(sim.node(i).table.get('dep')).toBeUndefined()
  })

  it('a fraction quorum: quorum 0.4 of 5 counted opinions opens at 2 failing', () => {
    const sim = fleet({ ...QUORUM, quorum: 0.4 })
    healthyEverywhere(sim)
    calls(sim, 3, 5, false)
    sim.run(1_000)
    expect(sim.node(0).decision('dep').fleet).toEqual({ failing: 1, fresh: 5, needed: 2, degraded: false })
    calls(sim, 4, 5, false)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 3_000)).toBeDefined()
  })

  it('overrides beat the policy: forced-closed keeps a failing quorum closed, forced-open opens a healthy fleet', () => {
    const sim = fleet()
    healthyEverywhere(sim)
    sim.node(4).forceClose('dep')
    expect(sim.runUntil(() => sim.tablesAgree() && sim.node(0).table.get('dep')?.override === 'forced-closed', 2_000)).toBeDefined()
    for (const i of [0, 1, 2]) calls(sim, i, 10, false)
    sim.run(2_000)
    for (const i of sim.live()) {
      expect(sim.node(i).breaker('dep').state).toBe('closed')
      expect(sim.node(i).breaker('dep').isolated).toBe(false)
    }
    sim.node(4).forceOpen('dep')
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 2_000)).toBeDefined()
  })
})
