import { describe, expect, it } from 'vitest'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import { InvalidBreakerNameError } from '../table/InvalidBreakerNameError.js'
import { FleetSim } from '../testing/FleetSim.js'
import { Intruder } from '../testing/Intruder.js'

const record = (name: string): BreakerRecord => ({
  name,
  state: 'open',
  override: null,
  cooldownMs: 1_000,
  openCount: 1,
  prober: null,
  reason: 'x',
  origin: 'intruder',
  lamport: 1,
  vclock: { intruder: 1 },
  wallTime: 0,
})

describe('breaker names (FleetSim)', () => {
  const bad = ['clear\u001b[2J', 'bidi\u202egnp.exe', 'line\nbreak', 'with space', 'ünïcode', 'x'.repeat(129)]

  it('are refused at the API with InvalidBreakerNameError', () => {
    const sim = new FleetSim({ size: 1, swim: 'local', seed: 71 })
    const node = sim.node(0)
    for (const name of bad) {
      expect(() => node.breaker(name)).toThrow(InvalidBreakerNameError)
      expect(() => node.forceOpen(name)).toThrow(InvalidBreakerNameError)
      expect(() => node.forceClose(name)).toThrow(InvalidBreakerNameError)
      expect(() => node.reset(name)).toThrow(InvalidBreakerNameError)
    }
    expect(node.table.size).toBe(0)
    expect(node.breaker('db.internal:5432/orders@eu-1').name).toBe('db.internal:5432/orders@eu-1')
  })

  it('are dropped and counted as bad-name on the wire, and never replicated', () => {
    const sim = new FleetSim({ size: 3, swim: 'local', seed: 72 })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
    const evil = new Intruder(sim)
    for (const name of bad.slice(0, 5)) evil.gossip({ v: 1, type: 'delta', from: evil.id, records: [record(name)] })
    sim.run(500)
    for (const i of sim.live()) {
      expect(sim.node(i).counters.dropped['bad-name']).toBe(5)
      expect(sim.node(i).table.size).toBe(0)
    }
  })
})
