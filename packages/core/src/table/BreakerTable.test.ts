import { describe, expect, it } from 'vitest'
import type { BreakerRecord, RecordPayload } from './BreakerRecord.js'
import type { DigestEntry } from '../wire/messages.js'
import { DEFAULT_MAX_LEAP, MAX_OBSERVED } from '../clock/LeapBudget.js'
import { BreakerTable } from './BreakerTable.js'
import { InvalidBreakerNameError } from './InvalidBreakerNameError.js'
import { isBreakerName } from './assertBreakerName.js'
import { TableFullError } from './TableFullError.js'

const closed: RecordPayload = { state: 'closed', override: null, cooldownMs: 5_000, openCount: 0, prober: null, reason: '' }
const open: RecordPayload = { ...closed, state: 'open', openCount: 1, reason: 'failure rate 63% over 41 calls' }
const T0 = 1_700_000_000_000

const vc = (t: BreakerTable, name: string): Record<string, number> => ({ ...t.get(name)?.vclock })

describe('BreakerTable.write', () => {
  it('stamps lamport, origin and vclock', () => {
    const t = new BreakerTable({ self: 'a' })
    const r1 = t.write('payments', open, T0)
    expect(r1).toMatchObject({ name: 'payments', state: 'open', origin: 'a', lamport: 1, wallTime: T0 })
    expect({ ...r1.vclock }).toEqual({ a: 1 })
    const r2 = t.write('payments', closed, T0 + 1)
    expect(r2).toMatchObject({ lamport: 2, state: 'closed' })
    expect({ ...r2.vclock }).toEqual({ a: 2 })
    expect(t.get('payments')).toBe(r2)
    expect(t.lamport).toBe(2)
    expect(t.size).toBe(1)
  })

  it('writes above both the local clock and the current record lamport', () => {
    const a = new BreakerTable({ self: 'a' })
    const b = new BreakerTable({ self: 'b' })
    for (let i = 0; i < 5; i++) a.write('x', open, T0)
    b.merge(a.get('x')!)
    expect(b.lamport).toBe(5)
    const r = b.write('x', closed, T0)
    expect(r.lamport).toBe(6)
    expect({ ...r.vclock }).toEqual({ a: 5, b: 1 })
  })

  it('does not keep fields of the payload object beyond the record fields', () => {
    const t = new BreakerTable({ self: 'a' })
    const r = t.write('x', { ...open, extra: 1 } as RecordPayload, T0)
    expect(Object.keys(r)).not.toContain('extra')
  })

  it('rejects bad names with InvalidBreakerNameError', () => {
    const t = new BreakerTable({ self: 'a' })
    expect(() => t.write('', open, T0)).toThrow(InvalidBreakerNameError)
    const long = 'x'.repeat(129)
    try {
      t.write(long, open, T0)
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidBreakerNameError)
      expect((err as InvalidBreakerNameError).code).toBe('ERR_INVALID_BREAKER_NAME')
      expect((err as InvalidBreakerNameError).breaker).toBe(long)
    }
    expect(t.write('x'.repeat(128), open, T0).name).toHaveLength(128)
    expect(t.size).toBe(1)
  })

  it('accepts exactly letters, digits and . _ - : / @ in names', () => {
    const t = new BreakerTable({ self: 'a' })
    for (const name of ['payments-api', 'db.internal:5432', 's3/eu-west-1', 'svc@region', 'A_Z.0-9:/@']) {
      expect(t.write(name, open, T0).name).toBe(name)
    }
    const bad = ['with space', 'tab\there', 'bell\u0007', 'esc\u001b[31m', 'bidi\u202eevil', 'café', 'quote"', 'a\nb', 'emoji😀', 'back\\slash', '%41']
    for (const name of bad) {
      expect(() => t.write(name, open, T0)).toThrow(InvalidBreakerNameError)
      expect(isBreakerName(name)).toBe(false)
    }
    // The message never carries the raw control or bidi character.
    try {
      t.write('esc\u001b[31m\u202e', open, T0)
    } catch (err) {
      expect((err as Error).message).not.toMatch(/[\u0000-\u001f\u007f-\uffff]/)
      expect((err as Error).message).toContain('\\u001b')
    }
    expect(t.size).toBe(5)
  })

  it('rejects a payload peers would refuse, naming the field', () => {
    const t = new BreakerTable({ self: 'a' })
    expect(() => t.write('x', { ...open, reason: 'r'.repeat(257) }, T0)).toThrow(/reason/)
    expect(() => t.write('x', { ...open, cooldownMs: -1 }, T0)).toThrow(/cooldownMs.*-1/)
    expect(() => t.write('x', { ...open, openCount: 0.5 }, T0)).toThrow(/openCount/)
    expect(() => t.write('x', { ...open, state: 'ajar' } as unknown as RecordPayload, T0)).toThrow(/state/)
    expect(() => t.write('x', open, Number.NaN)).toThrow(/wallTime/)
    expect(t.size).toBe(0)
    expect(t.lamport).toBe(0)
  })

  it('validates options', () => {
    expect(() => new BreakerTable({ self: '' })).toThrow(/self/)
    expect(() => new BreakerTable({ self: 'a', maxRecords: 0 })).toThrow(/maxRecords.*0/)
    expect(new BreakerTable({ self: 'a' }).maxRecords).toBe(10_000)
  })
})

