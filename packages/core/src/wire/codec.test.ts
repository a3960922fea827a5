import fc from 'fast-check'
import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import type { Member } from '../membership/Member.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import { MAX_OPEN_COUNT } from '../table/BreakerRecord.js'
import { decodeMessage, encodeMessage } from './codec.js'
import { WIRE_LIMITS, type Update, type WireMessage } from './messages.js'
import { toWire } from './toWire.js'
import { WireError } from './WireError.js'

const A = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const B = '12D3KooWBSTqiPmwRMWQ2Ajjrp1azxT7N7T5MGnJ2WZ5fZgpGVkk'
const C = 'n3'

const record: BreakerRecord = {
  name: 'payments-api',
  state: 'open',
  override: null,
  cooldownMs: 5000,
  openCount: 1,
  prober: null,
  reason: 'failure rate 63% over 41 calls on n3',
  origin: A,
  lamport: 42,
  vclock: { [A]: 7, [B]: 3 },
  wallTime: 1_718_000_000_123,
}
const halfOpen: BreakerRecord = {
  ...record,
  name: 'ledger',
  state: 'half-open',
  override: 'forced-closed',
  cooldownMs: 12.5,
  prober: B,
  reason: 'probe: éèü 😀 ok',
  origin: B,
  lamport: 2 ** 40,
  vclock: { [B]: 2 ** 33, [C]: 0 },
  wallTime: -1.25,
}
const member: Member = { id: B, name: 'n2', addrs: ['/ip4/10.0.0.2/tcp/7946', '/dns4/n2/tcp/7946'], incarnation: 3, status: 'suspect' }
// Piggybacked updates travel as sections: the member updates, then the records (layout.ts).
const updates: Update[] = [
  { kind: 'member', member },
  { kind: 'member', member: { id: C, name: '', addrs: [], incarnation: 0, status: 'left' } },
  { kind: 'record', record },
  { kind: 'record', record: halfOpen },
]

const samples: WireMessage[] = [
  { v: 1, type: 'ping', from: A, seq: 0, updates: [] },
  { v: 1, type: 'ping', from: A, seq: 17, updates },
  { v: 1, type: 'ack', from: B, seq: 2 ** 31, updates },
  { v: 1, type: 'ping-req', from: A, seq: 5, target: C, updates },
  { v: 1, type: 'delta', from: A, records: [record] },
  { v: 1, type: 'delta', from: C, records: [record, halfOpen, { ...record, override: 'forced-open', state: 'closed' }] },
  {
    v: 1,
    type: 'sync-req',
    from: A,
    join: true,
    members: [member, { id: A, name: 'n1', addrs: ['/ip4/10.0.0.1/tcp/7946'], incarnation: 0, status: 'alive' }],
    digest: [
      ['ledger', 7, C],
      ['payments-api', 42, A],
    ],
    session: 2 ** 32 - 1,
    part: 1,
    parts: 3,
    after: 'auth',
    through: 'payments-api',
  },
  { v: 1, type: 'sync-req', from: A, join: false, members: [], digest: [], session: 0, part: 0, parts: 1, after: '', through: null },
  {
    v: 1,
    type: 'sync-res',
    from: B,
    members: [{ ...member, status: 'dead' }],
    records: [record, halfOpen],
    want: ['ledger', 'search-api'],
    session: 7,
    part: 2,
    messages: 4096,
  },
]

