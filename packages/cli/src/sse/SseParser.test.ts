import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { SseParser } from './SseParser.js'

describe('SseParser', () => {
  it('parses events, data and skips comments', () => {
    const p = new SseParser()
    expect(p.push(': connected\n\nevent: breaker\ndata: {"a":1}\n\n: heartbeat\n\n')).toEqual([
      { event: 'breaker', data: '{"a":1}' },
    ])
  })

  it('joins multi-line data, defaults the event name, accepts CRLF and CR', () => {
    const p = new SseParser()
    expect(p.push('data: one\r\ndata:two\r\n\r\ndata: x\r\rid: 5\nretry: 10\nevent:member\ndata\n\n')).toEqual([
      { event: 'message', data: 'one\ntwo' },
      { event: 'message', data: 'x' },
      { event: 'member', data: '' },
    ])
  })

  it('waits for the end of a message split across chunks', () => {
    const p = new SseParser()
    expect(p.push('event: bre')).toEqual([])
    expect(p.push('aker\ndata: {"a"')).toEqual([])
    expect(p.push(':1}\n')).toEqual([])
    expect(p.push('\r')).toEqual([])
    expect(p.push('\n')).toEqual([{ event: 'breaker', data: '{"a":1}' }])
  })

  it('drops a message without data', () => {
    expect(new SseParser().push('event: breaker\n\n')).toEqual([])
  })

  it('refuses an endless line', () => {
    const p = new SseParser(16)
    expect(() => p.push('data: ' + 'x'.repeat(20))).toThrow(RangeError)
  })

  it('gives the same messages however the stream is split', () => {
    const message = fc.record({
      event: fc.constantFrom('breaker', 'member'),
      data: fc.string({ unit: fc.constantFrom('a', '{', '"', ':', ' ', 'é'), maxLength: 20 }),
    })
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        (messages, cuts, eol) => {
          const text = messages.map((m) => `event: ${m.event}${eol}data: ${m.data}${eol}${eol}: hb${eol}${eol}`).join('')
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)
          const p = new SseParser()
          const out = []
          let from = 0
          for (const at of [...points, text.length]) {
            out.push(...p.push(text.slice(from, at)))
            from = at
          }
          // A trailing lone CR may wait for a following LF; one more byte settles it.
          out.push(...p.push(eol === '\r' ? '\n' : ''))
          expect(out).toEqual(messages)
        },
      ),
    )
  })
})
