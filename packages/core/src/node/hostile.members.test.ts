import { describe, expect, it } from 'vitest'
import type { Member } from '../membership/Member.js'
import { rankProbers } from '../table/rendezvous.js'
import { FleetSim } from '../testing/FleetSim.js'
import type { FleetSimOptions } from '../testing/FleetSim.js'
import { Intruder } from '../testing/Intruder.js'
import { WIRE_LIMITS } from '../wire/messages.js'
import type { SyncRequestMessage } from '../wire/messages.js'
import { WireError } from '../wire/WireError.js'

const OPTIONS = { failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 }, cooldownMs: 1_000, halfOpenMaxCalls: 1 } as const

function fleet(size: number, seed: number, extra: Partial<FleetSimOptions> = {}): FleetSim {
  const sim = new FleetSim({ size, swim: 'local', seed, ...extra })
  expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
  return sim
}

const phantom = (i: number, addrs: string[] = [`mem://ghost-${i}`]): Member => ({ id: `ghost-${String(i).padStart(4, '0')}`, name: `ghost ${i}`, addrs, incarnation: 0, status: 'alive' })

function syncReq(from: string, members: Member[]): SyncRequestMessage {
  return { v: 1, type: 'sync-req', from, join: true, members, digest: [], session: 1, part: 0, parts: 1, after: '', through: null }
}

/** Trip `dep` on node 0, then ask every node for a permit every 50 ms; returns [fake ms from trip to the first permit, who got it]. */
function recovery(sim: FleetSim): [number, number] {
  for (const i of sim.live()) sim.node(i).breaker('dep', OPTIONS)
  const b0 = sim.node(0).breaker('dep')
  for (let k = 0; k < 5; k++) if (b0.tryAcquire()) b0.record(false, 1)
  const tripped = sim.clock.now()
  expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).breaker('dep').state === 'open'), 2_000)).toBeDefined()
  let prober = -1
  const took = sim.runUntil(() => {
    for (const i of sim.live()) if (sim.node(i).breaker('dep').tryAcquire()) prober = i
    return prober >= 0
  }, 60_000, 50)
  expect(took).toBeDefined()
  return [sim.clock.now() - tripped, prober]
}

describe('phantom members (FleetSim)', () => {
  it('300 phantoms learned from a third party get no prober slot and do not delay a half-open recovery', () => {
    const baseline = recovery(fleet(5, 41))

    const sim = fleet(5, 41)
    const evil = new Intruder(sim)
    const ghosts = Array.from({ length: 300 }, (_, i) => phantom(i))
    for (const i of sim.live()) evil.send(i, 'sync', syncReq(evil.id, ghosts))
    sim.run(100)
    const real = sim.live().map((i) => sim.node(i).id)
    for (const i of sim.live()) {
      const swim = sim.node(i).swim
      expect(swim.members().length).toBe(305) // listed…
      expect(swim.unconfirmedCount).toBe(300) // …but unconfirmed
      expect(swim.aliveIds().sort()).toEqual([...real].sort()) // so never ranked as probers
    }
    const [took, prober] = recovery(sim)
    expect(sim.node(prober).id).toBe(rankProbers('dep', real)[0])
    // Had the phantoms been ranked, this many claim slots would have passed before the first real member's.
    const ahead = rankProbers('dep', [...real, ...ghosts.map((g) => g.id)]).findIndex((id) => real.includes(id))
    const claimTimeoutMs = sim.node(0).options.claimTimeoutMs
    console.log(
      `half-open recovery after a trip: ${baseline[0]} fake ms without phantoms, ${took} fake ms with 300 ` +
        `(ranked with them: ${ahead} phantom slots first, ≈ ${ahead * claimTimeoutMs} ms more)`,
    )
    expect(took).toBeLessThanOrEqual(baseline[0] + 100)
    expect(took).toBeLessThan(OPTIONS.cooldownMs + 500)
    // The phantoms never answer their introduction ping: each node forgets them.
    expect(sim.runUntil(() => sim.live().every((i) => sim.node(i).swim.unconfirmedCount === 0), 60_000)).toBeDefined()
    for (const i of sim.live()) {
      expect(sim.node(i).swim.forgottenUnconfirmed).toBe(300)
      expect(sim.node(i).swim.members()).toHaveLength(5)
    }
    // They were never passed on, nor marked suspect or dead by anyone.
    expect(sim.viewsAgree()).toBe(true)
  })

  it('the member cap holds and is counted, and a real joiner still gets in', () => {
    const sim = fleet(3, 42, { fleetOptions: { maxMembers: 64 } })
    const evil = new Intruder(sim)
    evil.send(0, 'sync', syncReq(evil.id, Array.from({ length: 200 }, (_, i) => phantom(i))))
    sim.run(50)
    const node = sim.node(0)
    expect(node.swim.members()).toHaveLength(64)
    expect(node.counters.dropped['member-cap']).toBe(200 - 61)
    const joiner = sim.add()
    expect(sim.runUntil(() => sim.viewsAgree(), 30_000)).toBeDefined()
    expect(node.swim.isConfirmed(sim.node(joiner).id)).toBe(true)
    expect(node.swim.members().length).toBeLessThanOrEqual(64)
  })

  it('member ids the validator refuses are dropped and counted', () => {
    const sim = fleet(3, 43, { isValidNodeId: (id) => id.startsWith('node-') })
    const evil = new Intruder(sim)
    evil.send(1, 'sync', syncReq(evil.id, [phantom(1), phantom(2), { ...phantom(3), id: 'node-999' }]))
    sim.run(50)
    expect(sim.node(1).counters.dropped['bad-member-id']).toBe(2)
    expect(sim.node(1).swim.member('node-999')).toBeDefined()
    expect(sim.node(1).swim.isConfirmed('node-999')).toBe(false)
  })

  it("a node's own sync answer is cut into messages every peer accepts, however many members it holds", () => {
    const sim = fleet(2, 44, { fleetOptions: { maxMembers: 6_000 } })
    const fat = Array.from({ length: 4_500 }, (_, i) => phantom(i, Array.from({ length: 4 }, (_, k) => `/dns4/ghost-${i}.example/tcp/${k}/${'x'.repeat(200)}`)))
    sim.node(0).swim.mergeMembers(fat, sim.clock.now()) // vouched for: all confirmed, all passed on
    expect(sim.node(0).swim.sharedMembers()).toHaveLength(4_502)
    const evil = new Intruder(sim)
    evil.send(0, 'sync', syncReq(evil.id, []))
    sim.run(50)
    const answers = evil.received.filter((r) => r.channel === 'sync')
    expect(answers.length).toBeGreaterThan(4)
    for (const a of answers) {
      expect(a.message).not.toBeInstanceOf(WireError)
      expect(a.bytes).toBeLessThanOrEqual(WIRE_LIMITS.maxMessageBytes)
    }
    const parts = evil.repliesOf('sync-res')
    expect(parts.every((p) => p.members.length <= WIRE_LIMITS.maxMembers)).toBe(true)
    expect(new Set(parts.flatMap((p) => p.members.map((m) => m.id))).size).toBe(4_502)
    expect(parts.every((p) => p.messages === parts.length && p.part === 0)).toBe(true)
  })
})
