import { describe, expect, it } from 'vitest'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import { TableFullError } from '../table/TableFullError.js'
import { FleetSim } from '../testing/FleetSim.js'
import { Intruder } from '../testing/Intruder.js'
import type { FleetOptions } from './FleetOptions.js'
import type { Override } from '../types.js'

const OPTIONS = { failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 }, cooldownMs: 1_000 } as const

function fleet(size: number, seed: number, fleetOptions: FleetOptions): FleetSim {
  const sim = new FleetSim({ size, swim: 'local', seed, fleetOptions })
  expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
  return sim
}

let lamport = 1
function junk(name: string, override: Override = null): BreakerRecord {
  lamport += 1
  return {
    name,
    state: override === 'forced-open' ? 'open' : 'closed',
    override,
    cooldownMs: 0,
    openCount: 0,
    prober: null,
    reason: 'flood',
    origin: 'intruder',
    lamport,
    vclock: { intruder: 1 },
    wallTime: 0,
  }
}

/** Flood every node with `count` new names, 100 per delta. */
function flood(sim: FleetSim, evil: Intruder, prefix: string, count: number, override: Override = null): void {
  for (let i = 0; i < count; i += 100) {
    const records = Array.from({ length: Math.min(100, count - i) }, (_, k) => junk(`${prefix}-${i + k}`, override))
    evil.gossip({ v: 1, type: 'delta', from: evil.id, records })
    sim.run(20)
  }
  sim.run(200)
}

const trip = (sim: FleetSim, i: number, name: string) => {
  const b = sim.node(i).breaker(name, OPTIONS)
  for (let k = 0; k < 5; k++) if (b.tryAcquire()) b.record(false, 1)
  return b
}

describe('a full breaker table (FleetSim)', () => {
  it('a flood of plain names only displaces records nobody here uses: a new breaker and an operator override still reach everyone', () => {
    const sim = fleet(3, 31, { maxRecords: 100 })
    const used = sim.node(0).breaker('in-use', OPTIONS)
    expect(used.tryAcquire()).toBe(true)
    sim.node(0).forceClose('pinned')
    sim.run(200)
    const evil = new Intruder(sim)
    flood(sim, evil, 'junk', 500)
    for (const i of sim.live()) expect(sim.node(i).table.size).toBe(100)
    expect(sim.node(0).table.evicted).toBeGreaterThan(0)
    // The override and (on node 0) the breaker in use were never evicted.
    expect(sim.node(0).table.get('pinned')?.override).toBe('forced-closed')

    // The upstream of a new breaker fails: no error, and the trip reaches every node.
    const b = trip(sim, 1, 'payments-api')
    expect(b.state).toBe('open')
    expect(b.localOnly).toBe(false)
    sim.node(2).forceOpen('ops-new-name')
    expect(
      sim.runUntil(() => sim.live().every((i) => sim.node(i).table.get('payments-api')?.state === 'open' && sim.node(i).table.get('ops-new-name') !== undefined), 3_000),
    ).toBeDefined()
    expect(sim.node(0).table.get('pinned')?.override).toBe('forced-closed')
  })

  it('a table full of overrides degrades a new breaker to local-only: no error escapes, counted, announced once, shared again once there is room', () => {
    const sim = fleet(3, 32, { maxRecords: 50 })
    const evil = new Intruder(sim)
    flood(sim, evil, 'forced', 50, 'forced-open')
    for (const i of sim.live()) expect(sim.node(i).table.size).toBe(50)
    const announced: string[] = []
    sim.node(1).onLocalOnly((name) => announced.push(name))

    // Trips, probes and recoveries of a breaker the table cannot hold: never a throw.
    const b = sim.node(1).breaker('payments-api', OPTIONS)
    expect(() => {
      for (let round = 0; round < 3; round++) {
        for (let k = 0; k < 10; k++) if (b.tryAcquire()) b.record(false, 1)
        sim.run(1_100)
        if (b.tryAcquire()) b.record(round === 2, 1)
      }
    }).not.toThrow()
    expect(b.localOnly).toBe(true)
    expect(sim.node(1).localOnlyBreakers()).toEqual([b])
    expect(sim.node(1).counters.localOnlyWrites).toBeGreaterThanOrEqual(3)
    expect(announced).toEqual(['payments-api'])
    expect(sim.node(0).table.get('payments-api')).toBeUndefined()
    // An operator cannot add a name either, and is told so.
    expect(() => sim.node(2).forceOpen('ops')).toThrow(TableFullError)

    // Reset one flooded name: it has no override any more, so it can make room.
    sim.node(2).reset('forced-7')
    sim.run(300)
    expect(sim.node(2).forceOpen('ops').name).toBe('ops')
    sim.node(0).reset('forced-8')
    sim.run(300)
    trip(sim, 1, 'payments-api')
    expect(b.localOnly).toBe(false)
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).table.get('payments-api') !== undefined), 3_000)).toBeDefined()
  })
})

describe('record TTL (FleetSim)', () => {
  it('collects records nobody uses after recordTtlMs, keeps overrides and records in use, and a stale copy does not bring one back', () => {
    const ttl = 60_000
    const sim = fleet(3, 33, { recordTtlMs: ttl })
    const stale = junk('idle') // an older version, still "in flight"
    const b = trip(sim, 0, 'idle')
    expect(b.state).toBe('open')
    sim.node(0).forceOpen('pinned')
    const kept = sim.node(1).breaker('kept', OPTIONS)
    trip(sim, 1, 'kept')
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).table.size === 3), 2_000)).toBeDefined()
    // 'idle' is reset (closed, no override), then nobody calls it again; 'kept' is called on node 1 all along.
    sim.node(0).reset('idle')
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).table.get('idle')?.state === 'closed'), 2_000)).toBeDefined()
    const keepUsing = () => {
      kept.tryAcquire()
    }
    const collected = () => sim.live().every((i) => sim.node(i).table.get('idle') === undefined)
    let waited = 0
    while (!collected() && waited < 2 * ttl) {
      keepUsing()
      sim.run(1_000)
      waited += 1_000
    }
    expect(collected()).toBe(true)
    expect(waited).toBeGreaterThanOrEqual(ttl)
    // An old copy of the collected version arrives late: ignored (tombstone), not counted as a fault.
    const evil = new Intruder(sim)
    const dropsBefore = { ...sim.node(1).counters.dropped }
    evil.gossip({ v: 1, type: 'delta', from: evil.id, records: [{ ...stale, lamport: 1, origin: sim.node(0).id, vclock: {} }] })
    sim.run(200)
    for (const i of sim.live()) expect(sim.node(i).table.get('idle')).toBeUndefined()
    expect(sim.node(1).counters.dropped).toEqual(dropsBefore)
    // Overrides and records in use stay, however long.
    for (let t = 0; t < 3 * ttl; t += 1_000) {
      keepUsing()
      sim.run(1_000)
    }
    for (const i of sim.live()) {
      expect(sim.node(i).table.get('pinned')?.override).toBe('forced-open')
      expect(sim.node(i).counters.recordsCollected).toBeGreaterThan(0)
    }
    expect(sim.node(1).table.get('kept')).toBeDefined()
    // A node that uses it again writes a new version, which reaches everyone.
    trip(sim, 2, 'idle')
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).table.get('idle')?.state === 'open'), 2_000)).toBeDefined()
  })
})
