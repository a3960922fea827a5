import { describe, expect, it } from 'vitest'
import { GoneMembers } from './GoneMembers.js'

describe('GoneMembers', () => {
  it('reports ids gone for at least the TTL', () => {
    const gone = new GoneMembers()
    gone.markGone('a', 1_000)
    gone.markGone('b', 5_000)
    expect([...gone.expired(5_999, 5_000)]).toEqual([])
    expect([...gone.expired(6_000, 5_000)]).toEqual(['a'])
    expect([...gone.expired(10_000, 5_000)].sort()).toEqual(['a', 'b'])
  })

  it('keeps the first time an id went, so repeated notices do not postpone expiry', () => {
    const gone = new GoneMembers()
    gone.markGone('a', 0)
    gone.markGone('a', 900)
    expect(gone.expired(1_000, 1_000).has('a')).toBe(true)
  })

  it('never expires an id that came back', () => {
    const gone = new GoneMembers()
    gone.markGone('a', 0)
    gone.markBack('a')
    expect(gone.has('a')).toBe(false)
    expect(gone.expired(1e9, 0).size).toBe(0)
    gone.markGone('a', 2_000)
    expect(gone.expired(2_500, 1_000).size).toBe(0)
  })

  it('forgets ids gone longer than maxAgeMs', () => {
    const gone = new GoneMembers()
    gone.markGone('a', 0)
    gone.markGone('b', 50)
    expect(gone.forget(100, 100)).toBe(1)
    expect(gone.size).toBe(1)
    expect(gone.has('b')).toBe(true)
  })

  it('validates times naming the field', () => {
    const gone = new GoneMembers()
    expect(() => gone.expired(0, -1)).toThrow(/ttlMs.*-1/)
    expect(() => gone.forget(0, Number.NaN)).toThrow(/maxAgeMs/)
    expect(() => gone.markGone('a', Number.NaN)).toThrow(RangeError)
  })
})
