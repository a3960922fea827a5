import { describe, expect, it } from 'vitest'
import type { Opinion } from '../table/Opinion.js'
import { OpinionDelegate } from './OpinionDelegate.js'

function delegate(ttlMs = 3_000) {
  let now = 1_000
  const live = new Set(['a', 'b', 'c'])
  const changed: string[] = []
  const d = new OpinionDelegate({
    id: 'self',
    retransmitMult: 2,
    ttlMs,
    clusterSize: () => 4,
    now: () => now,
    isLiveMember: (id) => live.has(id),
    knows: (name) => name !== 'unknown-name',
    changed: (name) => changed.push(name),
  })
  return { d, changed, live, at: (t: number) => (now = t) }
}

const op = (over: Partial<Opinion> = {}): Opinion => ({ breaker: 'dep', node: 'a', verdict: 'failing', calls: 20, failures: 15, slow: 0, seq: 1, ageMs: 0, ...over })

describe('OpinionDelegate', () => {
  it('keeps an opinion with its age: a relay sends the age it arrived with plus the time it held it', () => {
    const { d, at } = delegate()
    d.merge(op({ ageMs: 700 }))
    at(1_500)
    expect(d.localState(true)).toEqual([op({ ageMs: 1_200 })]) // relayed (to a joiner)
    expect(d.localState()).toEqual([]) // a periodic push-pull carries only its own
    // past the TTL it is not sent on (nor counted), whoever relays it
    at(3_300)
    expect(d.localState(true)).toEqual([])
  })

  it('refuses an opinion that is already as old as the TTL, so a stale copy is never young again', () => {
    const { d, changed } = delegate(3_000)
    d.merge(op({ ageMs: 3_000 }))
    expect(d.table.size).toBe(0)
    expect(changed).toEqual([])
  })

  it('a higher seq replaces a lower one; a lower or equal one is ignored while the held one is fresh', () => {
    const { d, changed } = delegate()
    d.merge(op({ seq: 5, verdict: 'failing' }))
    d.merge(op({ seq: 4, verdict: 'healthy' }))
    d.merge(op({ seq: 5, verdict: 'healthy' }))
    expect([...d.table.of('dep')].map((h) => [h.seq, h.verdict])).toEqual([[5, 'failing']])
    d.merge(op({ seq: 6, verdict: 'healthy' }))
    expect([...d.table.of('dep')].map((h) => [h.seq, h.verdict])).toEqual([[6, 'healthy']])
    expect(changed).toEqual(['dep', 'dep'])
  })

  it('takes any seq once the held opinion expired (its writer restarted)', () => {
    const { d, at } = delegate(3_000)
    d.merge(op({ seq: 9 }))
    at(5_000)
    d.merge(op({ seq: 1, verdict: 'healthy' }))
    expect([...d.table.of('dep')].map((h) => h.seq)).toEqual([1])
  })

  it('holds nothing from a member that is not live here, nor of a name this node keeps nothing of', () => {
    const { d, live } = delegate()
    live.delete('a')
    d.merge(op())
    d.merge(op({ node: 'b', breaker: 'unknown-name' }))
    expect(d.table.size).toBe(0)
  })

  it('drops every opinion of a member that died or left', () => {
    const { d, changed } = delegate()
    d.merge(op({ node: 'a', breaker: 'x' }))
    d.merge(op({ node: 'a', breaker: 'y' }))
    d.merge(op({ node: 'b', breaker: 'x' }))
    changed.length = 0
    d.memberGone('a')
    expect(d.table.size).toBe(1)
    expect(changed.sort()).toEqual(['x', 'y'])
  })

  it('publishes its own opinions with increasing seqs, above any of its own it hears back (a restart under the same id)', () => {
    const { d, at } = delegate()
    expect(d.publish('dep', { verdict: 'healthy', calls: 3, failures: 0, slow: 0 }, 1_000).seq).toBe(1)
    d.merge(op({ node: 'self', seq: 40 }))
    expect(d.table.size).toBe(0) // never held as someone else's
    expect(d.publish('dep', { verdict: 'failing', calls: 20, failures: 12, slow: 0 }, 1_100).seq).toBe(41)
    at(1_600)
    expect(d.localState()).toEqual([{ breaker: 'dep', node: 'self', verdict: 'failing', calls: 20, failures: 12, slow: 0, seq: 41, ageMs: 500 }])
  })

  it('piggybacks only failing opinions and verdict changes: count updates of a healthy one go by gossip', () => {
    const { d } = delegate()
    d.publish('dep', { verdict: 'healthy', calls: 3, failures: 0, slow: 0 }, 1_000)
    d.publish('dep', { verdict: 'healthy', calls: 9, failures: 1, slow: 0 }, 2_000)
    expect(d.queued).toBe(0)
    d.publish('dep', { verdict: 'failing', calls: 20, failures: 12, slow: 0 }, 2_500)
    expect(d.queued).toBe(1)
    d.publish('dep', { verdict: 'healthy', calls: 0, failures: 0, slow: 0 }, 3_000) // rejoined: tell the fleet fast
    expect(d.broadcasts({ to: 'x', count: 16, fits: () => true }).map((u) => u.opinion.verdict)).toEqual(['healthy'])
  })

  it('piggybacks its own latest opinion, aged, a limited number of times', () => {
    const { d, at } = delegate()
    d.publish('dep', { verdict: 'failing', calls: 20, failures: 12, slow: 0 }, 1_000)
    at(1_250)
    const sent: number[] = []
    for (let k = 0; k < 10; k++) for (const u of d.broadcasts({ to: `peer${k}`, count: 16, fits: () => true })) sent.push(u.opinion.ageMs)
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.length).toBeLessThan(10)
    expect(new Set(sent)).toEqual(new Set([250]))
    expect(d.queued).toBe(0)
  })
})
