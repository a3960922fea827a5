import { describe, expect, it } from 'vitest'
import type { MeshEvent, MeshView } from '@breaker-mesh/mesh'
import { formatEvent } from './formatEvent.js'
import { formatView } from './formatView.js'
import { printable, printableJson } from './printable.js'

/** Independent list of what must never reach a terminal (checked per code unit). */
function unsafeUnits(text: string): string[] {
  const found: string[] = []
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    const bad =
      c < 0x20 ||
      (c >= 0x7f && c <= 0x9f) ||
      c === 0x061c ||
      (c >= 0x200b && c <= 0x200f) ||
      (c >= 0x2028 && c <= 0x202e) ||
      (c >= 0x2060 && c <= 0x2069) ||
      c === 0xfeff ||
      (c >= 0xd800 && c <= 0xdfff && !isPair(text, i))
    if (bad) found.push(`U+${c.toString(16).padStart(4, '0')}`)
  }
  return found
}

function isPair(text: string, i: number): boolean {
  const c = text.charCodeAt(i)
  if (c <= 0xdbff) return (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00
  return (text.charCodeAt(i - 1) & 0xfc00) === 0xd800
}

const HOSTILE =
  'x\u0000\u0007\u0008\t\n\u000b\u000c\r\u001b[2J\u001b]0;title\u0007\u007f\u0080\u0085\u009b31m\u009f' +
  '\u061c\u200b\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\ud800\u{e0041}y'

describe('printable', () => {
  it('replaces every C0, DEL and C1 control with ?, and leaves printable ASCII alone', () => {
    for (let c = 0; c <= 0x9f; c++) {
      const ch = String.fromCharCode(c)
      const control = c < 0x20 || c >= 0x7f
      expect(printable(ch), `U+${c.toString(16)}`).toBe(control ? '?' : ch)
    }
  })

  it('replaces bidi controls, separators, zero-width and tag characters and lone surrogates', () => {
    for (const ch of ['\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u2028', '\u2029', '\u200b', '\ufeff', '\ud800', '\udc00', '\u{e0041}']) {
      expect(printable(`a${ch}b`), `U+${ch.codePointAt(0)?.toString(16)}`).toBe('a?b')
    }
    expect(unsafeUnits(printable(HOSTILE))).toEqual([])
  })

  it('keeps letters of any script and emoji', () => {
    expect(printable('payments-api.v2:eu/1@prod é 日本 ü 😀')).toBe('payments-api.v2:eu/1@prod é 日本 ü 😀')
  })
})

describe('printableJson', () => {
  it('writes unsafe characters as \\u escapes: the same JSON value, nothing raw', () => {
    const value = { name: HOSTILE, nested: [HOSTILE], n: 1 }
    const text = printableJson(value, 2)
    expect(unsafeUnits(text.replaceAll('\n', ''))).toEqual([])
    expect(JSON.parse(text)).toEqual(value)
    expect(printableJson({ a: 'b\u202ec' })).toBe('{"a":"b\\u202ec"}')
    expect(printableJson({ t: '\u{e0041}' })).toBe('{"t":"\\udb40\\udc41"}')
  })
})

describe('inspect and watch output never carry a control character', () => {
  it('formatView: every field of a hostile view, one line per row', () => {
    const view = {
      node: { id: `id${HOSTILE}`, name: HOSTILE, fleet: HOSTILE, addrs: [HOSTILE] },
      members: [{ id: `m${HOSTILE}`, name: HOSTILE, status: HOSTILE, incarnation: 1, addrs: [HOSTILE] }],
      breakers: [
        {
          name: HOSTILE,
          state: HOSTILE,
          override: HOSTILE,
          reason: HOSTILE,
          prober: `p${HOSTILE}`,
          version: { lamport: 1, origin: `o${HOSTILE}`, vclock: {} },
          local: { calls: HOSTILE, failures: HOSTILE, slow: 0 },
          wallTime: 0,
          concurrent: false,
        },
      ],
    } as unknown as MeshView
    const text = formatView(view, 0)
    const lines = text.split('\n')
    expect(unsafeUnits(lines.join(''))).toEqual([])
    // node, 1 address, blank, members title, header, 1 row, blank, breakers title, header, 1 row, trailing ''
    expect(lines).toHaveLength(11)
  })

  it('formatEvent: every field of hostile events, one line each', () => {
    const breaker = {
      type: 'breaker',
      name: HOSTILE,
      state: HOSTILE,
      previous: HOSTILE + 'p',
      override: HOSTILE,
      reason: HOSTILE,
      origin: HOSTILE,
      local: false,
      concurrent: true,
      at: 0,
    } as unknown as MeshEvent
    const member = { type: 'member', id: HOSTILE, name: HOSTILE, status: HOSTILE, previous: HOSTILE, incarnation: HOSTILE, at: 0 } as unknown as MeshEvent
    for (const event of [breaker, member]) {
      const line = formatEvent(event, new Map([[HOSTILE, HOSTILE]]))
      expect(line.endsWith('\n')).toBe(true)
      expect(unsafeUnits(line.slice(0, -1))).toEqual([])
    }
  })
})
