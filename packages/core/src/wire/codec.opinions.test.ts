import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import type { Opinion } from '../table/Opinion.js'
import { decodeMessage, encodeMessage } from './codec.js'
import { WIRE_LIMITS, type WireMessage } from './messages.js'
import { MessageSize } from './MessageSize.js'
import { toWire } from './toWire.js'
import { WireError, type WireErrorCode } from './WireError.js'

// The opinions section (kind 4): per-node opinions piggybacked on SWIM
// messages, gossiped in deltas, and pushed and pulled in syncs.

const A = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const B = 'n2'
const opinion: Opinion = { breaker: 'payments-api', node: B, verdict: 'failing', calls: 41, failures: 26, slow: 3, seq: 17, ageMs: 420 }
const healthy: Opinion = { breaker: 'ledger', node: A, verdict: 'healthy', calls: 0, failures: 0, slow: 0, seq: 1, ageMs: 0 }
const member = { id: B, name: 'n2', addrs: ['/ip4/10.0.0.2/tcp/7946'], incarnation: 3, status: 'alive' } as const
const record = {
  name: 'payments-api',
  state: 'open',
  override: null,
  cooldownMs: 5000,
  openCount: 1,
  prober: null,
  reason: 'r',
  origin: A,
  lamport: 4,
  vclock: { [A]: 4 },
  wallTime: 1,
} as const

const messages: WireMessage[] = [
  { v: 1, type: 'ping', from: A, seq: 1, updates: [{ kind: 'member', member }, { kind: 'record', record }, { kind: 'opinion', opinion }] },
  { v: 1, type: 'ack', from: B, seq: 2, updates: [{ kind: 'opinion', opinion }, { kind: 'opinion', opinion: healthy }] },
  { v: 1, type: 'ping-req', from: A, seq: 9, target: B, updates: [{ kind: 'opinion', opinion }] },
  { v: 1, type: 'delta', from: A, records: [], opinions: [opinion, healthy] },
  { v: 1, type: 'delta', from: A, records: [record], opinions: [opinion] },
  { v: 1, type: 'sync-req', from: A, join: false, members: [], digest: [], session: 1, part: 0, parts: 1, after: '', through: null, opinions: [opinion] },
  { v: 1, type: 'sync-res', from: B, members: [member], records: [record], want: ['x'], session: 1, part: 0, messages: 1, opinions: [healthy, opinion] },
]

describe('opinions on the wire', () => {
  it.each(messages.map((m, i) => [`${m.type} #${i}`, m] as const))('%s round-trips, within its size bound', (_, msg) => {
    const bytes = encodeMessage(msg)
    expect(decodeMessage(bytes)).toEqual(msg)
    const size = new MessageSize(Infinity).id(msg.from)
    const items = msg.type === 'delta' || msg.type === 'sync-req' || msg.type === 'sync-res' ? (msg.opinions ?? []) : []
    for (const o of items) size.addOpinion(o)
    if (msg.type === 'delta' && msg.records.length === 0) expect(bytes.length).toBeLessThanOrEqual(size.bytes)
  })

  it('an opinion is about 40 bytes on the wire (a 12-character name, an id already in the table)', () => {
    const one = encodeMessage({ v: 1, type: 'delta', from: B, records: [], opinions: [opinion] }).length
    const two = encodeMessage({ v: 1, type: 'delta', from: B, records: [], opinions: [opinion, { ...opinion, breaker: 'orders-db-v2' }] }).length
    expect(two - one).toBeLessThanOrEqual(40)
  })

  it('leaves the opinions field out when a message has none (older messages decode as before)', () => {
    expect(decodeMessage(encodeMessage({ v: 1, type: 'delta', from: A, records: [record], opinions: [] }))).toEqual({ v: 1, type: 'delta', from: A, records: [record] })
  })

  it('refuses to encode an unknown verdict (a bug in the caller)', () => {
    expect(() => encodeMessage({ v: 1, type: 'delta', from: A, records: [], opinions: [{ ...opinion, verdict: 'meh' as 'failing' }] })).toThrow(/verdict/)
  })
})

