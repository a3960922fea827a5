import { describe, expect, it } from 'vitest'
import { Awareness } from './Awareness.js'

describe('Awareness', () => {
  it.each<[number, number[], number, number]>([
    // max, deltas applied in order, expected score, scale(100)
    [8, [], 0, 100], // healthy: no stretching
    [8, [1], 1, 200],
    [8, [1, 1, 1], 3, 400],
    [8, [3, -1], 2, 300],
    [8, [-1], 0, 100], // never below 0
    [8, [-5, 1], 1, 200], // the floor does not bank credit
    [8, [7], 7, 800], // max − 1 is the ceiling…
    [8, [20], 7, 800], // …and is never passed
    [8, [20, -1], 6, 700], // the ceiling does not bank debt
    [8, [1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1], 0, 100], // decays back to healthy
    [1, [1, 1, 5], 0, 100], // max 1 disables: always healthy
    [2, [1, 1], 1, 200],
    [3, [2, -1, 1, 1], 2, 300],
  ])('max %d, deltas %j → score %d, scale(100) = %d', (max, deltas, score, scaled) => {
    const awareness = new Awareness(max)
    for (const delta of deltas) awareness.apply(delta)
    expect(awareness.score).toBe(score)
    expect(awareness.scale(100)).toBe(scaled)
    expect(awareness.max).toBe(max)
  })

  it.each([0, -1, 1.5, Number.NaN, Infinity])('rejects max %s with a RangeError naming the value', (max) => {
    expect(() => new Awareness(max)).toThrow(RangeError)
    expect(() => new Awareness(max)).toThrow(`Awareness max must be an integer ≥ 1, got ${String(max)}`)
  })

  it.each([0.5, Number.NaN, Infinity])('rejects delta %s', (delta) => {
    const awareness = new Awareness(8)
    expect(() => awareness.apply(delta)).toThrow(/Awareness delta must be an integer/)
    expect(awareness.score).toBe(0)
  })
})
