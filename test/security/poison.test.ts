/**
 * A buggy or compromised key holder on real processes (test/fixtures/attacker.mjs
 * holding the fleet key, sending messages built with the project's own codec):
 * poisoned clocks, a table flood, phantom members and unprintable names. Each
 * test asserts the bound or the counter on the honest nodes, and that the
 * fleet still works afterwards.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { BreakerRecord, Member } from '@breaker-mesh/core'
import { observeFor, pollUntil } from '../../scripts/lib/poll.mjs'
import { killAll, seedHostPort, spawnNode } from '../helpers/processFleet.js'
import type { NodeProcess } from '../helpers/processFleet.js'
import { attack, keyedFleet, stats, stillSpreads, view } from './hostileKit.js'

afterEach(() => killAll())
afterAll(() => killAll())

/** A record as the attacker writes it ("$self" becomes its own peer id). */
function record(name: string, lamport: number, override: BreakerRecord['override'] = null): BreakerRecord {
  return {
    name,
    state: override === 'forced-open' ? 'open' : 'closed',
    override,
    cooldownMs: 5000,
    openCount: 0,
    prober: null,
    reason: 'from the attacker',
    origin: '$self',
    lamport,
    vclock: { $self: Math.min(lamport, 1) },
    wallTime: Date.now(),
  }
}

const delta = (records: BreakerRecord[]) => ({ channel: 'gossip', message: { v: 1, type: 'delta', from: '$self', records } })
const dropped = async (n: NodeProcess, reason: string): Promise<number> => (await stats(n)).gossip.dropped[reason] ?? 0

describe('poisoned clocks (real processes)', () => {
  it('records at 2^53 − 1 and just past the leap bound are refused and counted, never observed; later writes and a joining node still sync', async () => {
    const { key, fleet, target } = await keyedFleet(3)
    const r = await attack({
      target, key, fleet: 'prod', attack: 'messages',
      messages: [delta([record('poison-max', Number.MAX_SAFE_INTEGER), record('poison-leap', 2 ** 40 + 1_000)])],
    })
    expect(r.ok).toBe(true)
    // The attacker reaches node 1 (its only connection); gossipsub may relay to the others.
    await pollUntil(
      async () => {
        const d = (await stats(fleet[0]!)).gossip.dropped
        return (d['clock-leap'] ?? 0) + (d['bad-field'] ?? 0) >= 2
      },
      { timeoutMs: 15_000, what: 'node 1 to refuse both poisoned records' },
    )
    for (const n of fleet) {
      const s = await stats(n)
      expect(s.table.lamport).toBeLessThan(1_000) // never observed
      const names = (await view(n)).breakers.map((b) => b.name)
      expect(names).not.toContain('poison-max')
      expect(names).not.toContain('poison-leap')
    }
    // Every later legitimate write still reaches every node, and a new node syncs.
    await stillSpreads(fleet, fleet[1]!, 'after-clock-poison')
    await fleet[2]!.command({ cmd: 'force-close', name: 'after-clock-poison' })
    const late = await spawnNode({ name: 'late', fleet: 'prod', fleetKey: key, join: [seedHostPort(target)] })
    await pollUntil(async () => (await view(late)).breakers.find((b) => b.name === 'after-clock-poison')?.override === 'forced-closed', { timeoutMs: 15_000, what: 'the new node to hold the latest override' })
  })

  it('an incarnation at 2^53 − 1 for a live member is refused and counted; the member stays alive everywhere', async () => {
    const { key, fleet, target } = await keyedFleet(3)
    const victim = (await view(fleet[0]!)).members.find((m) => m.id === fleet[1]!.id)!
    const forged = (status: Member['status'], incarnation: number): Member => ({ id: victim.id, name: victim.name, addrs: victim.addrs, incarnation, status })
    const r = await attack({
      target, key, fleet: 'prod', attack: 'messages',
      messages: [
        { channel: 'swim', message: { v: 1, type: 'ping', from: '$self', seq: 1, updates: [{ kind: 'member', member: forged('left', Number.MAX_SAFE_INTEGER) }] } },
        { channel: 'swim', message: { v: 1, type: 'ping', from: '$self', seq: 2, updates: [{ kind: 'member', member: forged('dead', 2 ** 40 + 1) }] } },
      ],
    })
    expect(r.ok).toBe(true)
    await pollUntil(async () => (await dropped(fleet[0]!, 'incarnation-leap')) + (await dropped(fleet[0]!, 'bad-field')) >= 2, { timeoutMs: 15_000, what: 'both forged incarnations refused' })
    await observeFor(3000, async () => {
      for (const n of fleet) {
        const m = (await view(n)).members.find((x) => x.id === victim.id)
        expect(m?.status, `${n.name} sees ${victim.name}`).toBe('alive')
        expect(m?.incarnation).toBeLessThan(1_000)
      }
      return fleet.length
    })
  })
})

