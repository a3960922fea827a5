import { describe, expect, it } from 'vitest'
import { cluster, config, INTERVAL, member, memberUpdate, node, ping, TIMEOUT } from './fixtures/swimRouter.js'
import { Swim } from './Swim.js'
import { resolveSwimConfig } from './SwimConfig.js'
import { isMemberUpdate } from './SwimMessage.js'
import type { Member } from './Member.js'
import { remainingSuspicionTime, suspicionTimeout } from './timeouts.js'
import type { MemberStatus } from '../types.js'

describe('Swim', () => {
  it('knows itself, alive at incarnation 0', () => {
    const a = node('a')
    expect(a.self).toBe('a')
    expect(a.incarnation).toBe(0)
    expect(a.members()).toEqual([member('a')])
    expect(a.aliveIds()).toEqual(['a'])
  })

  it('validates its options', () => {
    expect(() => new Swim({ self: { id: '', name: 'x', addrs: [] }, config, now: 0 })).toThrow(RangeError)
    expect(() => new Swim({ self: { id: 'a', name: 'a', addrs: [] }, config, now: Number.NaN })).toThrow(/now must be a finite number/)
    expect(() => new Swim({ self: { id: 'a', name: 'a', addrs: [] }, config: { ...config, probeTimeoutMs: 0 }, now: 0 })).toThrow(/probeTimeoutMs/)
  })

  it('pings one member per probe interval and ends the probe on its ack', () => {
    const router = cluster(['a', 'b'])
    router.run(0, 10 * INTERVAL)
    const pings = router.log.filter((m) => m.from === 'a' && m.message.type === 'ping')
    expect(pings.length).toBeGreaterThanOrEqual(9)
    expect(pings.length).toBeLessThanOrEqual(11)
    for (const p of pings) {
      const ack = router.log.find((m) => m.from === 'b' && m.message.type === 'ack' && m.message.seq === p.message.seq)
      expect(ack?.to).toBe('a')
    }
    expect(router.log.some((m) => m.message.type === 'ping-req')).toBe(false)
    expect(router.nodes.get('a')?.member('b')?.status).toBe('alive')
  })

  it('visits every member once per pass of its shuffled round-robin', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f']
    const router = cluster(ids)
    router.run(0, 25 * INTERVAL)
    const targets = router.log.filter((m) => m.from === 'a' && m.message.type === 'ping').map((m) => m.to)
    // Skip the first pass, which may start mid-list; then each window of 5 consecutive probes is a permutation.
    for (let start = 5; start + 5 <= 20; start += 5) {
      expect(new Set(targets.slice(start, start + 5)).size).toBe(5)
    }
  })

  it('asks k others to ping a target that missed the direct ping, and relays the ack with the original seq', () => {
    const ids = ['a', 'b', 'c', 'd', 'e']
    const router = cluster(ids)
    const a = router.nodes.get('a') as Swim
    // The direct path between a and its first target is cut; every other path works.
    const first = a.tick(INTERVAL)
    const probe = first.find((o) => o.message.type === 'ping')
    expect(probe).toBeDefined()
    const target = probe!.to
    router.drop = (from, to) => (from === 'a' && to === target) || (from === target && to === 'a')
    router.send('a', first, INTERVAL)

    const indirect = a.tick(INTERVAL + TIMEOUT)
    const reqs = indirect.filter((o) => o.message.type === 'ping-req')
    expect(reqs).toHaveLength(config.indirectChecks)
    for (const r of reqs) {
      expect(r.to).not.toBe(target)
      expect(r.to).not.toBe('a')
      expect(r.message).toMatchObject({ type: 'ping-req', from: 'a', seq: probe!.message.seq, target })
    }
    router.send('a', indirect, INTERVAL + TIMEOUT)
    const relayed = router.log.filter((m) => m.to === 'a' && m.message.type === 'ack' && m.message.seq === probe!.message.seq)
    expect(relayed).toHaveLength(config.indirectChecks)
    expect(relayed.every((m) => m.from !== target)).toBe(true)
    // The probe succeeded: no suspicion at the end of the interval.
    router.send('a', a.tick(2 * INTERVAL), 2 * INTERVAL)
    expect(a.member(target)?.status).toBe('alive')
  })

  it('suspects a target with no ack by the end of the interval, re-probes it with the suspicion first, then declares it dead', () => {
    const ids = ['a', 'b', 'c', 'd']
    const router = cluster(ids)
    router.nodes.delete('d') // crashed: messages to it vanish
    const a = router.nodes.get('a') as Swim
    let suspectedAt: number | null = null
    let multiplier = 0
    let deadAt: number | null = null
    a.onMemberChange((m, previous) => {
      if (m.id !== 'd') return
      if (m.status === 'suspect' && suspectedAt === null) {
        suspectedAt = now
        multiplier = a.healthScore + 1 // the failed probe raised it; the suspicion is stretched alike
      }
      if (m.status === 'dead') {
        deadAt = now
        expect(previous).toBe('suspect')
      }
    })
    let now = 0
    for (; now <= 40 * INTERVAL && deadAt === null; now += 10) router.send('a', a.tick(now), now)
    expect(suspectedAt).not.toBeNull()
    expect(deadAt).not.toBeNull()
    // The next probe after the suspicion goes to the suspect, carrying the suspicion first.
    const afterSuspicion = router.log.filter((m) => m.from === 'a' && m.message.type === 'ping' && m.to === 'd')
    const reprobe = afterSuspicion.find((m) => m.message.updates[0] !== undefined && isMemberUpdate(m.message.updates[0]) && m.message.updates[0].member.status === 'suspect')
    expect(reprobe).toBeDefined()
    // b and c heard the suspicion from a (one sender each, no confirmations) and would time out themselves too.
    expect(router.nodes.get('b')?.member('d')?.status).toMatch(/suspect|dead/)
    // Dead within the full suspicion timeout (n = 4 live members at the time, stretched by a's health) plus a tick.
    expect(multiplier).toBe(2)
    const max = suspicionTimeout(config.suspicionMult, 4, INTERVAL) * multiplier
    expect(deadAt! - suspectedAt!).toBeGreaterThanOrEqual(max * config.suspicionMinFraction)
    expect(deadAt! - suspectedAt!).toBeLessThanOrEqual(max + 10)
    expect(a.aliveIds()).not.toContain('d')
  })

  it('acks a ping from an unknown node without adding it', () => {
    const a = node('a')
    const out = a.receive(ping('stranger', 42), 5)
    expect(out).toEqual([{ to: 'stranger', message: expect.objectContaining({ type: 'ack', from: 'a', seq: 42 }) }])
    expect(a.member('stranger')).toBeUndefined()
  })

  it('learns unknown members only from alive updates', () => {
    const a = node('a')
    a.receive(ping('b', 1, [memberUpdate(member('x', 3, 'alive')), memberUpdate(member('y', 0, 'suspect')), memberUpdate(member('z', 0, 'dead'))]), 0)
    expect(a.member('x')).toEqual(member('x', 3))
    expect(a.member('y')).toBeUndefined()
    expect(a.member('z')).toBeUndefined()
    expect(a.member('b')).toBeUndefined()
  })

  it('lists an unknown member as dead (unconfirmed) when a confirmed member reports it dead, never as suspect', () => {
    const a = node('a', ['b'])
    a.receive(ping('b', 1, [memberUpdate(member('y', 0, 'suspect')), memberUpdate(member('z', 2, 'dead'))]), 0)
    expect(a.member('y')).toBeUndefined()
    expect(a.member('z')).toEqual(member('z', 2, 'dead'))
    expect(a.isConfirmed('z')).toBe(false)
  })

  it('refutes a suspicion of itself with a higher incarnation, carried in the ack', () => {
    const a = node('a', ['b'])
    const out = a.receive(ping('b', 9, [memberUpdate(member('a', 0, 'suspect'))]), 0)
    expect(a.incarnation).toBe(1)
    expect(a.member('a')).toEqual(member('a', 1, 'alive'))
    const ack = out[0]?.message
    expect(ack?.type).toBe('ack')
    expect(ack?.updates).toContainEqual(memberUpdate(member('a', 1, 'alive')))
    // A stale suspicion (lower incarnation) is answered with the current view, without a new refutation.
    const again = a.receive(ping('b', 10, [memberUpdate(member('a', 0, 'dead'))]), 1)
    expect(a.incarnation).toBe(1)
    expect(again[0]?.message.updates[0]).toEqual(memberUpdate(member('a', 1, 'alive')))
  })

  it('corrects a sender of stale news in its ack', () => {
    const a = node('a', ['b', 'c'])
    a.receive(ping('b', 1, [memberUpdate(member('c', 2, 'alive'))]), 0)
    const out = a.receive(ping('b', 2, [memberUpdate(member('c', 1, 'suspect'))]), 1)
    expect(a.member('c')?.incarnation).toBe(2)
    expect(out[0]?.message.updates[0]).toEqual(memberUpdate(member('c', 2, 'alive')))
  })

  it('applies the incarnation rules to gossip', () => {
    const a = node('a', ['b'])
    const hear = (m: Member): void => void a.receive(ping('c', 1, [memberUpdate(m)]), 0)
    hear(member('b', 0, 'suspect'))
    expect(a.member('b')?.status).toBe('suspect')
    hear(member('b', 0, 'alive')) // same incarnation cannot refute
    expect(a.member('b')?.status).toBe('suspect')
    hear(member('b', 1, 'alive'))
    expect(a.member('b')).toEqual(member('b', 1, 'alive'))
    hear(member('b', 1, 'dead'))
    expect(a.member('b')?.status).toBe('dead')
    hear(member('b', 1, 'suspect'))
    expect(a.member('b')?.status).toBe('dead')
    hear(member('b', 2, 'alive')) // back from the dead
    expect(a.member('b')).toEqual(member('b', 2, 'alive'))
    expect(a.aliveIds()).toContain('b')
  })

  it('shortens a suspicion with confirmations from distinct senders', () => {
    const big = ['a', ...Array.from({ length: 20 }, (_, i) => `m${i}`)]
    const timeline = (confirmers: string[]): number => {
      const a = node('a', big.slice(1))
      a.receive(ping('m1', 1, [memberUpdate(member('m0', 0, 'suspect'))]), 0)
      for (const c of confirmers) a.receive(ping(c, 2, [memberUpdate(member('m0', 0, 'suspect'))]), 0)
      for (let now = 0; now < 60 * INTERVAL; now += 5) {
        // Every probe is answered, so our own probes neither confirm nor refute anything.
        for (const o of a.tick(now)) if (o.message.type === 'ping') a.receive({ v: 1, type: 'ack', from: o.to, seq: o.message.seq, updates: [] }, now)
        if (a.member('m0')?.status === 'dead') return now
      }
      return Infinity
    }
    const n = big.length
    const max = suspicionTimeout(config.suspicionMult, n, INTERVAL)
    const min = max * config.suspicionMinFraction
    const k = config.suspicionMult - 2
    const alone = timeline([])
    const confirmed = timeline(['m2', 'm2', 'm1']) // m2 counts once, m1 is the accuser
    expect(alone).toBeGreaterThanOrEqual(max)
    expect(alone).toBeLessThan(max + 5)
    const expected = remainingSuspicionTime(1, k, 0, min, max)
    expect(confirmed).toBeGreaterThanOrEqual(expected)
    expect(confirmed).toBeLessThan(expected + 5)
    expect(confirmed).toBeLessThan(alone)
  })

  it('merges members out of band: adds alive ones, suspects rather than kills live ones, refutes about itself', () => {
    const a = node('a', ['b'])
    a.mergeMembers([member('c', 4), member('d', 0, 'suspect'), member('e', 0, 'dead'), member('b', 0, 'dead')], 0)
    expect(a.member('c')).toEqual(member('c', 4))
    expect(a.member('d')).toBeUndefined()
    expect(a.member('e')).toBeUndefined()
    expect(a.member('b')?.status).toBe('suspect') // dead in the list, alive here: suspected, gets a chance to refute
    a.mergeMembers([member('a', 3, 'dead')], 1)
    expect(a.incarnation).toBe(4)
    a.mergeMembers([member('a', 2, 'left')], 2) // older than ours: ignored
    expect(a.incarnation).toBe(4)
    a.mergeMembers([member('a', 4, 'suspect')], 3)
    expect(a.incarnation).toBe(5)
  })

  it('reports member changes after the fact, once per change, and stops after unsubscribe', () => {
    const a = node('a')
    const seen: Array<[string, MemberStatus, MemberStatus | null]> = []
    const off = a.onMemberChange((m, previous) => seen.push([m.id, m.status, previous]))
    a.mergeMembers([member('b')], 0)
    a.mergeMembers([member('b')], 0) // no change
    a.receive(ping('c', 1, [memberUpdate(member('b', 0, 'suspect'))]), 0)
    a.receive(ping('c', 1, [memberUpdate(member('b', 1, 'alive'))]), 0)
    a.receive(ping('c', 1, [memberUpdate({ ...member('b', 2), addrs: ['mem://moved'] })]), 0)
    off()
    a.receive(ping('c', 1, [memberUpdate(member('b', 3, 'dead'))]), 0)
    expect(seen).toEqual([
      ['b', 'alive', null],
      ['b', 'suspect', 'alive'],
      ['b', 'alive', 'suspect'],
      ['b', 'alive', 'alive'], // new address
    ])
  })

  it('rethrows a listener error after every listener ran and the state changed', () => {
    const a = node('a')
    const calls: string[] = []
    a.onMemberChange(() => {
      calls.push('first')
      throw new Error('listener bug')
    })
    a.onMemberChange(() => calls.push('second'))
    expect(() => a.mergeMembers([member('b')], 0)).toThrow('listener bug')
    expect(calls).toEqual(['first', 'second'])
    expect(a.member('b')?.status).toBe('alive')
  })

  it('leaves gracefully: left at incarnation + 1 sent to k + 1 members, then silent but still acking', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f']
    const router = cluster(ids)
    router.run(0, 3 * INTERVAL)
    const a = router.nodes.get('a') as Swim
    const out = a.leave(3 * INTERVAL + 1)
    expect(out).toHaveLength(config.indirectChecks + 1)
    for (const o of out) {
      expect(o.message.type).toBe('ping')
      expect(o.message.updates[0]).toEqual(memberUpdate(member('a', 1, 'left')))
    }
    expect(a.member('a')?.status).toBe('left')
    expect(a.aliveIds()).not.toContain('a')
    expect(a.leave(3 * INTERVAL + 2)).toEqual([])
    expect(a.tick(10 * INTERVAL)).toEqual([])
    expect(a.receive(ping('b', 77, [memberUpdate(member('a', 1, 'suspect'))]), 10 * INTERVAL)[0]?.message).toMatchObject({ type: 'ack', seq: 77 })
    expect(a.incarnation).toBe(1) // no refutation after leaving
    expect(a.receive({ v: 1, type: 'ping-req', from: 'b', seq: 5, target: 'c', updates: [] }, 10 * INTERVAL)).toEqual([])
  })

  it('returns dead members for reconnection, backing off, until the reconnect timeout, and forgets them later', () => {
    const cfg = resolveSwimConfig({ profile: 'local', gossipNodes: 0, reconnectIntervalMs: 1000, reconnectTimeoutMs: 3500, deadMemberRetentionMs: 5000 })
    const a = node('a', ['b', 'c'], cfg)
    a.receive(ping('c', 1, [memberUpdate(member('b', 0, 'dead')), memberUpdate({ ...member('c', 1, 'left') })]), 100)
    expect(a.reconnectDue(100)).toEqual([])
    expect(a.reconnectDue(1099)).toEqual([])
    expect(a.reconnectDue(1100)).toEqual([member('b', 0, 'dead')]) // left members are never retried
    expect(a.reconnectDue(1500)).toEqual([])
    expect(a.reconnectDue(2100)).toEqual([]) // the second retry waits twice as long
    expect(a.reconnectDue(3099)).toEqual([])
    expect(a.reconnectDue(3100)).toHaveLength(1)
    expect(a.reconnectDue(3600)).toEqual([]) // past the reconnect timeout
    a.tick(5099)
    expect(a.member('b')?.status).toBe('dead')
    a.tick(5100)
    expect(a.member('b')).toBeUndefined()
    expect(a.member('c')).toBeUndefined()
    expect(a.members().map((m) => m.id)).toEqual(['a'])
  })
})