describe('BreakerTable.merge', () => {
  it('ignores an older version it has already superseded', () => {
    const a = new BreakerTable({ self: 'a' })
    const b = new BreakerTable({ self: 'b' })
    const old = a.write('x', open, T0)
    for (let i = 0; i < 3; i++) b.write('y', open, T0)
    b.merge(old)
    const newer = b.write('x', closed, T0)
    const c = new BreakerTable({ self: 'c' })
    expect(c.merge(newer).changed).toBe(true)
    expect(c.merge(old)).toMatchObject({ changed: false, concurrent: false, previous: newer, record: newer })
    expect(c.lamport).toBe(4)
  })

  it('never observes the timestamp of a record it refuses', () => {
    const a = new BreakerTable({ self: 'a' })
    for (let i = 0; i < 9; i++) a.write('x', open, T0)
    const full = new BreakerTable({ self: 'c', maxRecords: 1 })
    full.write('y', open, T0)
    expect(full.merge(a.get('x')!).rejected).toBe('table-full')
    expect(full.lamport).toBe(1)
    expect(full.write('y', closed, T0).lamport).toBe(2)
  })

  it('detects concurrent writes and counts them once', () => {
    const a = new BreakerTable({ self: 'a' })
    const b = new BreakerTable({ self: 'b' })
    const ra = a.write('x', open, T0)
    const rb = b.write('x', closed, T0)
    const r = a.merge(rb)
    expect(r.concurrent).toBe(true)
    expect(r.changed).toBe(true)
    expect(a.isConcurrent('x')).toBe(true)
    expect(a.conflicts).toBe(1)
    // the tie at lamport 1 goes to the larger origin, on both sides
    expect(a.get('x')?.origin).toBe('b')
    expect(b.merge(ra).record.origin).toBe('b')
    expect(b.conflicts).toBe(1)
    // a duplicate is not another conflict and does not clear the flag
    expect(a.merge(rb)).toMatchObject({ changed: false, concurrent: false })
    expect(a.conflicts).toBe(1)
    expect(a.isConcurrent('x')).toBe(true)
    // a local write has seen both: no longer concurrent
    a.write('x', open, T0)
    expect(a.isConcurrent('x')).toBe(false)
  })

  it('sees no conflict in sequential writes across nodes', () => {
    const a = new BreakerTable({ self: 'a' })
    const b = new BreakerTable({ self: 'b' })
    b.merge(a.write('x', open, T0))
    const r = a.merge(b.write('x', closed, T0))
    expect(r).toMatchObject({ changed: true, concurrent: false })
    expect(a.get('x')?.state).toBe('closed')
    expect(a.isConcurrent('x')).toBe(false)
    expect(a.conflicts + b.conflicts).toBe(0)
  })

  it('clears the concurrency flag when a causally later version arrives', () => {
    const a = new BreakerTable({ self: 'a' })
    const b = new BreakerTable({ self: 'b' })
    const ra = a.write('x', open, T0)
    b.write('x', closed, T0)
    b.merge(ra)
    expect(b.isConcurrent('x')).toBe(true)
    const resolved = b.write('x', open, T0)
    expect(a.merge(resolved).concurrent).toBe(false)
    expect(a.isConcurrent('x')).toBe(false)
  })
})

