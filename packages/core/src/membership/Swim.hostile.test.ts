import { INTRODUCTION_ATTEMPTS } from './Introductions.js'
import { describe, expect, it } from 'vitest'
import { seededRandom } from '../testing/seededRandom.js'
import type { SwimMessage, Update } from './SwimMessage.js'
import type { Member } from './Member.js'
import { Swim } from './Swim.js'
import type { SwimOptions } from './Swim.js'
import { resolveSwimConfig } from './SwimConfig.js'
import type { MemberStatus, NodeId } from '../types.js'

const config = resolveSwimConfig({ profile: 'local', gossipNodes: 0 })
const INTERVAL = config.probeIntervalMs

const member = (id: NodeId, incarnation = 0, status: MemberStatus = 'alive'): Member => ({ id, name: id, addrs: [`mem://${id}`], incarnation, status })
const ping = (from: NodeId, seq: number, updates: Update[] = []): SwimMessage => ({ v: 1, type: 'ping', from, seq, updates })
const about = (m: Member): Update => ({ kind: 'member', member: m })

function node(extra: Partial<SwimOptions> = {}, known: NodeId[] = ['b', 'c']): { swim: Swim; drops: string[] } {
  const drops: string[] = []
  const swim = new Swim({ self: { id: 'a', name: 'a', addrs: [] }, config, now: 0, random: seededRandom(3), onDrop: (r) => drops.push(r), ...extra })
  swim.mergeMembers(known.map((id) => member(id)), 0) // vouched for: confirmed
  return { swim, drops }
}

