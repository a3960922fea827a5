import { describe, expect, it } from 'vitest'
import { CircuitBreaker } from './CircuitBreaker.js'
import type { RemoteState, Transition } from './CircuitBreaker.js'

const remote = (r: Partial<RemoteState> & Pick<RemoteState, 'state'>): RemoteState => ({
  override: null,
  cooldownMs: 0,
  openCount: 0,
  probing: false,
  ...r,
})

function setup() {
  const transitions: Transition[] = []
  const claims: number[] = []
  const breaker = new CircuitBreaker(
    { failureRate: false, consecutiveFailures: 3, cooldownMs: 1000, maxCooldownMs: 60_000 },
    {
      onTransition: (t) => transitions.push(t),
      claimProbe: (now) => {
        claims.push(now)
        return true
      },
    },
  )
  return { breaker, transitions, claims }
}

function fail(b: CircuitBreaker, n: number, now: number): void {
  for (let i = 0; i < n; i++) {
    b.tryAcquire(now)
    b.record(false, 1, now)
  }
}

describe('CircuitBreaker.apply', () => {
  it("'open' opens from now with the given cooldown and openCount, without hooks", () => {
    const { breaker, transitions } = setup()
    breaker.apply(remote({ state: 'open', cooldownMs: 4000, openCount: 3 }), 100)
    expect(breaker.state).toBe('open')
    expect(breaker.openCount).toBe(3)
    expect(breaker.cooldownMs).toBe(4000)
    expect(breaker.cooldownRemaining(100)).toBe(4000)
    expect(breaker.tryAcquire(4099)).toBe(false)
    expect(transitions).toEqual([])
    expect(breaker.tryAcquire(4100)).toBe(true)
    expect(breaker.state).toBe('half-open')
    expect(transitions).toHaveLength(1)
    // a failed probe backs off from the applied openCount
    breaker.record(false, 1, 4100)
    expect(breaker.openCount).toBe(4)
    expect(breaker.cooldownMs).toBe(8000)
  })

  it("'open' applied again unchanged keeps the cooldown running from the first time", () => {
    const { breaker } = setup()
    breaker.apply(remote({ state: 'open', cooldownMs: 4000, openCount: 1 }), 0)
    breaker.apply(remote({ state: 'open', cooldownMs: 4000, openCount: 1 }), 3000)
    expect(breaker.cooldownRemaining(3000)).toBe(1000)
    breaker.apply(remote({ state: 'open', cooldownMs: 8000, openCount: 2 }), 3000)
    expect(breaker.cooldownRemaining(3000)).toBe(8000)
  })

  it("'open' with cooldown 0 lets the next call ask for the probe at once", () => {
    const { breaker, claims } = setup()
    breaker.apply(remote({ state: 'half-open', openCount: 1, cooldownMs: 1000 }), 0)
    breaker.apply(remote({ state: 'open', openCount: 1, cooldownMs: 0 }), 50)
    expect(breaker.tryAcquire(50)).toBe(true)
    expect(claims).toEqual([50])
  })

  it("'half-open' probed elsewhere refuses every call and asks for no claim", () => {
    const { breaker, claims, transitions } = setup()
    breaker.apply(remote({ state: 'half-open', openCount: 2, cooldownMs: 2000, probing: false }), 0)
    expect(breaker.state).toBe('half-open')
    for (let t = 0; t < 100_000; t += 10_000) expect(breaker.tryAcquire(t)).toBe(false)
    breaker.record(false, 1, 0) // straggler: ignored
    expect(breaker.state).toBe('half-open')
    expect(claims).toEqual([])
    expect(transitions).toEqual([])
    expect(breaker.openCount).toBe(2)
  })

  it("'half-open' with probing grants this node the trial permits", () => {
    const { breaker, transitions } = setup()
    breaker.apply(remote({ state: 'half-open', openCount: 1, cooldownMs: 1000, probing: true }), 0)
    expect(breaker.tryAcquire(0)).toBe(true)
    expect(breaker.tryAcquire(0)).toBe(false)
    // re-applying our own claim keeps the permit state
    breaker.apply(remote({ state: 'half-open', openCount: 1, cooldownMs: 1000, probing: true }), 1)
    expect(breaker.tryAcquire(1)).toBe(false)
    breaker.record(true, 1, 2)
    expect(breaker.state).toBe('closed')
    expect(transitions.map((t) => `${t.from}->${t.to}`)).toEqual(['half-open->closed'])
  })

  it('losing the claim drops in-flight trial results', () => {
    const { breaker } = setup()
    breaker.apply(remote({ state: 'half-open', openCount: 1, cooldownMs: 1000, probing: true }), 0)
    expect(breaker.tryAcquire(0)).toBe(true)
    breaker.apply(remote({ state: 'half-open', openCount: 1, cooldownMs: 1000, probing: false }), 1)
    breaker.record(true, 1, 2)
    expect(breaker.state).toBe('half-open')
  })

  it("'closed' closes and resets the window", () => {
    const { breaker, transitions } = setup()
    fail(breaker, 3, 0)
    expect(breaker.state).toBe('open')
    breaker.apply(remote({ state: 'closed' }), 10)
    expect(breaker.state).toBe('closed')
    expect(breaker.openCount).toBe(0)
    expect(breaker.tryAcquire(10)).toBe(true)
    expect(transitions).toHaveLength(1)
    fail(breaker, 2, 11)
    expect(breaker.state).toBe('closed') // the run restarted
    fail(breaker, 1, 11)
    expect(breaker.state).toBe('open')
  })

  it("'closed' applied to a closed breaker keeps its counts", () => {
    const { breaker } = setup()
    fail(breaker, 2, 0)
    breaker.apply(remote({ state: 'closed' }), 1)
    expect(breaker.totals(1)).toEqual({ calls: 2, failures: 2, slow: 0 })
    fail(breaker, 1, 1)
    expect(breaker.state).toBe('open')
  })
})