describe('BreakerTable size limit', () => {
  it('refuses new names when full, counts remote refusals and still updates existing names', () => {
    const t = new BreakerTable({ self: 'a', maxRecords: 2 })
    const other = new BreakerTable({ self: 'b' })
    t.write('x', open, T0)
    t.write('y', open, T0)
    expect(() => t.write('z', open, T0)).toThrow(TableFullError)
    try {
      t.write('z', open, T0)
    } catch (err) {
      expect((err as TableFullError).code).toBe('ERR_TABLE_FULL')
    }
    const remote = other.write('w', open, T0)
    for (let i = 0; i < 5; i++) other.write('v', open, T0)
    const r = t.merge(remote)
    expect(r).toMatchObject({ rejected: 'table-full', changed: false, previous: undefined })
    expect(t.rejected).toBe(1)
    expect(t.get('w')).toBeUndefined()
    expect(t.write('x', closed, T0).state).toBe('closed')
    expect(t.merge(other.write('y', closed, T0))).toMatchObject({ changed: true })
    expect(t.get('y')?.origin).toBe('b')
    expect(t.size).toBe(2)
    // it does not ask for names it could not store
    expect(t.wants(other.digest())).toEqual([])
    expect(t.rejected).toBe(1)
  })
})

describe('BreakerTable clock poisoning', () => {
  const at = (name: string, lamport: number, origin = 'evil'): BreakerRecord => ({
    ...open,
    name,
    origin,
    lamport,
    vclock: { [origin]: 1 },
    wallTime: T0,
  })

  it('refuses a timestamp at 2^53 − 1 or more than maxLeap ahead, counts it, and never observes it', () => {
    const t = new BreakerTable({ self: 'a' })
    t.write('x', open, T0)
    for (const lamport of [Number.MAX_SAFE_INTEGER, MAX_OBSERVED + 1, 1 + DEFAULT_MAX_LEAP + 1]) {
      expect(t.merge(at('poison', lamport), 0)).toMatchObject({ rejected: 'clock-leap', changed: false })
    }
    expect(t.leapRefused).toBe(3)
    expect(t.lamport).toBe(1)
    expect(t.get('poison')).toBeUndefined()
    // Every later write still carries a small, safe timestamp.
    expect(t.write('x', closed, T0).lamport).toBe(2)
    // The bound itself is accepted.
    expect(t.merge(at('far', 2 + DEFAULT_MAX_LEAP), 0).changed).toBe(true)
    expect(t.lamport).toBe(2 + DEFAULT_MAX_LEAP)
  })

  it('pays leaps from the budget: a ratchet under the bound is held to the refill rate', () => {
    const t = new BreakerTable({ self: 'a', clockLimits: { maxLeap: 1_000, leapPerSecond: 10 } })
    expect(t.merge(at('r1', 999), 0).changed).toBe(true)
    expect(t.merge(at('r2', 1_998), 0).rejected).toBe('clock-leap') // only 1 token left
    expect(t.merge(at('r2', 1_998), 100_000).changed).toBe(true) // 100 s later: 1,000 tokens again
    expect(t.lamport).toBe(1_998)
    expect(t.leapRefused).toBe(1)
  })

  it('leaves digest entries beyond reach out of the exchange', () => {
    const t = new BreakerTable({ self: 'a' })
    const mine = t.write('x', open, T0)
    const digest: DigestEntry[] = [
      ['x', Number.MAX_SAFE_INTEGER, 'evil'],
      ['y', 5, 'b'],
    ]
    const { entries, refused } = t.reachable(digest)
    expect(refused).toBe(1)
    expect(entries).toEqual([['y', 5, 'b']])
    // Our 'x' goes to the peer that lied about holding a newer one, and we want only 'y'.
    expect(t.newerThan(entries)).toEqual([mine])
    expect(t.wants(entries)).toEqual(['y'])
  })

  it('keeps vector-clock counters below the lamport of their record', () => {
    const a = new BreakerTable({ self: 'a' })
    const b = new BreakerTable({ self: 'b' })
    for (let i = 0; i < 4; i++) b.merge(a.write('x', i % 2 ? open : closed, T0))
    for (let i = 0; i < 3; i++) a.merge(b.write('x', i % 2 ? open : closed, T0))
    for (const t of [a, b]) {
      const r = t.get('x')!
      for (const n of Object.values(r.vclock)) expect(n).toBeLessThanOrEqual(r.lamport)
    }
  })
})