describe('encodeMessage / decodeMessage', () => {
  it.each(samples.map((m) => [`${m.type} (${JSON.stringify(m).length} chars)`, m] as const))(
    'round-trips %s',
    (_, msg) => {
      const decoded = decodeMessage(encodeMessage(msg))
      expect(decoded).not.toBeInstanceOf(WireError)
      expect(decoded).toEqual(msg)
    },
  )

  it('round-trips any valid message (property)', () => {
    fc.assert(
      fc.property(arbMessage, (msg) => {
        const decoded = decodeMessage(encodeMessage(msg))
        expect(decoded).toEqual(msg)
      }),
      { numRuns: 150 },
    )
  })

  it('accepts the limits themselves: 128-character names and ids, 256-character reasons', () => {
    const id = 'i'.repeat(WIRE_LIMITS.maxIdLength)
    const msg: WireMessage = {
      v: 1,
      type: 'delta',
      from: id,
      records: [
        {
          ...record,
          name: 'n'.repeat(128),
          reason: 'r'.repeat(256),
          origin: id,
          lamport: Number.MAX_SAFE_INTEGER,
          openCount: MAX_OPEN_COUNT,
          vclock: { [id]: Number.MAX_SAFE_INTEGER },
        },
      ],
    }
    expect(decodeMessage(encodeMessage(msg))).toEqual(msg)
  })

  it('decodes -0 as 0', () => {
    const msg: WireMessage = { v: 1, type: 'delta', from: A, records: [{ ...record, cooldownMs: -0, wallTime: -0 }] }
    const decoded = decodeMessage(encodeMessage(msg))
    if (decoded instanceof WireError || decoded.type !== 'delta') throw new Error('expected a delta')
    expect(Object.is(decoded.records[0]?.cooldownMs, 0)).toBe(true)
    expect(Object.is(decoded.records[0]?.wallTime, 0)).toBe(true)
  })

  it('builds fresh plain objects holding only the known fields', () => {
    const decoded = decodeMessage(encodeMessage(samples[1] as WireMessage))
    if (decoded instanceof WireError || decoded.type !== 'ping') throw new Error('expected a ping')
    expect(Object.keys(decoded)).toEqual(['v', 'type', 'from', 'seq', 'updates'])
    const r = (decoded.updates[2] as { record: BreakerRecord }).record
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype)
    expect(Object.keys(r)).toEqual(Object.keys(record))
    expect(Object.getPrototypeOf(r.vclock)).toBeNull()
    expect(Array.isArray(decoded.updates)).toBe(true)
  })

  it('sends each node id once per message, and a one-record delta in well under half the keyed form', () => {
    const msg = samples[4] as WireMessage
    const bytes = encodeMessage(msg)
    const keyed = new Packr({ useRecords: false }).pack(msg)
    expect(bytes.length).toBeLessThan(keyed.length * 0.6)
    const text = Buffer.from(bytes).toString('latin1')
    expect(text.split(A).length - 1).toBe(1) // from, origin and vclock key share one table entry
  })

  it('returns buffers that later encodings do not overwrite', () => {
    const first = encodeMessage(samples[4] as WireMessage)
    const copy = Array.from(first)
    for (const m of samples) encodeMessage(m)
    expect(Array.from(first)).toEqual(copy)
    expect(decodeMessage(first)).toEqual(samples[4])
  })

  it('sends interleaved updates as a members section and a records section, each in order', () => {
    const interleaved: WireMessage = { v: 1, type: 'ping', from: A, seq: 1, updates: [updates[2]!, updates[0]!, updates[3]!, updates[1]!] }
    expect(decodeMessage(encodeMessage(interleaved))).toEqual({ ...interleaved, updates })
  })

  it('refuses to encode an unknown message type, item kind or enum value (a bug in the caller)', () => {
    expect(() => encodeMessage({ ...samples[0], type: 'gossip' } as unknown as WireMessage)).toThrow(TypeError)
    expect(() => encodeMessage({ v: 1, type: 'ping', from: A, seq: 1, updates: [{ kind: 'gossip-of-the-future' }] })).toThrow(/unknown kind "gossip-of-the-future"/)
    const bad = { ...record, state: 'ajar' } as unknown as BreakerRecord
    expect(() => encodeMessage({ v: 1, type: 'delta', from: A, records: [bad] })).toThrow(/state "ajar"/)
  })

  it('shares one string instance per node id across messages', () => {
    const one = decodeMessage(encodeMessage(samples[4] as WireMessage))
    const two = decodeMessage(encodeMessage(samples[4] as WireMessage))
    if (one instanceof WireError || two instanceof WireError) throw new Error('expected messages')
    expect(one).not.toBe(two)
    expect(one.from).toBe(two.from)
  })
})

describe('prototype pollution', () => {
  const packr = new Packr({ useRecords: false, mapsAsObjects: true })

  it('keeps __proto__, constructor and prototype node ids as own keys of a null-prototype vclock', () => {
    const tricky = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty']
    const vclock = Object.create(null) as Record<string, number>
    tricky.forEach((id, i) => (vclock[id] = i + 1))
    const msg: WireMessage = { v: 1, type: 'delta', from: '__proto__', records: [{ ...record, origin: 'constructor', vclock }] }
    const decoded = decodeMessage(encodeMessage(msg))
    if (decoded instanceof WireError || decoded.type !== 'delta') throw new Error(`expected a delta, got ${String(decoded)}`)
    const vc = (decoded.records[0] as BreakerRecord).vclock
    expect(Object.getPrototypeOf(vc)).toBeNull()
    expect(Object.keys(vc).sort()).toEqual([...tricky].sort())
    for (const [i, id] of tricky.entries()) {
      expect(Object.getOwnPropertyDescriptor(vc, id)).toEqual({ value: i + 1, writable: true, enumerable: true, configurable: true })
    }
    expect(decoded.from).toBe('__proto__')
    expect(({} as Record<string, unknown>).constructor).toBe(Object)
    expect(Object.keys(Object.prototype)).toEqual([])
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('refuses a map with a __proto__ key in place of a vclock, and never touches Object.prototype', () => {
    const raw = toWire(samples[4] as WireMessage) as unknown[]
    const rec = (raw[4] as unknown[][][][])[0]![1]![0] as unknown[]
    rec[9] = new Map<unknown, unknown>([
      ['__proto__', { polluted: 1 }],
      ['constructor', { prototype: { polluted: 1 } }],
    ])
    const bytes = packr.pack(raw)
    expect(Buffer.from(bytes).includes(Buffer.from('__proto__'))).toBe(true)
    const decoded = decodeMessage(bytes)
    expect(decoded).toBeInstanceOf(WireError)
    expect((decoded as WireError).code).toBe('forbidden-type')
    expect((decoded as WireError).field).toBe('records[0].vclock')
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
    expect(Object.keys(Object.prototype)).toEqual([])
  })

  it('refuses a keyed (map) message envelope with __proto__ keys', () => {
    const bytes = packr.pack(new Map<unknown, unknown>([['__proto__', { polluted: 1 }], ['v', 1], ['type', 'delta']]))
    const decoded = decodeMessage(bytes)
    expect((decoded as WireError).code).toBe('not-an-object')
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
  })
})

// ---- arbitraries for the round-trip property

const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c))
const arbId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 64, unit: printable }),
  fc.constantFrom(A, B, C, '__proto__', 'constructor', 'prototype'),
)
const nameChar = fc.constantFrom(...'abcXYZ019._-:/@'.split(''))
const arbName = fc.string({ minLength: 1, maxLength: 64, unit: nameChar })
/** A vector clock whose counters are at most `lamport`. */
const arbVClock = (lamport: number) =>
  fc.uniqueArray(fc.tuple(arbId, fc.nat({ max: lamport })), { selector: ([id]) => id, maxLength: 6 }).map((entries) => {
    const vc = Object.create(null) as Record<string, number>
    for (const [id, n] of entries) vc[id] = n
    return vc
  })
