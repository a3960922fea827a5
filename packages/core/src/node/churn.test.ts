import { describe, expect, it } from 'vitest'
import { FleetSim } from '../testing/FleetSim.js'
import type { SimPacket } from '../testing/FleetSim.js'
import { decodeMessage } from '../wire/codec.js'
import { WireError } from '../wire/WireError.js'

const OPTIONS = { failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 }, cooldownMs: 500 } as const

describe('churn hygiene (FleetSim)', () => {
  it('vector clocks and the gone-member list shrink back after short-lived members leave', () => {
    const vclockTtlMs = 10_000
    const sim = new FleetSim({ size: 3, swim: 'local', seed: 61, fleetOptions: { vclockTtlMs } })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
    // 20 members come, write the shared breaker, and leave.
    for (let k = 0; k < 20; k++) {
      const i = sim.add()
      expect(sim.runUntil(() => sim.node(i).synced, 5_000)).toBeDefined()
      sim.node(i).forceOpen('shared', `from ${k}`)
      sim.run(300)
      if (k % 2 === 0) sim.stop(i)
      else sim.crash(i)
      sim.run(200)
    }
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).table.get('shared')?.reason.startsWith('from 19')), 5_000)).toBeDefined()
    const wide = Object.keys(sim.node(0).table.get('shared')!.vclock).length
    expect(wide).toBeGreaterThanOrEqual(20)
    expect(sim.node(0).goneTracked).toBeGreaterThan(10)
    // One TTL (plus a pruning pass) after the last one went, only live writers remain, and the gone ids are forgotten.
    sim.run(vclockTtlMs + 30_000)
    for (const i of sim.live()) {
      const vclock = sim.node(i).table.get('shared')!.vclock
      expect(Object.keys(vclock).every((id) => sim.live().some((j) => sim.node(j).id === id))).toBe(true)
      expect(sim.node(i).goneTracked).toBe(0)
    }
    console.log(`vclock of 'shared': ${wide} entries after 20 short-lived writers, ${Object.keys(sim.node(0).table.get('shared')!.vclock).length} one TTL later`)
  })

  it('redials of dead members back off: failed sync attempts do not grow with the number of dead members', () => {
    const sim = new FleetSim({ size: 20, swim: 'local', seed: 62 })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
    for (const i of sim.live()) sim.node(i).breaker('dep', OPTIONS)
    const dead = new Set<string>()
    for (let i = 5; i < 20; i++) {
      dead.add(sim.node(i).id)
      sim.crash(i)
    }
    let attempts = 0
    const send = sim.net.send.bind(sim.net)
    sim.net.send = (from: string, to: string, packet: SimPacket): boolean => {
      if (dead.has(to)) {
        const m = decodeMessage(packet.bytes)
        if (!(m instanceof WireError) && m.type === 'sync-req' && m.part === 0) attempts++
      }
      return send(from, to, packet)
    }
    const windowMs = 60_000 // the local profile's reconnect timeout
    sim.run(windowMs)
    const perNodePerSecond = attempts / 5 / (windowMs / 1000)
    const reconnect = sim.swim
    // Without backoff: every dead member every reconnectIntervalMs.
    const linear = dead.size / (reconnect.reconnectIntervalMs / 1000)
    console.log(`sync attempts to ${dead.size} dead members: ${perNodePerSecond.toFixed(2)}/s per node (every interval, every member: ${linear}/s)`)
    expect(perNodePerSecond).toBeLessThanOrEqual(reconnect.reconnectsPerInterval / (reconnect.reconnectIntervalMs / 1000))
    expect(perNodePerSecond).toBeLessThan(linear / 4)
  })
})
