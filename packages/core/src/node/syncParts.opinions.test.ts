import { describe, expect, it } from 'vitest'
import type { Opinion } from '../table/Opinion.js'
import { encodeMessage } from '../wire/codec.js'
import { WIRE_LIMITS } from '../wire/messages.js'
import { deltaMessages } from './deltaMessages.js'
import { answerParts, requestParts } from './syncParts.js'

// Opinions ride in push-pull parts and gossip deltas as their own section: a
// fleet of many members using many breakers still pages under maxMessageBytes.

const id = (i: number) => `12D3KooW${String(i).padStart(44, 'Q')}`
/** 300 members × 100 breakers with 120-character names: 30,000 opinions, about 2 MB in all. */
const opinions: Opinion[] = []
for (let m = 0; m < 300; m++) {
  for (let b = 0; b < 100; b++) {
    opinions.push({ breaker: `svc-${b}`.padEnd(120, 'x'), node: id(m), verdict: b % 3 === 0 ? 'failing' : 'healthy', calls: 1_000_000, failures: 999, slow: 3, seq: 2 ** 40, ageMs: 123_456 })
  }
}

describe('opinions in push-pull parts and deltas', () => {
  it('a request carries every opinion, cut into parts under maxMessageBytes that name no record range', () => {
    const parts = requestParts(id(0), [], [['a', 1, id(1)]], opinions)
    expect(parts.length).toBeGreaterThan(2)
    expect(parts.flatMap((p) => p.opinions)).toEqual(opinions)
    for (const [part, p] of parts.entries()) {
      const bytes = encodeMessage({ v: 1, type: 'sync-req', from: id(0), join: false, members: p.members, digest: p.digest, session: 1, part, parts: parts.length, after: p.after, through: p.through, opinions: p.opinions })
      expect(bytes.length).toBeLessThanOrEqual(WIRE_LIMITS.maxMessageBytes)
      if (p.digest.length === 0) expect(p.through).toBe('') // opinion-only parts: the empty range
    }
    expect(parts[0]?.through).toBeNull() // the digest part still covers every name
  })

  it('an answer carries them after its records and wanted names', () => {
    const parts = answerParts(id(0), [], [], ['want-me'], opinions)
    expect(parts.flatMap((p) => p.opinions)).toEqual(opinions)
    expect(parts[0]?.want).toEqual(['want-me'])
    for (const p of parts) {
      const bytes = encodeMessage({ v: 1, type: 'sync-res', from: id(0), members: p.members, records: p.records, want: p.want, session: 1, part: 0, messages: parts.length, opinions: p.opinions })
      expect(bytes.length).toBeLessThanOrEqual(WIRE_LIMITS.maxMessageBytes)
    }
  })

  it('a flush with many opinions is cut into deltas under maxMessageBytes; a few ride in one delta with the records', () => {
    const deltas = deltaMessages(id(0), [], 256, opinions)
    expect(deltas.length).toBeGreaterThan(2)
    expect(deltas.flatMap((d) => d.opinions ?? [])).toEqual(opinions)
    for (const d of deltas) expect(encodeMessage(d).length).toBeLessThanOrEqual(WIRE_LIMITS.maxMessageBytes)
    const record = { name: 'r', state: 'open', override: null, cooldownMs: 1, openCount: 1, prober: null, reason: '', origin: id(0), lamport: 1, vclock: {}, wallTime: 0 } as const
    expect(deltaMessages(id(0), [record], 256, opinions.slice(0, 3))).toEqual([{ v: 1, type: 'delta', from: id(0), records: [record], opinions: opinions.slice(0, 3) }])
    expect(deltaMessages(id(0), [record], 256, [])).toEqual([{ v: 1, type: 'delta', from: id(0), records: [record] }])
  })
})