const plain = (x: number): number => x + 0 // the wire has no -0
const arbRecord: fc.Arbitrary<BreakerRecord> = fc.maxSafeNat().chain((lamport) =>
  fc.record({
    name: arbName,
    state: fc.constantFrom('closed' as const, 'open' as const, 'half-open' as const),
    override: fc.constantFrom(null, 'forced-open' as const, 'forced-closed' as const),
    cooldownMs: fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e12, noNaN: true })).map(plain),
    openCount: fc.nat({ max: MAX_OPEN_COUNT }),
    prober: fc.option(arbId, { nil: null }),
    reason: fc.string({ maxLength: 100, unit: 'binary' }),
    origin: arbId,
    lamport: fc.constant(lamport),
    vclock: arbVClock(lamport),
    wallTime: fc.double({ noNaN: true, noDefaultInfinity: true }).map(plain),
  }),
)
const arbMember: fc.Arbitrary<Member> = fc.record({
  id: arbId,
  name: fc.string({ maxLength: 64, unit: 'binary' }),
  addrs: fc.array(fc.string({ minLength: 1, maxLength: 80, unit: 'binary' }), { maxLength: 4 }),
  incarnation: fc.maxSafeNat(),
  status: fc.constantFrom('alive' as const, 'suspect' as const, 'dead' as const, 'left' as const),
})
const arbUpdates = fc
  .tuple(fc.array(arbMember, { maxLength: 3 }), fc.array(arbRecord, { maxLength: 3 }))
  .map(([ms, rs]): Update[] => [...ms.map((m): Update => ({ kind: 'member', member: m })), ...rs.map((r): Update => ({ kind: 'record', record: r }))])
const arbMessage: fc.Arbitrary<WireMessage> = fc.oneof(
  fc.record({ v: fc.constant(1 as const), type: fc.constantFrom('ping' as const, 'ack' as const), from: arbId, seq: fc.maxSafeNat(), updates: arbUpdates }),
  fc.record({ v: fc.constant(1 as const), type: fc.constant('ping-req' as const), from: arbId, seq: fc.maxSafeNat(), target: arbId, updates: arbUpdates }),
  fc.record({ v: fc.constant(1 as const), type: fc.constant('delta' as const), from: arbId, records: fc.array(arbRecord, { maxLength: 5 }) }),
  fc.record({
    v: fc.constant(1 as const),
    type: fc.constant('sync-req' as const),
    from: arbId,
    join: fc.boolean(),
    members: fc.array(arbMember, { maxLength: 4 }),
    digest: fc.array(fc.tuple(arbName, fc.maxSafeNat(), arbId), { maxLength: 4 }),
    session: fc.maxSafeNat(),
    part: fc.constant(0),
    parts: fc.integer({ min: 1, max: WIRE_LIMITS.maxSyncParts }),
    after: fc.oneof(fc.constant(''), arbName),
    through: fc.option(fc.oneof(fc.constant(''), arbName), { nil: null }),
  }),
  fc.record({
    v: fc.constant(1 as const),
    type: fc.constant('sync-res' as const),
    from: arbId,
    members: fc.array(arbMember, { maxLength: 4 }),
    records: fc.array(arbRecord, { maxLength: 4 }),
    want: fc.array(arbName, { maxLength: 4 }),
    session: fc.maxSafeNat(),
    part: fc.nat({ max: WIRE_LIMITS.maxSyncParts }),
    messages: fc.integer({ min: 1, max: WIRE_LIMITS.maxSyncParts }),
  }),
)
