import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { GoneMembers } from '../clock/GoneMembers.js'
import { compareVClocks } from '../clock/VectorClock.js'
import type { BreakerRecord } from './BreakerRecord.js'
import { BreakerTable } from './BreakerTable.js'
import { compareVersions } from './compareVersions.js'
import { mergeRecords } from './mergeRecords.js'
import type { BreakerState } from '../types.js'

/**
 * Replicated-table scenarios: random causal histories on several replicas,
 * then delivery of every version to every replica in a random order, with
 * duplicates and with losses retransmitted later.
 */

const NAMES = ['payments', 'search', 'ledger', 'email']
const T0 = 1_700_000_000_000
const HOUR = 3_600_000

interface Step {
  replica: number
  /** Indices (mod the number of versions sent so far) merged before writing. */
  receive: number[]
  name: number
  state: BreakerState
  openCount: number
}

interface History {
  replicas: number
  steps: Step[]
  /** Random numbers driving the delivery shuffle. */
  order: number[]
  /** Extra copies to deliver (indices mod the number of versions). */
  dupes: number[]
  /** Whether the j-th delivery is lost the first time (cycled). */
  loss: boolean[]
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  replica: fc.nat(6),
  receive: fc.array(fc.nat(), { maxLength: 4 }),
  name: fc.nat(NAMES.length - 1),
  state: fc.constantFrom('closed', 'open', 'half-open'),
  openCount: fc.nat(3),
})

const historyArb = (minReplicas = 3, maxReplicas = 7): fc.Arbitrary<History> =>
  fc.record({
    replicas: fc.integer({ min: minReplicas, max: maxReplicas }),
    steps: fc.array(stepArb, { minLength: 1, maxLength: 40 }),
    order: fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
    dupes: fc.array(fc.nat(), { maxLength: 20 }),
    loss: fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
  })

const offsetsArb = fc.array(fc.integer({ min: -HOUR, max: HOUR }), { minLength: 7, maxLength: 7 })

interface Run {
  tables: BreakerTable[]
  sent: BreakerRecord[]
}

/** Play the writes: each one after merging some of what was sent before, so histories are causal. */
function play(h: History, offsets: readonly number[] = [], ids = (i: number) => `n${i}`): Run {
  const tables = Array.from({ length: h.replicas }, (_, i) => new BreakerTable({ self: ids(i) }))
  const sent: BreakerRecord[] = []
  h.steps.forEach((step, i) => {
    const r = step.replica % h.replicas
    const table = tables[r]!
    for (const k of step.receive) if (sent.length > 0) table.merge(sent[k % sent.length]!)
    const payload = {
      state: step.state,
      override: null,
      cooldownMs: 5_000 * 2 ** step.openCount,
      openCount: step.openCount,
      prober: step.state === 'half-open' ? ids(r) : null,
      reason: `step ${i}`,
    }
    sent.push(table.write(NAMES[step.name]!, payload, T0 + i * 1_000 + (offsets[r] ?? 0)))
  })
  return { tables, sent }
}

function shuffle<T>(items: readonly T[], seeds: readonly number[], salt: number): T[] {
  const out = [...items]
  for (let i = out.length - 1; i > 0; i--) {
    const k = (seeds[(i + salt) % seeds.length]! + salt) % (i + 1)
    ;[out[i], out[k]] = [out[k]!, out[i]!]
  }
  return out
}

/** Deliver every sent version (plus duplicates) in a shuffled order; lost ones are retransmitted at the end. */
function deliverAll(h: History, table: BreakerTable, sent: readonly BreakerRecord[], salt: number): void {
  if (sent.length === 0) return
  const queue = shuffle([...sent, ...h.dupes.map((d) => sent[d % sent.length]!)], h.order, salt)
  const lost: BreakerRecord[] = []
  queue.forEach((record, j) => {
    if (h.loss[(j + salt) % h.loss.length]) lost.push(record)
    else table.merge(record)
  })
  for (const record of shuffle(lost, h.order, salt + 1)) table.merge(record)
}

