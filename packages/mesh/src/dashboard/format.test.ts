import { describe, expect, it } from 'vitest'
import { formatDuration, formatPercent, formatRate, shortId } from './format.js'

describe('dashboard formatting', () => {
  it.each([
    [undefined, '–'],
    [Number.NaN, '–'],
    [-3000, 'now'],
    [999, 'now'],
    [1000, '1s'],
    [75_000, '1m15s'],
    [3_600_000 + 5 * 60_000, '1h05m'],
    [50 * 3_600_000, '2d02h'],
  ])('formatDuration(%s) = %s', (ms, text) => expect(formatDuration(ms)).toBe(text))

  it.each([
    [null, '–'],
    [0, '0'],
    [0.44, '0.4'],
    [12.4, '12'],
    [1234, '1.2k'],
  ])('formatRate(%s) = %s', (rate, text) => expect(formatRate(rate)).toBe(text))

  it('formats shares and ids', () => {
    expect(formatPercent(1, 3)).toBe('33%')
    expect(formatPercent(0, 0)).toBe('–')
    expect(shortId('12D3KooWQa1zfakefakefakefakefakefakefakefake1')).toBe('12D3KooW…efake1')
    expect(shortId('n1')).toBe('n1')
  })
})
