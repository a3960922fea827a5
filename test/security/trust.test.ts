/**
 * Trust on real processes: only holders of the fleet key connect, only nodes
 * of the same fleet merge, and a process outside the fleet (no key, another
 * key, another fleet's name) changes no member status and no record, however
 * it forges its SWIM, sync or gossip frames.
 */
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { encodeMessage, formatFleetKey } from '@breaker-mesh/core'
import type { BreakerRecord, Member, WireMessage } from '@breaker-mesh/core'
import type { MeshStats } from '@breaker-mesh/mesh'
import { observeFor, pollUntil } from '../../scripts/lib/poll.mjs'
import { runJsonScript } from '../../scripts/lib/runJsonScript.mjs'
import { forceOpenEverywhere, killAll, seedHostPort, spawnFleet, spawnNode, viewOf as view, waitFullMembership } from '../helpers/processFleet.js'
import type { NodeProcess } from '../helpers/processFleet.js'

const OUTSIDER = fileURLToPath(new URL('../fixtures/outsider.mjs', import.meta.url))
const newKey = (): string => formatFleetKey(randomBytes(32))

afterEach(() => killAll())
afterAll(() => killAll())

const stats = async (n: NodeProcess): Promise<MeshStats> => (await n.command<{ stats: MeshStats }>({ cmd: 'stats' })).stats
const refused = async (n: NodeProcess, reason: string): Promise<number> => (await stats(n)).refused[reason] ?? 0

/** Assert `check` holds at every look for `ms` (an invariant over a window, not a sleep-then-look). */
async function holdsFor(ms: number, check: () => Promise<void>): Promise<void> {
  await observeFor(
    ms,
    async () => {
      await check()
      return 1
    },
    { intervalMs: 250 },
  )
}

/** The fleet is intact: exactly its own members, all alive at incarnation 0, and no breaker named `name`. */
async function expectUntouched(fleet: NodeProcess[], name: string): Promise<void> {
  const ids = fleet.map((n) => n.id).sort()
  for (const n of fleet) {
    const v = await view(n)
    expect(v.members.map((m) => m.id).sort(), `${n.name} members`).toEqual(ids)
    for (const m of v.members) expect([m.status, m.incarnation], `${n.name} sees ${m.name}`).toEqual(['alive', 0])
    expect(v.breakers.find((b) => b.name === name), `${n.name} breaker ${name}`).toBeUndefined()
  }
}

const allAlive = (fleet: NodeProcess[]): Promise<void> => waitFullMembership(fleet)

describe('fleet key and fleet binding (real processes)', () => {
  it('a node of another fleet holding the same key is absent from every members list 10 s later, and its force-open reaches no node', async () => {
    const key = newKey()
    const prod = await spawnFleet(3, { fleet: 'prod', fleetKey: key })
    await allAlive(prod)
    const evil = await spawnNode({ name: 'evil', fleet: 'evil', fleetKey: key, join: [seedHostPort(prod[0]!.loopbackAddr)], joinTimeoutMs: 2000 })
    // The attempt happened: the seed saw it and counted it.
    await pollUntil(async () => (await refused(prod[0]!, 'foreign-fleet')) > 0, { timeoutMs: 15_000, what: 'prod n1 to count the foreign-fleet node' })
    await evil.command({ cmd: 'force-open', name: 'payments', reason: 'from another fleet' })
    await holdsFor(10_000, async () => {
      await expectUntouched(prod, 'payments')
      for (const n of prod) expect((await view(n)).members.some((m) => m.id === evil.id)).toBe(false)
    })
    // The evil node's own view never got the fleet either.
    expect((await view(evil)).members.map((m) => m.id)).toEqual([evil.id])
    // Control: the same fleet still spreads a member's own override.
    await forceOpenEverywhere(prod, prod[1]!, 'control', 15_000)
  })

  it('a node with no key or a wrong key gets no connection, and the refusal counter rises', async () => {
    const key = newKey()
    const prod = await spawnFleet(2, { fleet: 'prod', fleetKey: key })
    await allAlive(prod)
    const seed = [seedHostPort(prod[0]!.loopbackAddr)]
    const before = await refused(prod[0]!, 'fleet-key')
    const nokey = await spawnNode({ name: 'nokey', fleet: 'prod', join: seed, joinTimeoutMs: 1000 })
    await pollUntil(async () => (await refused(prod[0]!, 'fleet-key')) > before, { timeoutMs: 15_000, what: 'the refusal of the keyless node to be counted' })
    const afterNoKey = await refused(prod[0]!, 'fleet-key')
    const wrong = await spawnNode({ name: 'wrongkey', fleet: 'prod', fleetKey: newKey(), join: seed, joinTimeoutMs: 1000 })
    await pollUntil(async () => (await refused(prod[0]!, 'fleet-key')) > afterNoKey, { timeoutMs: 15_000, what: 'the refusal of the wrong-key node to be counted' })
    await holdsFor(3000, async () => {
      for (const n of prod) {
        const ids = (await view(n)).members.map((m) => m.id)
        expect(ids).not.toContain(nokey.id)
        expect(ids).not.toContain(wrong.id)
      }
      expect((await view(nokey)).members.map((m) => m.id)).toEqual([nokey.id])
      expect((await view(wrong)).members.map((m) => m.id)).toEqual([wrong.id])
    })
    // The refusal shows in /metrics' source: the node's stats.
    expect((await stats(prod[0]!)).refused['fleet-key']).toBeGreaterThanOrEqual(2)
  })
})

