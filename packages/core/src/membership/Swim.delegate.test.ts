import { describe, expect, it } from 'vitest'
import { BroadcastQueue } from './BroadcastQueue.js'
import { PIGGYBACK_BYTES } from './Dissemination.js'
import type { PiggybackMeasure } from './Dissemination.js'
import { cluster, config, INTERVAL, member, memberUpdate, node, ping } from './fixtures/swimRouter.js'
import type { BroadcastLimit, MembershipDelegate } from './MembershipDelegate.js'
import type { Swim } from './Swim.js'
import type { Outgoing } from './Swim.js'
import { resolveSwimConfig } from './SwimConfig.js'
import type { Update } from './SwimMessage.js'
import { retransmitLimit } from './timeouts.js'
import type { NodeId } from '../types.js'

// Membership carries an application's items without knowing what they are:
// here a made-up kind, 'note', whose delegate keeps its own transmit-limited queue.

interface Note {
  readonly kind: 'note'
  readonly text: string
}

const note = (text: string): Note => ({ kind: 'note', text })

class Notes implements MembershipDelegate<Note> {
  readonly kind = 'note'
  readonly arrived: Array<[string, NodeId]> = []
  readonly limits: BroadcastLimit[] = []
  private readonly queue: BroadcastQueue<Note>

  constructor(swim: () => Swim, retransmitMult = config.retransmitMult) {
    this.queue = new BroadcastQueue<Note>({ retransmitMult, clusterSize: () => swim().liveCount, key: (n) => n.text })
  }

  get queued(): number {
    return this.queue.size
  }

  add(text: string, source: NodeId | null = null): void {
    this.queue.enqueue(note(text), source)
  }

  broadcasts(limit: BroadcastLimit): Note[] {
    this.limits.push(limit)
    return this.queue.take(limit.count, limit.to).filter((n) => limit.fits(n))
  }

  notify(item: Note, from: NodeId): void {
    this.arrived.push([item.text, from])
  }
}

/** A node with a notes delegate. */
function withNotes(id: NodeId, known: NodeId[] = [], cfg = config, measure?: (limit: number) => PiggybackMeasure): { swim: Swim; notes: Notes } {
  const swim = node(id, known, cfg, 7, measure ? { measure } : {})
  const notes = new Notes(() => swim)
  swim.register(notes)
  return { swim, notes }
}

const notesOf = (updates: readonly Update[]): string[] => updates.filter((u): u is Note => u.kind === 'note').map((u) => u.text)

