import { describe, expect, it } from 'vitest'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import { Packr } from 'msgpackr'
import { decodeMessage, encodeMessage } from './codec.js'
import type { WireMessage } from './messages.js'
import { toWire } from './toWire.js'
import { WireError } from './WireError.js'

// Whatever the bytes, decodeMessage never throws, and whatever it accepts is a
// valid message: it re-encodes to bytes that decode to an equal message.

/** mulberry32: a small seeded PRNG, so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const A = '12D3KooWQYhTNQdmr3ArTeUHRYzFg94BKyTkoWBDWez9kSCVe2Xo'
const B = 'n2'
const record: BreakerRecord = {
  name: 'payments-api',
  state: 'half-open',
  override: 'forced-open',
  cooldownMs: 7500.5,
  openCount: 3,
  prober: B,
  reason: 'failure rate 63% over 41 calls — ½',
  origin: A,
  lamport: 70_000,
  vclock: { [A]: 7, [B]: 300, n3: 0 }, // counters ≤ lamport
  wallTime: 1_718_000_000_123,
}
const member = { id: B, name: 'n2', addrs: ['/ip4/10.0.0.2/tcp/7946'], incarnation: 2 ** 20, status: 'suspect' } as const
const valid: WireMessage[] = [
  { v: 1, type: 'ping', from: A, seq: 1, updates: [{ kind: 'record', record }] },
  { v: 1, type: 'ack', from: B, seq: 300, updates: [{ kind: 'member', member }] },
  { v: 1, type: 'ping-req', from: A, seq: 5, target: B, updates: [{ kind: 'member', member }, { kind: 'record', record }] },
  { v: 1, type: 'delta', from: A, records: [record, { ...record, name: 'x', prober: null, override: null, vclock: {} }] },
  {
    v: 1,
    type: 'sync-req',
    from: A,
    join: false,
    members: [member],
    digest: [['payments-api', 9, A]],
    session: 3,
    part: 0,
    parts: 2,
    after: '',
    through: 'payments-api',
  },
  { v: 1, type: 'sync-res', from: B, members: [member], records: [record], want: ['ledger', 'e'], session: 3, part: 1, messages: 2 },
]
const encodings = valid.map((m) => encodeMessage(m))
// and a message of a newer build: sections of kinds this build skips, around the known ones
const future = toWire(valid[2] as WireMessage)
;(future[6] as unknown[]).splice(1, 0, [9, [1, 'opinion', [null, 2.5, [B]]]])
;(future[6] as unknown[]).push([70_000, 'x'.repeat(40)])
encodings.push(new Packr({ useRecords: false }).pack(future))

const interesting = [0x00, 0x01, 0x7f, 0x80, 0x90, 0x95, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc7, 0xca, 0xcb, 0xcc, 0xcf, 0xd3, 0xd4, 0xd9, 0xdc, 0xdd, 0xde, 0xe0, 0xff]

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const int = (n: number): number => Math.floor(rnd() * n)
  const b = Array.from(src)
  const rounds = 1 + int(3)
  for (let k = 0; k < rounds; k++) {
    const at = int(b.length + 1)
    switch (int(6)) {
      case 0: // bit flips
        for (let f = 1 + int(3); f > 0 && b.length > 0; f--) {
          const i = int(b.length)
          b[i] = (b[i] as number) ^ (1 << int(8))
        }
        break
      case 1: // truncation
        b.length = at
        break
      case 2: // insertion of random bytes
        b.splice(at, 0, ...Array.from({ length: 1 + int(4) }, () => int(256)))
        break
      case 3: // deletion
        b.splice(at, 1 + int(4))
        break
      case 4: // an interesting token in place of a byte
        if (b.length > 0) b[int(b.length)] = interesting[int(interesting.length)] as number
        break
      default: {
        // a slice repeated elsewhere
        const from = int(b.length)
        b.splice(at, 0, ...b.slice(from, from + 1 + int(12)))
      }
    }
  }
  return Uint8Array.from(b)
}

function randomBytes(rnd: () => number): Uint8Array {
  const int = (n: number): number => Math.floor(rnd() * n)
  const length = int(160)
  const out = Array.from({ length }, () => int(256))
  // half start like an envelope, so that the fuzz gets past the first checks
  if (rnd() < 0.5) out.unshift(0x90 + 4 + int(4), 0x01, 1 + int(6))
  return Uint8Array.from(out)
}

interface Tally {
  accepted: number
  codes: Map<string, number>
  failures: string[]
}

function check(bytes: Uint8Array, tally: Tally): void {
  let result: WireMessage | WireError
  try {
    result = decodeMessage(bytes)
  } catch (e) {
    tally.failures.push(`threw ${String(e)} on ${Buffer.from(bytes).toString('hex')}`)
    return
  }
  if (result instanceof WireError) {
    tally.codes.set(result.code, (tally.codes.get(result.code) ?? 0) + 1)
    return
  }
  tally.accepted++
  const reencoded = encodeMessage(result)
  const again = decodeMessage(reencoded)
  expect(again).toStrictEqual(result)
  expect(Array.from(encodeMessage(again as WireMessage))).toEqual(Array.from(reencoded))
}

describe('decodeMessage under fuzzing', () => {
  it('never throws on 10,000 random byte strings', () => {
    const rnd = prng(0xb4ea4e7)
    const tally: Tally = { accepted: 0, codes: new Map(), failures: [] }
    for (let i = 0; i < 10_000; i++) check(randomBytes(rnd), tally)
    expect(tally.failures).toEqual([])
    // the prefix trick reaches past the envelope checks
    expect(tally.codes.get('bad-field') ?? 0).toBeGreaterThan(100)
    expect(Object.keys(Object.prototype)).toEqual([])
  })

  it('never throws on 10,000 mutations of valid encodings, and what it accepts is valid', () => {
    const rnd = prng(20240611)
    const tally: Tally = { accepted: 0, codes: new Map(), failures: [] }
    for (let i = 0; i < 10_000; i++) check(mutate(encodings[i % encodings.length] as Uint8Array, rnd), tally)
    expect(tally.failures).toEqual([])
    // mutations both pass (changed values) and fail in many different ways
    expect(tally.accepted).toBeGreaterThan(200)
    for (const code of ['not-msgpack', 'forbidden-type', 'bad-field', 'unsupported-version', 'unknown-type']) {
      expect(tally.codes.get(code) ?? 0, code).toBeGreaterThan(0)
    }
    expect(Object.keys(Object.prototype)).toEqual([])
  })
})
