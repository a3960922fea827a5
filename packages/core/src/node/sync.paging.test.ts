import { describe, expect, it } from 'vitest'
import { FleetSim } from '../testing/FleetSim.js'
import type { SimPacket } from '../testing/FleetSim.js'
import { decodeMessage } from '../wire/codec.js'
import { WIRE_LIMITS } from '../wire/messages.js'
import { WireError } from '../wire/WireError.js'

/** Record the size and type of every message on the simulated network. */
function watch(sim: FleetSim): Array<{ type: string; bytes: number }> {
  const seen: Array<{ type: string; bytes: number }> = []
  const send = sim.net.send.bind(sim.net)
  sim.net.send = (from: string, to: string, packet: SimPacket): boolean => {
    const m = decodeMessage(packet.bytes)
    seen.push({ type: m instanceof WireError ? `error:${m.code}` : m.type, bytes: packet.bytes.byteLength })
    return send(from, to, packet)
  }
  return seen
}

describe('paged push-pull (FleetSim)', () => {
  it('syncs a 10,000-breaker table completely, in messages under maxMessageBytes, to a node cut off while it was written and to a new node', () => {
    const sim = new FleetSim({ size: 3, swim: 'local', seed: 51 })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
    const seen = watch(sim)
    sim.partition([0, 1], [2])
    // 10,000 names of 100 characters, each forced open with a long reason.
    const name = (i: number) => `dependency-${String(i).padStart(5, '0')}.`.padEnd(100, 'x')
    for (let i = 0; i < 10_000; i++) sim.node(i % 2).forceOpen(name(i), `incident ${i} `.padEnd(200, '.'))
    expect(sim.runUntil(() => sim.node(0).table.size === 10_000 && sim.node(1).table.size === 10_000, 10_000)).toBeDefined()
    expect(sim.node(2).table.size).toBe(0)

    sim.heal()
    // (cheap check first: fingerprints of 10,000 records are not free)
    expect(sim.runUntil(() => sim.node(2).table.size === 10_000 && sim.tablesAgree(), 20_000, 100)).toBeDefined()
    const joiner = sim.add()
    expect(sim.runUntil(() => sim.node(joiner).synced, 10_000, 1)).toBeDefined()
    // `synced` means complete: every part of the answer is in.
    expect(sim.node(joiner).table.size).toBe(10_000)
    expect(sim.tablesAgree()).toBe(true)

    const syncs = seen.filter((m) => m.type === 'sync-res' || m.type === 'sync-req')
    const largest = Math.max(...seen.map((m) => m.bytes))
    console.log(
      `10,000 records: ${syncs.length} sync messages, largest message ${largest} bytes (limit ${WIRE_LIMITS.maxMessageBytes}), ` +
        `${seen.filter((m) => m.type === 'sync-res').length} sync answers`,
    )
    expect(seen.filter((m) => m.type.startsWith('error:'))).toEqual([])
    expect(largest).toBeLessThanOrEqual(WIRE_LIMITS.maxMessageBytes)
    expect(seen.filter((m) => m.type === 'sync-res').length).toBeGreaterThan(2)
    for (const i of sim.live()) expect(sim.node(i).counters.dropped).toEqual({})
  })
  it('counts a push-pull complete only when every answer message is in, whatever order they arrive in', () => {
    const sim = new FleetSim({ size: 2, swim: 'local', seed: 52, network: { reorderProbability: 0.5, reorderDelayMs: 200 } })
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
    for (let i = 0; i < 3_000; i++) sim.node(0).forceOpen(`b-${i}`.padEnd(120, 'x'), 'r'.repeat(250))
    expect(sim.runUntil(() => sim.node(1).table.size === 3_000, 10_000)).toBeDefined()
    for (let round = 0; round < 5; round++) {
      const joiner = sim.add()
      expect(sim.runUntil(() => sim.node(joiner).synced, 10_000, 1)).toBeDefined()
      expect(sim.node(joiner).table.size).toBe(3_000)
    }
  })
})
