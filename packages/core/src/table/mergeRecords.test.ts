import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareVClocks, vclockCovers, vclockEntry, type VClock } from '../clock/VectorClock.js'
import type { BreakerRecord } from './BreakerRecord.js'
import { canonicalVersion, compareVersions } from './compareVersions.js'
import { mergeRecords } from './mergeRecords.js'

const origins = ['n1', 'n2', 'n3']

/** Small value sets, so equal (lamport, origin) pairs with different payloads happen often. */
const recordArb: fc.Arbitrary<BreakerRecord> = fc.record({
  name: fc.constant('payments'),
  state: fc.constantFrom('closed', 'open', 'half-open'),
  override: fc.constantFrom(null, 'forced-open', 'forced-closed'),
  cooldownMs: fc.constantFrom(5_000, 10_000),
  openCount: fc.integer({ min: 0, max: 2 }),
  prober: fc.constantFrom(null, 'n1'),
  reason: fc.constantFrom('', 'failure rate 63%'),
  origin: fc.constantFrom(...origins),
  lamport: fc.integer({ min: 1, max: 4 }),
  vclock: fc.dictionary(fc.constantFrom('n1', 'n2', 'n3', 'n4'), fc.integer({ min: 1, max: 4 }), { maxKeys: 4 }),
  wallTime: fc.constantFrom(0, 1),
})

/** A record as plain data (vclock with an ordinary prototype), for deep equality. */
const plain = (r: BreakerRecord): unknown => ({ ...r, vclock: { ...r.vclock } })
const merged = (a: BreakerRecord, b: BreakerRecord): BreakerRecord => mergeRecords(a, b).record
const withoutVClock = ({ vclock: _v, ...rest }: BreakerRecord): unknown => rest

function record(over: Partial<BreakerRecord> & { vclock: VClock }): BreakerRecord {
  return {
    name: 'payments',
    state: 'closed',
    override: null,
    cooldownMs: 5_000,
    openCount: 0,
    prober: null,
    reason: '',
    origin: 'n1',
    lamport: 1,
    wallTime: 0,
    ...over,
  }
}

describe('mergeRecords laws', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(recordArb, (a) => {
        const r = mergeRecords(a, a)
        expect(r.record).toBe(a)
        expect(r.changed).toBe(false)
        expect(r.concurrent).toBe(false)
      }),
    )
  })

  it('is commutative', () => {
    fc.assert(
      fc.property(recordArb, recordArb, (a, b) => {
        expect(plain(merged(a, b))).toEqual(plain(merged(b, a)))
      }),
      { numRuns: 500 },
    )
  })

  it('is associative', () => {
    fc.assert(
      fc.property(recordArb, recordArb, recordArb, (a, b, c) => {
        expect(plain(merged(merged(a, b), c))).toEqual(plain(merged(a, merged(b, c))))
      }),
      { numRuns: 500 },
    )
  })

  it('takes the payload of the larger (lamport, origin) and the pointwise max vclock', () => {
    fc.assert(
      fc.property(recordArb, recordArb, (a, b) => {
        const r = mergeRecords(a, b)
        const newer = a.lamport !== b.lamport ? (a.lamport > b.lamport ? a : b) : a.origin >= b.origin ? a : b
        if (a.lamport !== b.lamport || a.origin !== b.origin) {
          expect(withoutVClock(r.record)).toEqual(withoutVClock(newer))
          expect(r.winner).toBe(newer === a ? 'local' : 'incoming')
        }
        for (const id of ['n1', 'n2', 'n3', 'n4']) {
          expect(vclockEntry(r.record.vclock, id)).toBe(Math.max(vclockEntry(a.vclock, id), vclockEntry(b.vclock, id)))
        }
        expect(r.concurrent).toBe(compareVClocks(a.vclock, b.vclock) === 'concurrent')
      }),
    )
  })

  it('reports changed exactly when the result differs from local', () => {
    fc.assert(
      fc.property(recordArb, recordArb, (a, b) => {
        const r = mergeRecords(a, b)
        const same = canonicalVersion(r.record) === canonicalVersion(a) && vclockCovers(a.vclock, r.record.vclock)
        expect(r.changed).toBe(!same)
        if (!r.changed) expect(r.record).toBe(a)
      }),
    )
  })

  it('breaks a (lamport, origin) tie between different payloads the same way on every replica', () => {
    const a = record({ state: 'open', vclock: { n1: 1 } })
    const b = record({ state: 'closed', vclock: { n1: 1 } })
    expect(merged(a, b).state).toBe(merged(b, a).state)
    expect(compareVersions(a, b)).toBe(-compareVersions(b, a))
    expect(compareVersions(a, b)).not.toBe(0)
  })

  it('accepts an unknown name as new and refuses to merge different names', () => {
    const a = record({ vclock: { n1: 1 } })
    expect(mergeRecords(undefined, a)).toEqual({ record: a, changed: true, concurrent: false, winner: 'incoming' })
    expect(() => mergeRecords(a, { ...a, name: 'other' })).toThrow(RangeError)
  })
})

describe('mergeRecords scenarios', () => {
  it('lets a causally later version win and is not concurrent', () => {
    const v1 = record({ origin: 'n1', lamport: 5, state: 'open', vclock: { n1: 1 } })
    const v2 = record({ origin: 'n2', lamport: 6, state: 'half-open', vclock: { n1: 1, n2: 1 } })
    for (const [x, y] of [
      [v1, v2],
      [v2, v1],
    ] as const) {
      const r = mergeRecords(x, y)
      expect(r.record.state).toBe('half-open')
      expect(r.concurrent).toBe(false)
    }
  })

  it('keeps the winner but joins the vclock of a concurrent loser', () => {
    const mine = record({ origin: 'n2', lamport: 7, state: 'open', vclock: { n2: 3 } })
    const theirs = record({ origin: 'n1', lamport: 4, state: 'closed', vclock: { n1: 2 } })
    const r = mergeRecords(mine, theirs)
    expect(r).toMatchObject({ changed: true, concurrent: true, winner: 'local' })
    expect(r.record.state).toBe('open')
    expect({ ...r.record.vclock }).toEqual({ n1: 2, n2: 3 })
  })

  it('drops an older duplicate without change', () => {
    const newer = record({ lamport: 9, vclock: { n1: 4 } })
    const older = record({ lamport: 3, vclock: { n1: 2 } })
    expect(mergeRecords(newer, older)).toMatchObject({ record: newer, changed: false, concurrent: false })
  })
})