describe('BreakerTable eviction and tombstones', () => {
  const evictable = (names: Set<string>) => (r: BreakerRecord): boolean => names.has(r.name)

  it('evicts the least recently changed evictable record for a new name, and refuses when none is', () => {
    const allowed = new Set(['a1', 'a2'])
    const dropped: string[] = []
    const t = new BreakerTable({ self: 'a', maxRecords: 3, canEvict: evictable(allowed), onDrop: (r) => dropped.push(r.name) })
    t.write('a1', closed, T0, 0)
    t.write('keep', open, T0, 0)
    t.write('a2', closed, T0, 0)
    t.write('a1', open, T0, 0) // a1 changed last: a2 is now the oldest evictable
    const other = new BreakerTable({ self: 'b' })
    expect(t.merge(other.write('new1', open, T0), 1).changed).toBe(true)
    expect(dropped).toEqual(['a2'])
    expect(t.write('new2', open, T0, 2).name).toBe('new2')
    expect(dropped).toEqual(['a2', 'a1'])
    expect(t.evicted).toBe(2)
    expect([...t.records()].map((r) => r.name).sort()).toEqual(['keep', 'new1', 'new2'])
    // nothing evictable now
    expect(() => t.write('new3', open, T0, 3)).toThrow(TableFullError)
    expect(t.merge(other.write('new4', open, T0), 3).rejected).toBe('table-full')
  })

  it('does not take back a version it dropped, lists it in the digest, and takes a newer one', () => {
    const a = new BreakerTable({ self: 'a' })
    const b = new BreakerTable({ self: 'b' })
    const stale = a.write('x', open, T0)
    const last = a.write('x', closed, T0)
    b.merge(last, 0)
    expect(b.remove('x', 10)).toBe(last)
    expect(b.get('x')).toBeUndefined()
    expect(b.merge(stale, 20)).toMatchObject({ rejected: 'collected', changed: false })
    expect(b.merge(last, 20).rejected).toBe('collected')
    expect(b.digest()).toEqual([['x', last.lamport, 'a']])
    expect(b.wants(a.digest())).toEqual([])
    expect(a.newerThan(b.digest())).toEqual([])
    const newer = a.write('x', open, T0)
    expect(b.merge(newer, 30).changed).toBe(true)
    expect(b.tombstoneCount).toBe(0)
    // tombstones expire
    b.remove('x', 40)
    expect(b.expireTombstones(100, 61)).toBe(0)
    expect(b.expireTombstones(101, 61)).toBe(1)
    expect(b.merge(stale, 102).changed).toBe(true)
  })

  it('writes a dropped name again above the dropped version', () => {
    const t = new BreakerTable({ self: 'a' })
    const other = new BreakerTable({ self: 'b' })
    for (let i = 0; i < 5; i++) other.write('x', open, T0)
    t.merge(other.get('x')!, 0)
    t.remove('x', 1)
    expect(t.write('x', closed, T0, 2).lamport).toBe(6)
  })
})

