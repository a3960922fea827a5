import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage } from './codec.js'
import { A, B, sampleMember, sampleRecord } from './fixtures/samples.js'
import type { WireMessage } from './messages.js'
import type { DecodeStats } from './readMessage.js'
import { toWire } from './toWire.js'
import { WireError } from './WireError.js'

// A newer build may add section kinds (layout.ts): this build must skip them,
// count them, and use the rest of the message exactly as if they were absent.

const record = sampleRecord()
const member = sampleMember()
const messages: WireMessage[] = [
  { v: 1, type: 'ping', from: A, seq: 1, updates: [{ kind: 'member', member }, { kind: 'record', record }] },
  { v: 1, type: 'ack', from: B, seq: 2, updates: [] },
  { v: 1, type: 'ping-req', from: A, seq: 9, target: B, updates: [{ kind: 'record', record }] },
  { v: 1, type: 'delta', from: A, records: [record] },
  { v: 1, type: 'sync-req', from: A, join: true, members: [member], digest: [['payments-api', 42, A]], session: 1, part: 0, parts: 2, after: '', through: 'payments-api' },
  { v: 1, type: 'sync-res', from: B, members: [member], records: [record], want: ['ledger'], session: 1, part: 0, messages: 1 },
]

const packr = new Packr({ useRecords: false, mapsAsObjects: true })

/** What a future section may hold: only the layout's types, nested, of every width. */
const payloads: unknown[] = [
  null,
  true,
  [1, -1, 200, -200, 70_000, -70_000, 2 ** 40, -(2 ** 40), 0.5, 1e300],
  ['opinion', 'x'.repeat(40), 'é'.repeat(200), 'y'.repeat(70_000)],
  [[[], [[[A]]]], [false, null, [3.25]]],
  new Array(20).fill([B, 1, [2, 'z']]),
]

/** Encode `msg`, then put unknown sections at `where` ('start', 'middle' or 'end') of its section list. */
function withFuture(msg: WireMessage, where: 'start' | 'middle' | 'end', kinds: number[]): Uint8Array {
  const raw = toWire(msg) as unknown[]
  const sections = raw[raw.length - 1] as unknown[]
  const extra = kinds.map((kind, i) => [kind, payloads[i % payloads.length]])
  const at = where === 'start' ? 0 : where === 'end' ? sections.length : Math.min(1, sections.length)
  sections.splice(at, 0, ...extra)
  return packr.pack(raw)
}

describe('decodeMessage skips sections of unknown kinds', () => {
  it.each(messages.flatMap((m) => (['start', 'middle', 'end'] as const).map((where) => [`${m.type}, ${where}`, m, where] as const)))(
    '%s: the message is the same, the skipped sections are counted',
    (_, msg, where) => {
      const stats: DecodeStats = { skippedSections: -1 }
      const decoded = decodeMessage(withFuture(msg, where, [8, 99, 2 ** 31, 7, 64, 5]), stats)
      expect(decoded).not.toBeInstanceOf(WireError)
      expect(decoded).toEqual(msg)
      expect(stats.skippedSections).toBe(6)
    },
  )

  it('counts none in a message of known sections, and resets the count when a message is refused', () => {
    const stats: DecodeStats = { skippedSections: -1 }
    decodeMessage(encodeMessage(messages[0] as WireMessage), stats)
    expect(stats.skippedSections).toBe(0)
    decodeMessage(withFuture(messages[3] as WireMessage, 'end', [9]), stats)
    expect(stats.skippedSections).toBe(1)
    const broken = withFuture({ ...(messages[3] as WireMessage), from: '' } as WireMessage, 'end', [9])
    expect(decodeMessage(broken, stats)).toBeInstanceOf(WireError)
    expect(stats.skippedSections).toBe(0)
  })

  it('keeps a message made only of unknown sections: nothing of it is known, nothing is lost', () => {
    const stats: DecodeStats = { skippedSections: 0 }
    const delta = withFuture({ v: 1, type: 'delta', from: A, records: [] }, 'end', [9, 10])
    expect(decodeMessage(delta, stats)).toEqual({ v: 1, type: 'delta', from: A, records: [] })
    expect(stats.skippedSections).toBe(2)
  })

  it('does not decode the strings of a skipped section (they are not this build’s to check)', () => {
    const bytes = Buffer.from(withFuture(messages[3] as WireMessage, 'end', [9]))
    // payloads[0] is nil; give the section a string of bytes that are not UTF-8 instead
    const raw = toWire(messages[3] as WireMessage) as unknown[]
    ;(raw[4] as unknown[]).push([9, 'ab'])
    const packed = Buffer.from(packr.pack(raw))
    const at = packed.lastIndexOf(Buffer.from([0xa2, 0x61, 0x62]))
    packed[at + 1] = 0xc0 // overlong, never valid UTF-8
    const stats: DecodeStats = { skippedSections: 0 }
    expect(decodeMessage(bytes)).toEqual(messages[3])
    expect(decodeMessage(Uint8Array.from(packed), stats)).toEqual(messages[3])
    expect(stats.skippedSections).toBe(1)
  })
})
