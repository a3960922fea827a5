import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Member } from '../membership/Member.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import { MAX_OPEN_COUNT } from '../table/BreakerRecord.js'
import { decodeMessage, encodeMessage } from './codec.js'
import { WIRE_LIMITS, type DigestEntry, type WireMessage } from './messages.js'
import { MessageSize, paginate, utf8Bytes } from './MessageSize.js'

const printable = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c))
const arbId = fc.string({ minLength: 1, maxLength: 128, unit: printable })
const arbName = fc.string({ minLength: 1, maxLength: 128, unit: fc.constantFrom(...'abz09._-:/@'.split('')) })
const arbRecord: fc.Arbitrary<BreakerRecord> = fc.maxSafeNat().chain((lamport) =>
  fc.record({
    name: arbName,
    state: fc.constantFrom('closed' as const, 'open' as const, 'half-open' as const),
    override: fc.constantFrom(null, 'forced-open' as const, 'forced-closed' as const),
    cooldownMs: fc.double({ min: 0, max: 1e15, noNaN: true }).map((x) => x + 0),
    openCount: fc.nat({ max: MAX_OPEN_COUNT }),
    prober: fc.option(arbId, { nil: null }),
    reason: fc.string({ maxLength: 256, unit: 'binary' }),
    origin: arbId,
    lamport: fc.constant(lamport),
    vclock: fc.dictionary(arbId, fc.nat({ max: lamport }), { maxKeys: 20 }).map((d) => Object.assign(Object.create(null), d) as Record<string, number>),
    wallTime: fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x + 0),
  }),
)
const arbMember: fc.Arbitrary<Member> = fc.record({
  id: arbId,
  name: fc.string({ maxLength: 128, unit: 'binary' }),
  addrs: fc.array(fc.string({ minLength: 1, maxLength: 256, unit: 'binary' }), { maxLength: 16 }),
  incarnation: fc.maxSafeNat(),
  status: fc.constantFrom('alive' as const, 'suspect' as const, 'dead' as const, 'left' as const),
})

/** The size bound of a whole message, every item forced in. */
function bound(msg: WireMessage): number {
  const size = new MessageSize(Infinity).id(msg.from)
  switch (msg.type) {
    case 'delta':
      for (const r of msg.records) size.addRecord(r)
      break
    case 'ping':
    case 'ack':
    case 'ping-req':
      if (msg.type === 'ping-req') size.id(msg.target)
      for (const u of msg.updates) size.addUpdate(u)
      break
    case 'sync-req':
      for (const m of msg.members) size.addMember(m)
      for (const e of msg.digest) size.addDigestEntry(e)
      break
    case 'sync-res':
      for (const m of msg.members) size.addMember(m)
      for (const r of msg.records) size.addRecord(r)
      for (const n of msg.want) size.addName(n)
      break
  }
  return size.bytes
}