const packr = new Packr({ useRecords: false, mapsAsObjects: true })
const delta: WireMessage = { v: 1, type: 'delta', from: A, records: [], opinions: [opinion] }
type Raw = any[]
// positional indexes (layout.ts): delta sections at 4; opinion [breaker, node, verdict, calls, failures, slow, seq, ageMs]
const OP = { breaker: 0, node: 1, verdict: 2, calls: 3, failures: 4, slow: 5, seq: 6, ageMs: 7 }
function edit(change: (o: Raw, raw: Raw) => void, base: WireMessage = delta): Uint8Array {
  const raw = structuredClone(toWire(base)) as Raw
  change(raw[4][0][1][0], raw)
  return packr.pack(raw)
}

const rejections: Array<{ name: string; input: () => Uint8Array; code: WireErrorCode; field: string }> = [
  { name: 'an opinion of 7 fields', input: () => edit((o) => o.pop()), code: 'bad-field', field: 'opinions[0]' },
  { name: 'a bad breaker name', input: () => edit((o) => (o[OP.breaker] = 'a b')), code: 'bad-name', field: 'opinions[0].breaker' },
  { name: 'a node outside the id table', input: () => edit((o) => (o[OP.node] = 9)), code: 'bad-field', field: 'opinions[0].node' },
  { name: 'an unknown verdict code', input: () => edit((o) => (o[OP.verdict] = 2)), code: 'bad-field', field: 'opinions[0].verdict' },
  { name: 'negative calls', input: () => edit((o) => (o[OP.calls] = -1)), code: 'bad-field', field: 'opinions[0].calls' },
  { name: 'more failures than calls', input: () => edit((o) => (o[OP.failures] = 42)), code: 'bad-field', field: 'opinions[0].failures' },
  { name: 'more slow calls than calls', input: () => edit((o) => (o[OP.slow] = 42)), code: 'bad-field', field: 'opinions[0].slow' },
  { name: 'a fractional seq', input: () => edit((o) => (o[OP.seq] = 1.5)), code: 'bad-field', field: 'opinions[0].seq' },
  { name: 'a seq above 2^48', input: () => edit((o) => (o[OP.seq] = 2 ** 48 + 1)), code: 'bad-field', field: 'opinions[0].seq' },
  { name: 'an age above 2^48', input: () => edit((o) => (o[OP.ageMs] = 2 ** 50)), code: 'bad-field', field: 'opinions[0].ageMs' },
  {
    name: 'too many opinions',
    input: () => edit((_, raw) => (raw[4][0][1] = new Array(WIRE_LIMITS.maxOpinionsPerMessage + 1).fill(['x', 0, 0, 0, 0, 0, 0, 0]))),
    code: 'too-many',
    field: 'opinions',
  },
  {
    name: 'an opinions section before the records',
    input: () => edit((_, raw) => raw[4].reverse(), { ...delta, records: [record] } as WireMessage),
    code: 'bad-field',
    field: 'sections[1]',
  },
  {
    name: 'a piggybacked opinion at fault, named by its update index',
    input: () => {
      const raw = structuredClone(toWire(messages[1] as WireMessage)) as Raw
      raw[5][0][1][1][OP.verdict] = 7
      return packr.pack(raw)
    },
    code: 'bad-field',
    field: 'updates[1].opinion.verdict',
  },
  {
    name: 'more piggybacked updates than maxUpdates, opinions included',
    input: () => {
      const raw = structuredClone(toWire(messages[0] as WireMessage)) as Raw
      raw[5][2][1] = new Array(WIRE_LIMITS.maxUpdates - 1).fill(raw[5][2][1][0])
      return packr.pack(raw)
    },
    code: 'too-many',
    field: 'updates',
  },
]

describe('malformed opinions are refused precisely', () => {
  it.each(rejections.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const result = decodeMessage(c.input())
    expect(result).toBeInstanceOf(WireError)
    expect({ code: (result as WireError).code, field: (result as WireError).field }).toEqual({ code: c.code, field: c.field })
  })
})
