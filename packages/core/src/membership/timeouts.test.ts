import { describe, expect, it } from 'vitest'
import { remainingSuspicionTime, retransmitLimit, suspicionTimeout } from './timeouts.js'

describe('suspicionTimeout', () => {
  it.each([
    // mult, n, interval, expected ms
    [4, 0, 1000, 4000], // log10(1) = 0 → floor of 1
    [4, 1, 1000, 4000], // log10(2) < 1
    [4, 9, 1000, 4000], // log10(10) = 1
    [4, 99, 1000, 8000], // log10(100) = 2
    [4, 999, 1000, 12000],
    [3, 50, 200, 3 * Math.log10(51) * 200],
    [4, 50, 1000, 4 * Math.log10(51) * 1000],
  ])('mult %d, n %d, interval %d → %d ms', (mult, n, interval, expected) => {
    expect(suspicionTimeout(mult, n, interval)).toBeCloseTo(expected, 9)
  })
})

describe('remainingSuspicionTime', () => {
  const min = 2000
  const max = 30000
  it.each([
    // confirmations, expected, elapsed, remaining
    [0, 3, 0, max], // no confirmation: the full timeout
    [0, 3, 5000, max - 5000],
    [1, 3, 0, max - (max - min) * (Math.log(2) / Math.log(4))], // first confirmation counts most
    [2, 3, 0, max - (max - min) * (Math.log(3) / Math.log(4))],
    [3, 3, 0, min], // all expected confirmations: the minimum
    [10, 3, 0, min], // more never goes below the minimum
    [3, 3, 2500, -500], // expired
    [0, 0, 0, min], // none expected (tiny fleet): the minimum at once
    [5, 0, 100, min - 100],
  ])('c=%d of k=%d after %d ms → %d ms', (c, k, elapsed, expected) => {
    expect(remainingSuspicionTime(c, k, elapsed, min, max)).toBeCloseTo(expected, 6)
  })

  it('shrinks monotonically with each confirmation', () => {
    let previous = Infinity
    for (let c = 0; c <= 6; c++) {
      const t = remainingSuspicionTime(c, 6, 0, min, max)
      expect(t).toBeLessThan(previous)
      previous = t
    }
  })
})

describe('retransmitLimit', () => {
  it.each([
    // mult, n, expected
    [4, 0, 4], // a lone node still sends its news mult times
    [4, 1, 4],
    [4, 9, 4],
    [4, 10, 8], // log10(11) > 1 → ceil 2
    [4, 50, 8],
    [3, 50, 6],
    [4, 99, 8],
    [4, 100, 12],
    [2, 1000, 8],
  ])('mult %d, n %d → %d', (mult, n, expected) => {
    expect(retransmitLimit(mult, n)).toBe(expected)
  })
})