describe('MessageSize', () => {
  it('counts UTF-8 bytes exactly', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', '\ud800x', 'x\udc00']) expect(utf8Bytes(s)).toBe(Buffer.byteLength(s, 'utf8'))
  })

  it('is an upper bound of the encoded size of any message (property)', () => {
    const arbMessage: fc.Arbitrary<WireMessage> = fc.oneof(
      fc.record({ v: fc.constant(1 as const), type: fc.constant('delta' as const), from: arbId, records: fc.array(arbRecord, { maxLength: 6 }) }),
      fc.record({
        v: fc.constant(1 as const),
        type: fc.constant('ping-req' as const),
        from: arbId,
        seq: fc.maxSafeNat(),
        target: arbId,
        updates: fc.array(fc.oneof(arbMember.map((member) => ({ kind: 'member' as const, member })), arbRecord.map((record) => ({ kind: 'record' as const, record }))), { maxLength: 6 }),
      }),
      fc.record({
        v: fc.constant(1 as const),
        type: fc.constant('sync-req' as const),
        from: arbId,
        join: fc.boolean(),
        members: fc.array(arbMember, { maxLength: 5 }),
        digest: fc.array(fc.tuple(arbName, fc.maxSafeNat(), arbId), { maxLength: 6 }),
        session: fc.maxSafeNat(),
        part: fc.constant(0),
        parts: fc.constant(WIRE_LIMITS.maxSyncParts),
        after: arbName,
        through: fc.option(arbName, { nil: null }),
      }),
      fc.record({
        v: fc.constant(1 as const),
        type: fc.constant('sync-res' as const),
        from: arbId,
        members: fc.array(arbMember, { maxLength: 5 }),
        records: fc.array(arbRecord, { maxLength: 5 }),
        want: fc.array(arbName, { maxLength: 6 }),
        session: fc.maxSafeNat(),
        part: fc.maxSafeNat(),
        messages: fc.integer({ min: 1, max: WIRE_LIMITS.maxSyncParts }),
      }),
    )
    fc.assert(
      fc.property(arbMessage, (msg) => {
        expect(encodeMessage(msg).length).toBeLessThanOrEqual(bound(msg))
      }),
      { numRuns: 300 },
    )
  })

  it('the largest legitimate record and member each fit one message', () => {
    const ids = Array.from({ length: WIRE_LIMITS.maxVClockEntries }, (_, i) => `${i}`.padStart(WIRE_LIMITS.maxIdLength, 'p'))
    const vclock = Object.create(null) as Record<string, number>
    for (const id of ids) vclock[id] = Number.MAX_SAFE_INTEGER
    const record: BreakerRecord = {
      name: 'n'.repeat(128),
      state: 'half-open',
      override: 'forced-open',
      cooldownMs: 1.5e300,
      openCount: MAX_OPEN_COUNT,
      prober: ids[1]!,
      reason: '€'.repeat(WIRE_LIMITS.maxReasonLength),
      origin: ids[0]!,
      lamport: Number.MAX_SAFE_INTEGER,
      vclock,
      wallTime: -1.5e300,
    }
    const delta: WireMessage = { v: 1, type: 'delta', from: 'q'.repeat(128), records: [record] }
    const bytes = encodeMessage(delta)
    expect(bytes.length).toBeLessThanOrEqual(WIRE_LIMITS.maxMessageBytes)
    expect(bound(delta)).toBeLessThanOrEqual(WIRE_LIMITS.maxMessageBytes)
    expect(decodeMessage(bytes)).toEqual(delta)
    const member: Member = {
      id: 'm'.repeat(128),
      name: '€'.repeat(128),
      addrs: Array.from({ length: WIRE_LIMITS.maxAddrsPerMember }, () => '€'.repeat(WIRE_LIMITS.maxAddrLength)),
      incarnation: Number.MAX_SAFE_INTEGER,
      status: 'left',
    }
    const ping: WireMessage = { v: 1, type: 'ping', from: 'q', seq: 1, updates: [{ kind: 'member', member }] }
    expect(bound(ping)).toBeLessThan(16 * 1024)
    console.log(`largest record: ${bytes.length} bytes (limit ${WIRE_LIMITS.maxMessageBytes}); largest member: ${encodeMessage(ping).length} bytes`)
  })
})

describe('paginate', () => {
  it('cuts into pages under the byte and count limits, in order, none empty', () => {
    const digest: DigestEntry[] = Array.from({ length: 10_000 }, (_, i) => [`breaker-${i}`.padEnd(128, 'x'), 2 ** 50 + i, `node-${i % 300}`])
    const pages = paginate(digest, (size, e) => size.addDigestEntry(e), WIRE_LIMITS.maxRecordsPerMessage)
    expect(pages.length).toBeGreaterThan(1)
    expect(pages.flat()).toEqual(digest)
    for (const [i, page] of pages.entries()) {
      const msg: WireMessage = { v: 1, type: 'sync-req', from: 'a'.repeat(128), join: false, members: [], digest: page, session: 1, part: i, parts: pages.length, after: 'b'.repeat(128), through: 'c'.repeat(128) }
      expect(encodeMessage(msg).length).toBeLessThanOrEqual(WIRE_LIMITS.maxMessageBytes)
    }
    expect(paginate([1, 2, 3, 4, 5], () => true, 2)).toEqual([[1, 2], [3, 4], [5]])
    expect(paginate([], () => true, 2)).toEqual([])
  })
})