/** The join of every version per name: what every replica must end up holding. */
function expectedJoin(sent: readonly BreakerRecord[]): BreakerRecord[] {
  const byName = new Map<string, BreakerRecord>()
  for (const r of sent) byName.set(r.name, mergeRecords(byName.get(r.name), r).record)
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
}

const plain = (records: readonly BreakerRecord[]): unknown[] => records.map((r) => ({ ...r, vclock: { ...r.vclock } }))
const versions = (records: readonly BreakerRecord[]): unknown[] =>
  records.map(({ vclock: _v, wallTime: _w, ...rest }) => rest)

describe('convergence', () => {
  it('every replica ends with the same table, vclocks included, whatever the order, duplicates and losses', () => {
    fc.assert(
      fc.property(historyArb(), (h) => {
        const { tables, sent } = play(h)
        tables.forEach((t, i) => deliverAll(h, t, sent, i))
        const expected = plain(expectedJoin(sent))
        const fingerprint = tables[0]!.fingerprint()
        const maxLamport = Math.max(...sent.map((r) => r.lamport))
        for (const t of tables) {
          expect(t.fingerprint()).toBe(fingerprint)
          expect(plain(t.snapshot())).toEqual(expected)
          expect(t.lamport).toBeGreaterThanOrEqual(maxLamport)
        }
      }),
      { numRuns: 150 },
    )
  })

  it('a causally later version always beats the earlier one, at every replica', () => {
    fc.assert(
      fc.property(historyArb(), (h) => {
        const { tables, sent } = play(h)
        tables.forEach((t, i) => deliverAll(h, t, sent, i))
        for (const u of sent) {
          for (const v of sent) {
            if (u.name !== v.name || compareVClocks(u.vclock, v.vclock) !== 'before') continue
            expect(v.lamport).toBeGreaterThan(u.lamport)
            expect(compareVersions(v, u)).toBeGreaterThan(0)
            for (const t of tables) expect(compareVersions(t.get(v.name)!, v)).toBeGreaterThanOrEqual(0)
          }
        }
      }),
      { numRuns: 100 },
    )
  })

  it('B writing after merging A wins everywhere, in either delivery order, whatever the wall clocks say', () => {
    const a = new BreakerTable({ self: 'a' })
    for (let i = 0; i < 10; i++) a.write('x', { ...payload('open'), reason: `a${i}` }, T0 + HOUR)
    const b = new BreakerTable({ self: 'b' }) // b's Lamport time is far behind a's
    b.merge(a.get('x')!)
    const later = b.write('x', payload('closed'), T0 - HOUR) // and its wall clock is 2 hours behind
    for (const order of [
      [a.get('x')!, later],
      [later, a.get('x')!],
    ]) {
      const c = new BreakerTable({ self: 'c' })
      for (const r of order) c.merge(r)
      expect(c.get('x')).toMatchObject({ origin: 'b', state: 'closed' })
      expect(c.conflicts).toBe(0)
    }
    expect(a.merge(later)).toMatchObject({ concurrent: false, record: later })
  })

  it('skewing wall clocks by up to an hour changes no winner', () => {
    fc.assert(
      fc.property(historyArb(), offsetsArb, (h, offsets) => {
        const straight = play(h)
        const skewed = play(h, offsets)
        straight.tables.forEach((t, i) => deliverAll(h, t, straight.sent, i))
        skewed.tables.forEach((t, i) => deliverAll(h, t, skewed.sent, i))
        straight.tables.forEach((t, i) => {
          expect(versions(skewed.tables[i]!.snapshot())).toEqual(versions(t.snapshot()))
          expect(skewed.tables[i]!.conflicts).toBe(t.conflicts)
        })
      }),
      { numRuns: 100 },
    )
  })

  it('one digest exchange (newerThan, then wants) gives two replicas the same versions', () => {
    fc.assert(
      fc.property(historyArb(3, 4), (h) => {
        const { tables, sent } = play(h)
        const [a, b] = [tables[0]!, tables[1]!]
        // a third replica's versions reach each side only partly
        sent.forEach((r, i) => (i % 3 === 0 ? a : b).merge(r))
        // a requests with its digest; b answers with what a lacks and what b wants
        const digest = a.digest()
        const records = b.newerThan(digest)
        const want = b.wants(digest)
        for (const r of records) a.merge(r)
        for (const name of want) b.merge(a.get(name)!)
        expect(a.fingerprint()).toBe(b.fingerprint())
        expect(versions(a.snapshot())).toEqual(versions(b.snapshot()))
        expect(a.newerThan(b.digest())).toEqual([])
        expect(b.newerThan(a.digest())).toEqual([])
        expect(a.wants(b.digest())).toEqual([])
      }),
      { numRuns: 150 },
    )
  })
})