describe('CircuitBreaker overrides', () => {
  it('forced-open refuses every call and ignores outcomes', () => {
    const { breaker, transitions, claims } = setup()
    breaker.apply(remote({ state: 'closed', override: 'forced-open' }), 0)
    expect(breaker.state).toBe('open')
    expect(breaker.override).toBe('forced-open')
    expect(breaker.tryAcquire(0)).toBe(false)
    expect(breaker.tryAcquire(1e9)).toBe(false)
    fail(breaker, 10, 1)
    expect(breaker.totals(1)).toEqual({ calls: 0, failures: 0, slow: 0 })
    expect(breaker.cooldownRemaining(1)).toBe(0)
    expect(transitions).toEqual([])
    expect(claims).toEqual([])
  })

  it('forced-open wins over an elapsed cooldown', () => {
    const { breaker, claims } = setup()
    breaker.apply(remote({ state: 'open', override: 'forced-open', cooldownMs: 10, openCount: 1 }), 0)
    expect(breaker.tryAcquire(100)).toBe(false)
    expect(claims).toEqual([])
  })

  it('forced-closed admits every call and never trips, still counting', () => {
    const { breaker, transitions } = setup()
    breaker.apply(remote({ state: 'open', override: 'forced-closed', cooldownMs: 1000, openCount: 1 }), 0)
    expect(breaker.state).toBe('closed')
    expect(breaker.cooldownRemaining(0)).toBe(0)
    fail(breaker, 50, 1)
    expect(breaker.state).toBe('closed')
    expect(breaker.tryAcquire(2)).toBe(true)
    expect(breaker.totals(2)).toEqual({ calls: 50, failures: 50, slow: 0 })
    expect(transitions).toEqual([])
  })

  it('clearing the override returns to the underlying state with a fresh window', () => {
    const { breaker } = setup()
    breaker.apply(remote({ state: 'closed', override: 'forced-closed' }), 0)
    fail(breaker, 10, 0)
    breaker.apply(remote({ state: 'closed', override: null }), 1)
    expect(breaker.state).toBe('closed')
    expect(breaker.override).toBeNull()
    expect(breaker.totals(1)).toEqual({ calls: 0, failures: 0, slow: 0 })
    fail(breaker, 2, 1)
    expect(breaker.state).toBe('closed')
    fail(breaker, 1, 1)
    expect(breaker.state).toBe('open')
  })

  it('overrides mask an underlying open and it resumes after', () => {
    const { breaker } = setup()
    breaker.apply(remote({ state: 'open', override: 'forced-closed', cooldownMs: 1000, openCount: 2 }), 0)
    expect(breaker.snapshot(0)).toMatchObject({ state: 'closed', underlying: 'open', override: 'forced-closed', openCount: 2 })
    breaker.apply(remote({ state: 'open', override: null, cooldownMs: 1000, openCount: 2 }), 10)
    expect(breaker.state).toBe('open')
    expect(breaker.tryAcquire(999)).toBe(false)
    expect(breaker.tryAcquire(1000)).toBe(true)
  })
})