interface OutsiderResult {
  connected: boolean
  dialError: string | null
  streams: Record<string, string>
  published: number
  publishErrors: string[]
}

/** One run of the outsider process; resolves with the result line it prints. */
const runOutsider = (config: Record<string, unknown>): Promise<OutsiderResult> => runJsonScript<OutsiderResult>(OUTSIDER, config, { timeoutMs: 60_000 })

describe('a process outside the fleet cannot change any member or record (real processes)', () => {
  it('forged SWIM, sync and gossip frames from no key, a wrong key, or another fleet change nothing', async () => {
    const key = newKey()
    const prod = await spawnFleet(3, { fleet: 'prod', fleetKey: key })
    await allAlive(prod)
    const [n1, n2, n3] = prod as [NodeProcess, NodeProcess, NodeProcess]
    const v = await view(n1)
    const member = (n: NodeProcess, status: Member['status'], incarnation: number): Member => {
      const m = v.members.find((x) => x.id === n.id)!
      return { id: m.id, name: m.name, addrs: m.addrs, incarnation, status }
    }
    const record: BreakerRecord = {
      name: 'payments',
      state: 'open',
      override: 'forced-open',
      cooldownMs: 5000,
      openCount: 1,
      prober: null,
      reason: 'forged',
      origin: n2.id,
      lamport: 1000,
      vclock: { [n2.id]: 1000 },
      wallTime: Date.now(),
    }
    const forged: WireMessage[] = [
      // "n2 says": n2 has left, n3 is dead, and payments is forced open.
      { v: 1, type: 'ping', from: n2.id, seq: 1, updates: [{ kind: 'member', member: member(n2, 'left', 5) }, { kind: 'member', member: member(n3, 'dead', 5) }, { kind: 'record', record }] },
      { v: 1, type: 'delta', from: n2.id, records: [record] },
      { v: 1, type: 'sync-res', from: n2.id, members: [member(n3, 'dead', 7)], records: [record], want: [], session: 1, part: 0, messages: 1 },
    ]
    const frames = forged.map((m) => Buffer.from(encodeMessage(m)).toString('base64'))
    const prodProtocols = ['/breaker-mesh/prod/swim/1.0.0', '/breaker-mesh/prod/sync/1.0.0']
    const refusedBefore = await refused(n1, 'fleet-key')

    const noKey = await runOutsider({ target: n1.loopbackAddr, key: null, protocols: prodProtocols, frames, topic: '/breaker-mesh/prod/records/1', gossip: frames.slice(1, 2), settleMs: 500 })
    expect(noKey.connected).toBe(false)
    expect(Object.values(noKey.streams).every((s) => s !== 'written')).toBe(true)
    expect(noKey.published === 0 || noKey.publishErrors.length === 0).toBe(true) // it may "publish" to zero peers

    const wrongKey = await runOutsider({ target: n1.loopbackAddr, key: newKey(), protocols: prodProtocols, frames, topic: '/breaker-mesh/prod/records/1', gossip: frames.slice(1, 2), settleMs: 500 })
    expect(wrongKey.connected).toBe(false)
    expect(Object.values(wrongKey.streams).every((s) => s !== 'written')).toBe(true)
    await pollUntil(async () => (await refused(n1, 'fleet-key')) >= refusedBefore + 2, { timeoutMs: 15_000, what: 'both refusals to be counted' })

    // The right key, another fleet's name: it connects, but speaks its own fleet's protocols and topic.
    const otherFleet = await runOutsider({
      target: n1.loopbackAddr,
      key,
      protocols: ['/breaker-mesh/evil/swim/1.0.0', '/breaker-mesh/evil/sync/1.0.0'],
      frames,
      topic: '/breaker-mesh/evil/records/1',
      gossip: frames.slice(1, 2),
      settleMs: 500,
    })
    expect(otherFleet.connected).toBe(true)
    for (const outcome of Object.values(otherFleet.streams)) expect(outcome).toMatch(/protocol/i)

    await holdsFor(3000, () => expectUntouched(prod, 'payments'))
  })
})
