import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { supersedes } from './precedence.js'
import type { MemberVersion } from './precedence.js'
import type { MemberStatus } from '../types.js'

const v = (status: MemberStatus, incarnation: number): MemberVersion => ({ status, incarnation })

describe('supersedes (SWIM incarnation rules)', () => {
  it.each([
    // incoming, current, wins
    [v('alive', 2), v('alive', 1), true],
    [v('alive', 1), v('alive', 1), false],
    [v('alive', 1), v('alive', 2), false],
    [v('alive', 2), v('suspect', 1), true], // refutation
    [v('alive', 1), v('suspect', 1), false], // a refutation needs a higher incarnation
    [v('alive', 2), v('dead', 1), true], // a dead member comes back
    [v('alive', 1), v('dead', 1), false],
    [v('alive', 2), v('left', 1), true],
    [v('suspect', 1), v('alive', 1), true],
    [v('suspect', 2), v('alive', 1), true],
    [v('suspect', 1), v('alive', 2), false], // stale suspicion
    [v('suspect', 2), v('suspect', 1), true],
    [v('suspect', 1), v('suspect', 1), false],
    [v('suspect', 1), v('dead', 1), false],
    [v('suspect', 2), v('dead', 1), true], // the higher incarnation proves a comeback
    [v('dead', 1), v('alive', 1), true],
    [v('dead', 1), v('suspect', 1), true],
    [v('dead', 1), v('alive', 2), false],
    [v('dead', 2), v('dead', 1), true],
    [v('dead', 1), v('dead', 1), false],
    [v('dead', 1), v('left', 1), false],
    [v('left', 1), v('alive', 1), true],
    [v('left', 1), v('suspect', 1), true],
    [v('left', 1), v('dead', 1), true], // a goodbye is more precise than a death
    [v('left', 1), v('left', 1), false],
    [v('left', 1), v('alive', 2), false],
  ])('%o over %o → %s', (incoming, current, wins) => {
    expect(supersedes(incoming, current)).toBe(wins)
  })

  const version = fc.record({
    status: fc.constantFrom<MemberStatus>('alive', 'suspect', 'dead', 'left'),
    incarnation: fc.integer({ min: 0, max: 4 }),
  })

  it('is a strict total order on distinct versions', () => {
    fc.assert(
      fc.property(version, version, version, (a, b, c) => {
        expect(supersedes(a, a)).toBe(false)
        const same = a.status === b.status && a.incarnation === b.incarnation
        if (!same) expect(supersedes(a, b)).toBe(!supersedes(b, a))
        if (supersedes(a, b) && supersedes(b, c)) expect(supersedes(a, c)).toBe(true)
      }),
    )
  })

  it('makes replicas converge whatever order the updates arrive in', () => {
    fc.assert(
      fc.property(fc.array(version, { minLength: 1, maxLength: 12 }), fc.func(fc.integer()), (updates, key) => {
        const apply = (order: MemberVersion[]): MemberVersion =>
          order.reduce((current, incoming) => (supersedes(incoming, current) ? incoming : current))
        const shuffled = [...updates].sort((x, y) => key(x) - key(y))
        expect(apply(shuffled)).toEqual(apply(updates))
      }),
    )
  })
})