describe('Swim with a delegate', () => {
  it('piggybacks the delegate’s items after the member updates, on every message', () => {
    const { swim, notes } = withNotes('a', ['b'])
    notes.add('hello')
    const updates = swim.receive(ping('b', 1), 0)[0]?.message.updates ?? []
    expect(updates.map((u) => u.kind)).toEqual([...updates.filter((u) => u.kind === 'member').map(() => 'member'), 'note'])
    expect(notesOf(updates)).toEqual(['hello'])
    expect(notes.limits.at(-1)?.to).toBe('b')
  })

  it('hands every arriving item of its kind to notify, with its sender, in message order; other kinds are ignored', () => {
    const { swim, notes } = withNotes('a')
    swim.receive(ping('b', 1, [memberUpdate(member('b')), note('one'), { kind: 'opinion' }, note('two')]), 0)
    expect(notes.arrived).toEqual([
      ['one', 'b'],
      ['two', 'b'],
    ])
    expect(swim.member('b')?.status).toBe('alive')
  })

  it('never piggybacks more than maxPiggyback updates, members and items together', () => {
    const cfg = resolveSwimConfig({ profile: 'local', gossipNodes: 0, maxPiggyback: 3 })
    const { swim, notes } = withNotes('a', ['b', 'c', 'd', 'e', 'f'], cfg)
    for (let i = 0; i < 10; i++) notes.add(`n${i}`)
    const updates = swim.receive(ping('b', 1), 0)[0]?.message.updates ?? []
    expect(updates).toHaveLength(3)
  })

  it('leaves to the delegate only the byte budget the member updates did not use', () => {
    const seen: Update[] = []
    // every update "weighs" a quarter of the budget: the join news of a and b, then two notes fit
    const measure = (limit: number): PiggybackMeasure => {
      expect(limit).toBe(PIGGYBACK_BYTES)
      let used = 0
      return {
        add: (u) => {
          if (used + limit / 4 > limit) return false
          used += limit / 4
          seen.push(u)
          return true
        },
      }
    }
    const { swim, notes } = withNotes('a', ['b'], config, measure)
    for (let i = 0; i < 5; i++) notes.add(`n${i}`)
    const updates = swim.receive(ping('b', 1), 0)[0]?.message.updates ?? []
    const members = updates.filter((u) => u.kind === 'member').length
    expect(notesOf(updates)).toHaveLength(4 - members)
    expect(updates).toEqual(seen)
  })

  it('sends each item retransmitLimit times, never back to the member it came from', () => {
    const router = cluster(['a', 'b', 'c'])
    router.run(0, 3 * INTERVAL) // let the join news settle
    const a = router.nodes.get('a') as Swim
    const notes = new Notes(() => a)
    a.register(notes)
    notes.add('news')
    router.run(3 * INTERVAL + 10, 40 * INTERVAL)
    const carrying = router.log.filter((m) => m.from === 'a' && notesOf(m.message.updates).includes('news'))
    expect(carrying).toHaveLength(retransmitLimit(config.retransmitMult, 3))

    notes.add('gossip', 'c')
    const toC = a.receive(ping('c', 1), 0)[0]?.message.updates ?? []
    expect(notesOf(toC)).toEqual([])
  })

  it('gossips queued items to gossipNodes random members each gossip interval, and is quiet when nothing is queued', () => {
    const cfg = resolveSwimConfig({ profile: 'local', gossipNodes: 2, gossipIntervalMs: 50 })
    const { swim: a, notes } = withNotes('a', ['b', 'c', 'd', 'e'], cfg)
    /** Tick `a`, answering its pings at once (a healthy fleet); returns the pings it sent. */
    const tick = (now: number): Outgoing[] => {
      const pings = a.tick(now).filter((o) => o.message.type === 'ping')
      for (const o of pings) a.receive({ v: 1, type: 'ack', from: o.to, seq: o.message.seq, updates: [] }, now)
      return pings
    }
    let now = 0
    for (; now < 20 * INTERVAL; now += 10) tick(now) // the join news runs out
    // Quiet: only probes, one per interval, carrying nothing.
    let probeAt = -1
    for (; probeAt < 0; now += 10) {
      const pings = tick(now)
      expect(pings.length).toBeLessThanOrEqual(1)
      expect(pings.flatMap((o) => o.message.updates)).toEqual([])
      if (pings.length === 1) probeAt = now
    }
    // Right after a probe started, the next one is an interval away: what goes out now is gossip.
    notes.add('payments')
    const gossip = [...tick(probeAt + 60), ...tick(probeAt + 120)]
    expect(gossip.length).toBeGreaterThanOrEqual(2)
    expect(gossip.slice(0, 2).every((o) => notesOf(o.message.updates).length > 0)).toBe(true)
    expect(new Set(gossip.slice(0, 2).map((o) => o.to)).size).toBe(2)
  })

  it('takes one delegate per kind, never for member updates', () => {
    const { swim } = withNotes('a')
    expect(() => swim.register(new Notes(() => swim))).toThrow(/kind must be a new non-empty string other than 'member', got "note"/)
    const fake = (kind: string): MembershipDelegate => ({ kind, queued: 0, broadcasts: () => [], notify: () => {} })
    expect(() => swim.register(fake('member'))).toThrow(RangeError)
    expect(() => swim.register(fake(''))).toThrow(RangeError)
    expect(() => swim.register(fake('opinion'))).not.toThrow()
  })
})