describe('BreakerTable digest exchange', () => {
  it('newerThan and wants compare (lamport, origin) per name', () => {
    const a = new BreakerTable({ self: 'a' })
    const b = new BreakerTable({ self: 'b' })
    a.write('only-a', open, T0)
    b.write('only-b', open, T0)
    const shared = a.write('shared', open, T0)
    b.merge(shared)
    b.write('shared', closed, T0) // b is newer on 'shared'
    a.write('a-newer', open, T0)
    b.merge(a.get('a-newer')!)
    a.write('a-newer', closed, T0)
    expect(a.newerThan(b.digest()).map((r) => r.name).sort()).toEqual(['a-newer', 'only-a'])
    expect(a.wants(b.digest()).sort()).toEqual(['only-b', 'shared'])
    expect(b.newerThan(a.digest()).map((r) => r.name).sort()).toEqual(['only-b', 'shared'])
    expect(b.wants(a.digest()).sort()).toEqual(['a-newer', 'only-a'])
    expect(a.newerThan(a.digest())).toEqual([])
    expect(a.wants(a.digest())).toEqual([])
  })

  it('trusts the newest entry when a digest repeats a name', () => {
    const a = new BreakerTable({ self: 'a' })
    a.write('x', open, T0)
    a.write('x', open, T0)
    expect(a.newerThan([['x', 5, 'z'], ['x', 1, 'a']])).toEqual([])
    expect(a.wants([['x', 1, 'a'], ['x', 5, 'z']])).toEqual(['x'])
  })
})

describe('BreakerTable snapshot and fingerprint', () => {
  it('sorts the snapshot by name', () => {
    const t = new BreakerTable({ self: 'a' })
    for (const n of ['m', 'b', 'z', 'a']) t.write(n, open, T0)
    expect(t.snapshot().map((r) => r.name)).toEqual(['a', 'b', 'm', 'z'])
    expect([...t.records()].map((r) => r.name)).toEqual(['m', 'b', 'z', 'a'])
    expect(t.digest()).toEqual([
      ['m', 1, 'a'],
      ['b', 2, 'a'],
      ['z', 3, 'a'],
      ['a', 4, 'a'],
    ])
  })

  it('fingerprints versions regardless of arrival order, and not vclocks', () => {
    const a = new BreakerTable({ self: 'a' })
    const records = ['x', 'y', 'z'].map((n) => a.write(n, open, T0))
    const b = new BreakerTable({ self: 'b' })
    const c = new BreakerTable({ self: 'c' })
    for (const r of records) b.merge(r)
    for (const r of [...records].reverse()) c.merge(r)
    expect(b.fingerprint()).toBe(a.fingerprint())
    expect(c.fingerprint()).toBe(a.fingerprint())
    expect(a.fingerprint()).toMatch(/^3:[0-9a-f]{16}$/)
    c.write('x', open, T0)
    expect(c.fingerprint()).not.toBe(a.fingerprint())
    const before = b.fingerprint()
    b.pruneVClocks(() => false)
    expect(b.fingerprint()).toBe(before)
  })
})

describe('BreakerTable.pruneVClocks', () => {
  it('removes rejected entries but never its own, and keeps versions', () => {
    const a = new BreakerTable({ self: 'a' })
    const b = new BreakerTable({ self: 'b' })
    const c = new BreakerTable({ self: 'c' })
    b.merge(a.write('x', open, T0))
    c.merge(b.write('x', closed, T0))
    c.write('x', open, T0)
    expect(vc(c, 'x')).toEqual({ a: 1, b: 1, c: 1 })
    const before = c.get('x')!
    expect(c.pruneVClocks(() => false)).toBe(2)
    expect(vc(c, 'x')).toEqual({ c: 1 })
    expect(c.get('x')).toMatchObject({ lamport: before.lamport, origin: 'c', state: 'open' })
    expect(c.pruneVClocks(() => false)).toBe(0)
  })
})
