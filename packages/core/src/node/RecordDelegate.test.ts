import { describe, expect, it } from 'vitest'
import { config, node, ping } from '../membership/fixtures/swimRouter.js'
import type { Swim } from '../membership/Swim.js'
import type { Update } from '../membership/SwimMessage.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import { BreakerTable } from '../table/BreakerTable.js'
import type { DeltaMessage, RecordUpdate } from '../wire/messages.js'
import { piggybackMeasure } from '../wire/MessageSize.js'
import type { BreakerChange } from './FleetTypes.js'
import { RecordDelegate } from './RecordDelegate.js'
import type { NodeId } from '../types.js'

const record = (name: string, lamport: number, origin = 'w', reason = 'test'): BreakerRecord => ({
  name,
  state: 'open',
  override: null,
  cooldownMs: 5000,
  openCount: 1,
  prober: null,
  reason,
  origin,
  lamport,
  vclock: { [origin]: lamport },
  wallTime: 0,
})

/** A Swim carrying breaker records through a RecordDelegate, as a fleet node wires them. */
function recordNode(id: NodeId, known: NodeId[] = []) {
  const swim: Swim = node(id, known, config, 7, { measure: piggybackMeasure })
  const table = new BreakerTable({ self: id })
  const changes: BreakerChange[] = []
  const followed: string[] = []
  const published: DeltaMessage[] = []
  const drops: string[] = []
  let pending = 0
  const records = new RecordDelegate({
    id,
    table,
    retransmitMult: config.retransmitMult,
    maxRecordsPerDelta: 2,
    clusterSize: () => swim.liveCount,
    now: () => 0,
    wallClock: () => 0,
    follow: (r) => followed.push(r.name),
    changed: (c) => changes.push(c),
    pending: () => pending++,
    publish: (m) => published.push(m),
    drop: (reason) => drops.push(reason),
  })
  swim.register(records)
  return { swim, table, records, changes, followed, published, drops, pending: () => pending }
}

const piggybacked = (r: BreakerRecord): RecordUpdate => ({ kind: 'record', record: r })

const recordsIn = (updates: readonly Update[]): BreakerRecord[] => updates.filter((u): u is RecordUpdate => u.kind === 'record').map((u) => u.record)

describe('RecordDelegate: breaker records on membership', () => {
  it('piggybacks records, replacing a queued version with a newer one only', () => {
    const a = recordNode('a', ['b'])
    a.records.queue(record('payments', 5))
    a.records.queue(record('payments', 3)) // older: the queued newer version stays
    a.records.queue(record('search', 1))
    a.records.queue(record('search', 2)) // newer: replaces
    const records = recordsIn(a.swim.receive(ping('b', 1), 0)[0]?.message.updates ?? [])
    expect(records).toHaveLength(2)
    expect(records).toContainEqual(record('payments', 5))
    expect(records).toContainEqual(record('search', 2))
  })

  it('merges piggybacked records once the message is applied (after its reply), reports and follows new versions, and passes them on', () => {
    const a = recordNode('a', ['b', 'c'])
    const reply = a.swim.receive(ping('b', 1, [piggybacked(record('payments', 4))]), 0)
    expect(a.table.get('payments')).toBeUndefined()
    a.records.settle()
    expect(a.table.get('payments')).toEqual(record('payments', 4))
    expect(a.changes.map((c) => [c.name, c.local, c.record.lamport])).toEqual([['payments', false, 4]])
    expect(a.followed).toEqual(['payments'])
    expect(recordsIn(reply[0]?.message.updates ?? [])).toEqual([])
    expect(recordsIn(a.swim.receive(ping('c', 2), 0)[0]?.message.updates ?? [])).toEqual([record('payments', 4)])
    // the same version again changes nothing
    a.swim.receive(ping('c', 3, [piggybacked(record('payments', 4))]), 0)
    a.records.settle()
    expect(a.changes).toHaveLength(1)
  })

  it('does not spend a transmission on a member that sent the version it queues', () => {
    const a = recordNode('a', ['b'])
    a.records.queue(record('orders', 7))
    const reply = a.swim.receive(ping('b', 1, [piggybacked(record('orders', 7))]), 0)
    expect(recordsIn(reply[0]?.message.updates ?? [])).toEqual([])
    expect(a.records.queued).toBe(1)
  })

  it('never queues a record wider than the piggyback budget (it travels by gossip and push-pull)', () => {
    const a = recordNode('a', ['b'])
    const vclock: Record<string, number> = {}
    for (let i = 0; i < 1000; i++) vclock[`writer-${String(i).padStart(60, '0')}`] = 1
    a.records.queue({ ...record('wide', 5), vclock })
    expect(a.records.queued).toBe(0)
  })

  it('counts refused versions by reason and does not pass them on', () => {
    const a = recordNode('a', ['b'])
    a.swim.receive(ping('b', 1, [piggybacked(record('leap', 2 ** 50))]), 0)
    a.records.settle()
    expect(a.drops).toEqual(['clock-leap'])
    expect(a.table.get('leap')).toBeUndefined()
    expect(a.records.queued).toBe(0)
  })

  it('gossips shared versions as deltas on flush, cut by maxRecordsPerDelta, announcing the first one', () => {
    const a = recordNode('a')
    a.records.share(record('x', 1, 'a'))
    a.records.share(record('y', 1, 'a'))
    a.records.share(record('z', 1, 'a'))
    expect(a.pending()).toBe(1)
    expect(a.records.isUnsent('y')).toBe(true)
    a.records.flush()
    expect(a.published.map((m) => m.records.map((r) => r.name))).toEqual([['x', 'y'], ['z']])
    expect(a.records.isUnsent('y')).toBe(false)
    a.records.flush()
    expect(a.published).toHaveLength(2)
  })

  it('answers a push-pull digest with what the peer lacks or holds older, and wants what it holds newer', () => {
    const a = recordNode('a')
    a.table.merge(record('old-there', 5))
    a.table.merge(record('newer-there', 5))
    a.table.merge(record('missing-there', 1))
    const state = a.records.localState()
    expect(state.map((e) => e[0]).sort()).toEqual(['missing-there', 'newer-there', 'old-there'])
    const answer = a.records.compareState(
      [
        ['old-there', 4, 'w'],
        ['newer-there', 6, 'w'],
        ['only-there', 1, 'w'],
      ],
      (name) => name !== 'ignored',
    )
    expect(answer.records.map((r) => r.name).sort()).toEqual(['missing-there', 'old-there'])
    expect(answer.want.sort()).toEqual(['newer-there', 'only-there'])
    expect(a.records.wanted(['old-there', 'nope']).map((r) => r.name)).toEqual(['old-there'])
    a.records.mergeRemoteState([record('newer-there', 6)])
    expect(a.table.get('newer-there')?.lamport).toBe(6)
  })
})