describe('a table flood (real processes)', () => {
  it('500 new names against a 200-record table: evicted, never over the bound; a trip and an operator override on new names still reach every node', async () => {
    const { key, fleet, target } = await keyedFleet(3, { fleetOptions: { maxRecords: 200 }, breakers: { dep: { failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 } } } })
    const names = Array.from({ length: 500 }, (_, i) => `flood-${i}`)
    const messages = []
    for (let i = 0; i < names.length; i += 100) messages.push(delta(names.slice(i, i + 100).map((n, k) => record(n, 10 + i + k))))
    expect((await attack({ target, key, fleet: 'prod', attack: 'messages', messages })).ok).toBe(true)
    await pollUntil(async () => (await stats(fleet[0]!)).table.evicted > 0, { timeoutMs: 15_000, what: 'evictions on the target' })
    // An honest trip after the flood: no crash, and the fleet learns it.
    const r = await fleet[0]!.command<{ counts: { failed: number } }>({ cmd: 'callMany', breaker: 'dep', n: 10, ok: false })
    expect(r.counts.failed).toBeGreaterThanOrEqual(5)
    await pollUntil(
      async () => {
        for (const n of fleet) if ((await view(n)).breakers.find((b) => b.name === 'dep')?.state !== 'open') return false
        return true
      },
      { timeoutMs: 20_000, what: 'the trip to reach every node' },
    )
    await stillSpreads(fleet, fleet[2]!, 'operator-after-flood')
    for (const n of fleet) expect((await stats(n)).table.records).toBeLessThanOrEqual(200)
  })

  it('a table full of overrides: a trip degrades to local-only (counted, shown, no crash), an operator override of a new name is refused (TableFullError; 507 over HTTP)', async () => {
    const { key, fleet, target } = await keyedFleet(2, { fleetOptions: { maxRecords: 50 }, breakers: { dep: { failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 } } } })
    const names = Array.from({ length: 50 }, (_, i) => `pinned-${i}`)
    expect((await attack({ target, key, fleet: 'prod', attack: 'messages', messages: [delta(names.map((n, k) => record(n, 10 + k, 'forced-open')))] })).ok).toBe(true)
    await pollUntil(async () => (await stats(fleet[0]!)).table.records === 50, { timeoutMs: 15_000, what: 'the table to fill with overrides' })
    await fleet[0]!.command({ cmd: 'callMany', breaker: 'dep', n: 10, ok: false })
    await pollUntil(async () => (await stats(fleet[0]!)).localOnly.writes > 0, { timeoutMs: 10_000, what: 'the local-only write to be counted' })
    const dep = (await view(fleet[0]!)).breakers.find((b) => b.name === 'dep')
    expect(dep?.localOnly).toBe(true)
    expect(dep?.state).toBe('open') // the breaker still protects this node
    await expect(fleet[1]!.command({ cmd: 'force-open', name: 'no-room' })).rejects.toThrow(/TableFullError|table is full|ERR_TABLE_FULL/i)
  })
})

describe('phantom members and unprintable names (real processes)', () => {
  it('a sync request listing 200 members nobody runs: ids that are not peer ids are dropped, the rest stay unconfirmed, are never passed on, and drain', async () => {
    const { key, fleet, target } = await keyedFleet(3)
    const { generateKeyPair } = await import('@libp2p/crypto/keys')
    const { peerIdFromPrivateKey } = await import('@libp2p/peer-id')
    const real: Member[] = []
    for (let i = 0; i < 100; i++) {
      real.push({ id: peerIdFromPrivateKey(await generateKeyPair('Ed25519')).toString(), name: `ghost-${i}`, addrs: [`/ip4/127.0.0.1/tcp/${1 + i}`], incarnation: 0, status: 'alive' })
    }
    const junk: Member[] = Array.from({ length: 100 }, (_, i) => ({ id: `not-a-peer-id-${i}`, name: `junk-${i}`, addrs: [], incarnation: 0, status: 'alive' }))
    const syncReq = { v: 1, type: 'sync-req', from: '$self', join: true, members: [...real, ...junk], digest: [], session: 1, part: 0, parts: 1, after: '', through: null }
    expect((await attack({ target, key, fleet: 'prod', attack: 'messages', messages: [{ channel: 'sync', message: syncReq }] })).ok).toBe(true)
    await pollUntil(async () => (await dropped(fleet[0]!, 'bad-member-id')) >= 100, { timeoutMs: 15_000, what: 'the non-peer ids to be dropped' })
    const v = await view(fleet[0]!)
    const listed = v.members.filter((m) => m.name.startsWith('ghost-'))
    expect(listed.every((m) => !m.confirmed)).toBe(true)
    // Unconfirmed phantoms are not passed on: the other members never list them.
    for (const n of fleet.slice(1)) expect((await view(n)).members.some((m) => m.name.startsWith('ghost-'))).toBe(false)
    // Every phantom is forgotten once its introduction pings go unanswered.
    await pollUntil(async () => (await stats(fleet[0]!)).unconfirmedMembers === 0, { timeoutMs: 60_000, what: 'the phantoms to drain' })
    expect((await view(fleet[0]!)).members.filter((m) => m.status === 'alive')).toHaveLength(3)
  })

  it('records whose names carry control, escape or bidi characters are dropped as bad-name and never shown', async () => {
    const { key, fleet, target } = await keyedFleet(2)
    const bad = ['\u001b[31mred', 'line\nbreak', 'rtl\u202eeman']
    expect((await attack({ target, key, fleet: 'prod', attack: 'messages', messages: [delta(bad.map((n, k) => record(n, 5 + k)))] })).ok).toBe(true)
    await pollUntil(async () => (await dropped(fleet[0]!, 'bad-name')) >= 1, { timeoutMs: 15_000, what: 'the bad names to be dropped' })
    for (const n of fleet) {
      const names = (await view(n)).breakers.map((b) => b.name)
      for (const b of bad) expect(names).not.toContain(b)
    }
  })
})
