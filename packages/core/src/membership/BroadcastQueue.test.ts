import { describe, expect, it } from 'vitest'
import type { Member } from './Member.js'
import { BroadcastQueue } from './BroadcastQueue.js'
import type { BroadcastQueueOptions } from './BroadcastQueue.js'
import { retransmitLimit } from './timeouts.js'
import type { MemberStatus } from '../types.js'

// Any kind of item: here member updates and a record-like item, keyed apart.
type Update = { kind: 'member'; member: Member } | { kind: 'record'; record: { name: string; lamport: number; origin: string } }

const keyOf = (u: Update): string => (u.kind === 'member' ? `m:${u.member.id}` : `r:${u.record.name}`)

const queueOf = (options: Omit<BroadcastQueueOptions<Update>, 'key'>): BroadcastQueue<Update> => new BroadcastQueue<Update>({ ...options, key: keyOf })

const member = (id: string, incarnation = 0, status: MemberStatus = 'alive'): Update => ({
  kind: 'member',
  member: { id, name: id, addrs: [], incarnation, status } satisfies Member,
})

const record = (name: string, lamport: number, origin = 'n1'): Update => ({ kind: 'record', record: { name, lamport, origin } })

/** Take until empty; returns how many times each key was handed out. */
function drain(queue: BroadcastQueue<Update>, max: number, to: string | null = null): Map<string, number> {
  const counts = new Map<string, number>()
  for (let guard = 0; queue.size > 0 && guard < 1000; guard++) {
    for (const u of queue.take(max, to)) counts.set(keyOf(u), (counts.get(keyOf(u)) ?? 0) + 1)
  }
  return counts
}

describe('BroadcastQueue', () => {
  it('keys items with the given key function', () => {
    const queue = queueOf({ retransmitMult: 1, clusterSize: () => 1 })
    queue.enqueue(member('a'))
    queue.enqueue(record('a', 1))
    expect(queue.size).toBe(2)
    expect(queue.peek('m:a')).toEqual(member('a'))
    expect(queue.peek('r:a')).toEqual(record('a', 1))
  })

  it.each([1, 10, 50, 200])('sends each update retransmitLimit(mult, n) times (n = %i), then drops it', (n) => {
    const queue = queueOf({ retransmitMult: 3, clusterSize: () => n })
    queue.enqueue(member('a'))
    queue.enqueue(record('b', 1))
    const counts = drain(queue, 16)
    expect(counts.get('m:a')).toBe(retransmitLimit(3, n))
    expect(counts.get('r:b')).toBe(retransmitLimit(3, n))
    expect(queue.size).toBe(0)
  })

  it('hands out the least-sent updates first, newest first among equals', () => {
    const queue = queueOf({ retransmitMult: 4, clusterSize: () => 50 })
    queue.enqueue(member('old'))
    queue.take(1) // old: sent once
    queue.enqueue(member('a'))
    queue.enqueue(member('b'))
    expect(queue.take(2).map(keyOf)).toEqual(['m:b', 'm:a'])
    expect(queue.take(3).map(keyOf)).toEqual(['m:b', 'm:a', 'm:old'])
    expect(queue.transmits('m:old')).toBe(2)
  })

  it('replaces a queued update of the same key and restarts its count', () => {
    const queue = queueOf({ retransmitMult: 1, clusterSize: () => 50 }) // limit 2
    queue.enqueue(member('a', 0, 'alive'))
    queue.take(10)
    expect(queue.transmits('m:a')).toBe(1)
    expect(queue.enqueue(member('a', 0, 'suspect'))).toBe(true)
    expect(queue.size).toBe(1)
    expect(queue.transmits('m:a')).toBe(0)
    expect(queue.take(10)).toEqual([member('a', 0, 'suspect')])
    expect(queue.take(10)).toEqual([member('a', 0, 'suspect')])
    expect(queue.take(10)).toEqual([])
  })

  it('keeps a newer queued update when supersedes refuses the incoming one', () => {
    const newer = (a: Update, b: Update): boolean =>
      a.kind === 'record' && b.kind === 'record' ? a.record.lamport >= b.record.lamport : true
    const queue = queueOf({ retransmitMult: 2, clusterSize: () => 5, supersedes: newer })
    queue.enqueue(record('payments', 7))
    expect(queue.enqueue(record('payments', 3))).toBe(false)
    expect(queue.peek('r:payments')).toEqual(record('payments', 7))
    expect(queue.enqueue(record('payments', 9))).toBe(true)
    expect(queue.take(10)).toEqual([record('payments', 9)])
  })

  it('respects max and returns nothing for max ≤ 0 or an empty queue', () => {
    const queue = queueOf({ retransmitMult: 1, clusterSize: () => 1 })
    expect(queue.take(5)).toEqual([])
    for (const id of ['a', 'b', 'c', 'd']) queue.enqueue(member(id))
    expect(queue.take(0)).toEqual([])
    expect(queue.take(3)).toHaveLength(3)
    expect(queue.take(3)).toHaveLength(1)
    expect(queue.size).toBe(0)
  })

  it('never sends an update to a node known to hold it, without spending a transmission', () => {
    const queue = queueOf({ retransmitMult: 1, clusterSize: () => 5 }) // limit 1
    queue.enqueue(member('x'), 'teller')
    expect(queue.take(10, 'teller')).toEqual([])
    queue.markKnown('m:x', 'other')
    expect(queue.take(10, 'other')).toEqual([])
    expect(queue.transmits('m:x')).toBe(0)
    expect(queue.take(10, 'third')).toEqual([member('x')])
    expect(queue.size).toBe(0)
  })

  it('drops updates that already reached a limit that shrank with the fleet', () => {
    let n = 100
    const queue = queueOf({ retransmitMult: 1, clusterSize: () => n }) // limit 3
    queue.enqueue(member('a'))
    queue.take(1)
    queue.take(1)
    expect(queue.transmits('m:a')).toBe(2)
    n = 5 // limit 1
    expect(queue.take(1)).toEqual([])
    expect(queue.size).toBe(0)
  })

  it('rejects a bad retransmitMult', () => {
    expect(() => queueOf({ retransmitMult: 0, clusterSize: () => 1 })).toThrow(/retransmitMult must be an integer ≥ 1, got 0/)
  })
})