describe('Swim against third-party members', () => {
  it('keeps a member learned from someone else unconfirmed: listed, but not probed, helping, passed on or counted', () => {
    const { swim } = node()
    swim.receive(ping('b', 1, [about(member('ghost'))]), 0, 'b')
    expect(swim.member('ghost')?.status).toBe('alive')
    expect(swim.isConfirmed('ghost')).toBe(false)
    expect(swim.aliveIds().sort()).toEqual(['a', 'b', 'c'])
    expect(swim.sharedMembers().map((m) => m.id).sort()).toEqual(['a', 'b', 'c'])
    // Over many intervals: probes and ping-reqs go to b and c only; ghost gets its introduction pings, one per interval.
    const targets: Record<string, number> = {}
    let now = 0
    for (; now < 20 * INTERVAL; now += 10) {
      for (const o of swim.tick(now)) {
        const key = `${o.message.type}:${o.to}`
        targets[key] = (targets[key] ?? 0) + 1
        if (o.message.type === 'ping-req') expect(o.to).not.toBe('ghost')
        if (o.message.type === 'ping' && o.to !== 'ghost') swim.receive({ v: 1, type: 'ack', from: o.to, seq: o.message.seq, updates: [] }, now)
      }
    }
    expect(targets['ping:ghost']).toBe(INTRODUCTION_ATTEMPTS)
    expect(swim.member('ghost')).toBeUndefined() // never answered: forgotten, never suspected
    expect(swim.forgottenUnconfirmed).toBe(1)
  })

  it('an unconfirmed member that others report dead while it is being introduced stays listed as dead, not forgotten', () => {
    const { swim } = node()
    swim.receive(ping('b', 1, [about(member('d'))]), 0, 'b')
    let now = 0
    for (; now < INTERVAL; now += 10) swim.tick(now) // the first introduction ping to d goes out
    swim.receive(ping('c', 2, [about(member('d', 0, 'dead'))]), now, 'c')
    for (; now < 10 * INTERVAL; now += 10) swim.tick(now) // every introduction is long unanswered
    expect(swim.member('d')?.status).toBe('dead')
    expect(swim.forgottenUnconfirmed).toBe(0)
  })

  it('confirms a member once a message comes from it, and only then passes it on', () => {
    const { swim } = node()
    const seen: string[] = []
    swim.onMemberChange((m) => seen.push(`${m.id}:${m.status}`))
    swim.mergeMembers([member('d'), member('e')], 0, 'b') // a push-pull from b: b first-hand, d and e not
    expect(swim.isConfirmed('d')).toBe(false)
    expect(seen).toEqual([])
    swim.receive(ping('d', 7), 10, 'd')
    expect(swim.isConfirmed('d')).toBe(true)
    expect(swim.aliveIds()).toContain('d')
    expect(seen).toEqual(['d:alive'])
    // A message that only claims to be from e (sent by b) confirms nothing.
    swim.receive(ping('e', 8), 20, 'b')
    expect(swim.isConfirmed('e')).toBe(false)
  })

  it('caps the member list: a third-party newcomer is refused, a first-hand one evicts the oldest unconfirmed member', () => {
    const { swim, drops } = node({ maxMembers: 5 })
    swim.mergeMembers([member('u1'), member('u2'), member('u3')], 0, 'b')
    expect(swim.members()).toHaveLength(5)
    swim.receive(ping('b', 1, [about(member('u4'))]), 0, 'b')
    expect(swim.member('u4')).toBeUndefined()
    expect(drops).toEqual(['member-cap', 'member-cap'])
    swim.receive(ping('real', 2, [about(member('real'))]), 0, 'real')
    expect(swim.isConfirmed('real')).toBe(true)
    expect(swim.member('u1')).toBeUndefined()
    expect(swim.members()).toHaveLength(5)
  })

  it('refuses ids the validator rejects, and incarnations that leap', () => {
    const { swim, drops } = node({ isValidNodeId: (id) => /^[a-z]$/.test(id), incarnationLimits: { maxLeap: 100, leapPerSecond: 1 } })
    swim.mergeMembers([member('not valid'), member('d', 101), member('e', 100)], 0, 'b')
    expect(drops).toEqual(['bad-member-id', 'incarnation-leap'])
    expect(swim.member('e')?.incarnation).toBe(100)
    swim.receive(ping('c', 1, [about(member('b', 101, 'dead'))]), 0, 'c')
    swim.receive(ping('c', 2, [about(member('a', 1_000, 'left'))]), 0, 'c') // ourselves
    expect(drops.slice(2)).toEqual(['incarnation-leap', 'incarnation-leap'])
    expect(swim.member('b')?.status).toBe('alive')
    expect(swim.incarnation).toBe(0)
    swim.receive(ping('c', 3, [about(member('b', 60, 'dead'))]), 0, 'c')
    expect(swim.member('b')?.status).toBe('dead')
    // The budget: 40 left now, refilled at 1 a second.
    swim.receive(ping('c', 4, [about(member('b', 101))]), 0, 'c')
    expect(swim.member('b')?.status).toBe('dead')
    swim.receive(ping('c', 5, [about(member('b', 101))]), 1_000, 'c')
    expect(swim.member('b')).toMatchObject({ status: 'alive', incarnation: 101 })
  })

  it('returns at most reconnectsPerInterval dead members per interval, the most overdue first, each backing off', () => {
    const cfg = resolveSwimConfig({ profile: 'local', gossipNodes: 0, reconnectIntervalMs: 1_000, reconnectMaxIntervalMs: 8_000, reconnectsPerInterval: 4 })
    const swim = new Swim({ self: { id: 'a', name: 'a', addrs: [] }, config: cfg, now: 0, random: seededRandom(4), maxMembers: 500 })
    const ids = Array.from({ length: 200 }, (_, i) => `d${i}`)
    swim.mergeMembers(ids.map((id) => member(id)), 0)
    swim.mergeMembers(ids.map((id) => member(id, 0, 'dead')), 0)
    // (a merge makes a live member suspect first; let the suspicions run out)
    for (let now = 0; now <= 10_000; now += 100) swim.tick(now)
    expect(ids.every((id) => swim.member(id)?.status === 'dead')).toBe(true)
    const perMember = new Map<string, number[]>()
    let maxPerWindow = 0
    for (let now = 10_000; now < 60_000; now += 1_000) {
      const due = swim.reconnectDue(now)
      maxPerWindow = Math.max(maxPerWindow, due.length)
      for (const m of due) perMember.set(m.id, [...(perMember.get(m.id) ?? []), now])
    }
    expect(maxPerWindow).toBe(4)
    const total = [...perMember.values()].reduce((n, times) => n + times.length, 0)
    expect(total).toBeLessThanOrEqual(4 * 50)
    for (const times of perMember.values()) {
      for (let k = 1; k < times.length; k++) expect(times[k]! - times[k - 1]!).toBeGreaterThanOrEqual(Math.min(8_000, 1_000 * 2 ** k))
    }
  })
})
