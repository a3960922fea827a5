import { describe, expect, it } from 'vitest'
import { DEFAULT_MAX_LEAP, MAX_OBSERVED } from '../clock/LeapBudget.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import { FleetSim } from '../testing/FleetSim.js'
import { Intruder } from '../testing/Intruder.js'
import type { Update } from '../wire/messages.js'

const OPTIONS = { failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 }, cooldownMs: 1_000 } as const

function agreed(size: number, seed: number): FleetSim {
  const sim = new FleetSim({ size, swim: 'local', seed })
  expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
  return sim
}

function poison(name: string, lamport: number, origin = 'intruder'): BreakerRecord {
  return {
    name,
    state: 'open',
    override: 'forced-open',
    cooldownMs: 1_000,
    openCount: 1,
    prober: null,
    reason: 'poison',
    origin,
    lamport,
    vclock: { [origin]: 1 },
    wallTime: 0,
  }
}

const everywhere = (sim: FleetSim, check: (i: number) => boolean): boolean => sim.live().every(check)

describe('poisoned Lamport clocks (FleetSim)', () => {
  it('a record at 2^53 − 1 or at bound + 1 is refused and counted everywhere, and every later write still reaches every node', () => {
    const sim = agreed(5, 21)
    sim.node(0).forceOpen('before')
    expect(sim.runUntil(() => everywhere(sim, (i) => sim.node(i).table.get('before') !== undefined), 2_000)).toBeDefined()
    const lamports = sim.live().map((i) => sim.node(i).table.lamport)
    const evil = new Intruder(sim)
    const highest = Math.max(...lamports)
    // By gossip, piggybacked on a ping, and in a sync answer: every way a record gets in.
    evil.gossip({ v: 1, type: 'delta', from: evil.id, records: [poison('p-max', Number.MAX_SAFE_INTEGER), poison('before', Number.MAX_SAFE_INTEGER)] })
    evil.gossip({ v: 1, type: 'delta', from: evil.id, records: [poison('p-bound', highest + DEFAULT_MAX_LEAP + 1)] })
    const update: Update = { kind: 'record', record: poison('p-ping', MAX_OBSERVED + 1) }
    for (const i of sim.live()) evil.send(i, 'swim', { v: 1, type: 'ping', from: evil.id, seq: 1, updates: [update] })
    sim.run(500)
    for (const i of sim.live()) {
      const node = sim.node(i)
      expect(node.counters.dropped['clock-leap']).toBeGreaterThanOrEqual(3)
      expect(node.table.lamport).toBeLessThan(highest + 100) // never observed
      expect(node.table.get('p-max')).toBeUndefined()
      expect(node.table.get('before')?.lamport).toBeLessThan(highest + 100)
    }

    // Legitimate writes afterwards: a force-close, a new breaker tripping, a new node's sync.
    sim.node(3).forceClose('before')
    const b = sim.node(1).breaker('fresh', OPTIONS)
    for (let k = 0; k < 5; k++) if (b.tryAcquire()) b.record(false, 1)
    expect(b.state).toBe('open')
    const joiner = sim.add()
    expect(sim.runUntil(() => sim.node(joiner).synced, 5_000)).toBeDefined()
    expect(
      sim.runUntil(
        () =>
          everywhere(sim, (i) => sim.node(i).table.get('before')?.override === 'forced-closed' && sim.node(i).table.get('fresh')?.state === 'open'),
        5_000,
      ),
    ).toBeDefined()
    const write = sim.node(joiner).forceOpen('from-joiner')
    expect(sim.runUntil(() => everywhere(sim, (i) => sim.node(i).table.get('from-joiner')?.lamport === write.lamport), 3_000)).toBeDefined()
    for (const i of sim.live()) expect(Number.isSafeInteger(sim.node(i).table.lamport)).toBe(true)
  })

  it('a ratchet just under the bound is held to maxClockLeap + clockLeapPerSecond × time', () => {
    const maxClockLeap = 1_000_000
    const clockLeapPerSecond = 1_000
    const sim = new FleetSim({ size: 3, swim: 'local', seed: 22, fleetOptions: { maxClockLeap, clockLeapPerSecond } })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
    const evil = new Intruder(sim)
    const start = sim.clock.now()
    let offered = 0
    // Every 100 ms for 20 s, a record just under the bound above the highest clock it could have reached.
    for (let step = 0; step < 200; step++) {
      const top = Math.max(...sim.live().map((i) => sim.node(i).table.lamport))
      offered = top + maxClockLeap - 1
      evil.gossip({ v: 1, type: 'delta', from: evil.id, records: [poison(`r${step}`, offered)] })
      sim.run(100)
    }
    const elapsedS = (sim.clock.now() - start) / 1000
    for (const i of sim.live()) {
      const lamport = sim.node(i).table.lamport
      expect(lamport).toBeLessThanOrEqual(maxClockLeap + elapsedS * clockLeapPerSecond + 1_000)
      expect(sim.node(i).counters.dropped['clock-leap']).toBeGreaterThan(150)
    }
    // The fleet still works.
    const w = sim.node(2).forceOpen('after-ratchet')
    expect(sim.runUntil(() => everywhere(sim, (i) => sim.node(i).table.get('after-ratchet')?.lamport === w.lamport), 3_000)).toBeDefined()
  })
})

describe('poisoned incarnations (FleetSim)', () => {
  it('a member update at 2^53 − 1 or bound + 1 is refused and counted; the member stays alive everywhere', () => {
    const sim = agreed(5, 23)
    const victim = sim.node(2)
    const evil = new Intruder(sim)
    const forged = (incarnation: number, status: 'left' | 'dead' | 'suspect'): Update => ({
      kind: 'member',
      member: { id: victim.id, name: 'victim', addrs: [], incarnation, status },
    })
    for (const i of sim.live()) {
      evil.send(i, 'swim', { v: 1, type: 'ping', from: evil.id, seq: 1, updates: [forged(Number.MAX_SAFE_INTEGER, 'left')] })
      evil.send(i, 'swim', { v: 1, type: 'ping', from: evil.id, seq: 2, updates: [forged(DEFAULT_MAX_LEAP + 1, 'dead')] })
    }
    sim.run(3_000)
    for (const i of sim.live()) {
      expect(sim.node(i).counters.dropped['incarnation-leap']).toBe(2)
      expect(sim.node(i).swim.member(victim.id)?.status).toBe('alive')
      expect(sim.node(i).swim.member(victim.id)?.incarnation).toBeLessThan(10)
    }
    // Within the bound, a forged `left` is refuted by the victim, as SWIM intends.
    for (const i of sim.live()) evil.send(i, 'swim', { v: 1, type: 'ping', from: evil.id, seq: 3, updates: [forged(1_000, 'left')] })
    expect(sim.runUntil(() => everywhere(sim, (i) => sim.node(i).swim.member(victim.id)?.status === 'alive' && sim.node(i).swim.member(victim.id)!.incarnation === 1_001), 5_000)).toBeDefined()
    expect(sim.viewsAgree()).toBe(true)
  })
})
