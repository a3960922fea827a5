import { describe, expect, it } from 'vitest'
import { FleetSim } from '../testing/FleetSim.js'
import { rankProbers } from '../table/rendezvous.js'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'

const N = 20

function agreedFleet(halfOpenMaxCalls: number, seed: number) {
  const sim = new FleetSim({ size: N, swim: 'local', seed })
  expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
  const options: BreakerOptions = {
    failureRate: 50,
    minimumCalls: 5,
    window: { kind: 'count', size: 10 },
    cooldownMs: 1_000,
    halfOpenMaxCalls,
  }
  for (const i of sim.live()) sim.node(i).breaker('dep', options)
  // Node 0 trips; every node learns it.
  const b0 = sim.node(0).breaker('dep')
  for (let k = 0; k < 5; k++) if (b0.tryAcquire()) b0.record(false, 1)
  expect(b0.state).toBe('open')
  expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 2_000)).toBeDefined()
  return sim
}

/** Every live node asks for `rounds` permits; returns permits granted per node index. */
function askEverywhere(sim: FleetSim, rounds = 3): Map<number, number> {
  const granted = new Map<number, number>()
  for (let r = 0; r < rounds; r++) {
    for (const i of sim.live()) {
      if (sim.node(i).breaker('dep').tryAcquire()) granted.set(i, (granted.get(i) ?? 0) + 1)
    }
  }
  return granted
}

describe('fleet-wide half-open', () => {
  for (const max of [1, 3]) {
    it(`20 nodes after cooldown: exactly one prober, at most ${max} trial permit(s) fleet-wide`, () => {
      const sim = agreedFleet(max, 11 + max)
      let granted = new Map<number, number>()
      // Keep asking every 50 ms of fake time until somebody gets a permit (cooldown ends).
      const waited = sim.runUntil(() => {
        granted = askEverywhere(sim)
        return granted.size > 0
      }, 5_000, 50)
      expect(waited).toBeDefined()
      expect(granted.size).toBe(1)
      const [prober, permits] = [...granted][0]!
      expect(permits).toBe(max)
      // It is the rendezvous choice every node would make.
      const ids = sim.live().map((i) => sim.node(i).id)
      expect(sim.node(prober).id).toBe(rankProbers('dep', ids)[0])
      // The claim spreads; while it stands nobody else gets a permit.
      sim.run(500)
      expect(askEverywhere(sim).size).toBe(0)
      expect(sim.live().every((i) => sim.node(i).table.get('dep')?.prober === sim.node(prober).id)).toBe(true)
      // The trials succeed → closed everywhere.
      for (let k = 0; k < max; k++) sim.node(prober).breaker('dep').record(true, 1)
      expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'closed'), 2_000)).toBeDefined()
    })
  }

  it('a crashed prober is replaced by the next rendezvous choice after the timeout', () => {
    const sim = agreedFleet(1, 5)
    let granted = new Map<number, number>()
    sim.runUntil(() => {
      granted = askEverywhere(sim, 1)
      return granted.size > 0
    }, 5_000, 50)
    const first = [...granted.keys()][0]!
    const firstId = sim.node(first).id
    sim.run(200) // the claim spreads
    sim.crash(first) // dies holding the permit
    const crashedAt = sim.clock.now()
    let second = -1
    let grantedNodes = 0
    const waited = sim.runUntil(() => {
      const g = askEverywhere(sim, 1)
      if (g.size === 0) return false
      grantedNodes = g.size
      second = [...g.keys()][0]!
      return true
    }, 20_000, 50)
    expect(waited).toBeDefined()
    expect(second).not.toBe(first)
    const ranked = rankProbers('dep', sim.nodes.map((n) => n.id))
    const expected = ranked.filter((id) => id !== firstId)[0]
    expect(sim.node(second).id).toBe(expected)
    expect(grantedNodes).toBe(1)
    console.log(`prober crash → re-claimed by the next choice after ${sim.clock.now() - crashedAt} fake ms`)
    sim.node(second).breaker('dep').record(true, 1)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'closed'), 3_000)).toBeDefined()
  })

  it('a failed trial re-opens the breaker fleet-wide with a doubled cooldown', () => {
    const sim = agreedFleet(1, 9)
    let granted = new Map<number, number>()
    sim.runUntil(() => {
      granted = askEverywhere(sim, 1)
      return granted.size > 0
    }, 5_000, 50)
    const prober = [...granted.keys()][0]!
    sim.node(prober).breaker('dep').record(false, 1)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).table.get('dep')?.openCount === 2), 2_000)).toBeDefined()
    for (const i of sim.live()) {
      expect(sim.node(i).breaker('dep').state).toBe('open')
      expect(sim.node(i).table.get('dep')?.cooldownMs).toBe(2_000)
    }
  })
})