describe('vclock pruning', () => {
  it('replicas still converge when an id is pruned while stale versions carrying it are in flight', () => {
    fc.assert(
      fc.property(historyArb(3, 5), historyArb(3, 5), fc.nat(), (h1, h2, goneSeed) => {
        const first = play(h1)
        const gone = `n${goneSeed % h1.replicas}`
        const live = first.tables.filter((t) => t.self !== gone)
        live.forEach((t, i) => deliverAll(h1, t, first.sent, i))
        for (const t of live) t.pruneVClocks((id) => id !== gone)
        // more writes among the living, while the old versions are redelivered late
        const sent: BreakerRecord[] = []
        h2.steps.forEach((step, i) => {
          const t = live[step.replica % live.length]!
          for (const k of step.receive) if (sent.length > 0) t.merge(sent[k % sent.length]!)
          t.merge(first.sent[i % first.sent.length]!)
          sent.push(t.write(NAMES[step.name]!, payload(step.state), T0))
        })
        live.forEach((t, i) => deliverAll(h2, t, [...first.sent, ...sent], i))
        for (const t of live) t.pruneVClocks((id) => id !== gone)
        const expected = plain(live[0]!.snapshot())
        for (const t of live) {
          expect(t.fingerprint()).toBe(live[0]!.fingerprint())
          expect(plain(t.snapshot())).toEqual(expected)
          for (const r of t.records()) expect(Object.keys(r.vclock)).not.toContain(gone)
        }
      }),
      { numRuns: 60 },
    )
  })

  it('keeps vclocks bounded by the live writers under churn of 1,000 short-lived writers', () => {
    const ttlMs = 5
    const live = ['p0', 'p1', 'p2'].map((self) => new BreakerTable({ self }))
    const goneAt = live.map(() => new GoneMembers())
    let now = 0
    let maxEntries = 0
    for (let i = 0; i < 1_000; i++) {
      now += 1
      const name = NAMES[i % NAMES.length]!
      const home = live[i % live.length]!
      // a short-lived instance joins, syncs one record, writes once and dies
      const writer = new BreakerTable({ self: `w${i}` })
      const current = home.get(name)
      if (current) writer.merge(current)
      const record = writer.write(name, payload(i % 2 ? 'open' : 'closed'), T0 + i)
      for (const t of live) t.merge(record)
      if (i % 10 === 0) live.forEach((t, j) => t.merge(live[(j + 1) % live.length]!.write(name, payload('closed'), T0)))
      goneAt.forEach((g) => g.markGone(writer.self, now))
      live.forEach((t, j) => {
        const expired = goneAt[j]!.expired(now, ttlMs)
        t.pruneVClocks((id) => !expired.has(id))
        goneAt[j]!.forget(now, 10 * ttlMs)
        for (const r of t.records()) maxEntries = Math.max(maxEntries, Object.keys(r.vclock).length)
      })
    }
    // writers gone for less than the TTL may still appear; nobody older does
    expect(maxEntries).toBeLessThanOrEqual(live.length + ttlMs)
    expect(goneAt[0]!.size).toBeLessThanOrEqual(10 * ttlMs)
    now += ttlMs
    live.forEach((t, j) => {
      const expired = goneAt[j]!.expired(now, ttlMs)
      t.pruneVClocks((id) => !expired.has(id))
    })
    for (const t of live) {
      expect(t.fingerprint()).toBe(live[0]!.fingerprint())
      for (const r of t.records()) expect(Object.keys(r.vclock).length).toBeLessThanOrEqual(live.length)
    }
  })
})

function payload(state: BreakerState) {
  return { state, override: null, cooldownMs: 5_000, openCount: 0, prober: null, reason: '' } as const
}
