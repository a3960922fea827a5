import { describe, expect, it } from 'vitest'
import type { BreakerOptions } from './BreakerOptions.js'
import { CircuitBreaker } from './CircuitBreaker.js'
import type { BreakerHooks, Transition } from './CircuitBreaker.js'

/** A breaker that logs its transitions; `claim` answers claimProbe. */
function setup(options?: BreakerOptions, claim?: (now: number) => boolean) {
  const transitions: Transition[] = []
  const claims: number[] = []
  const hooks: BreakerHooks = { onTransition: (t) => transitions.push(t) }
  if (claim) {
    hooks.claimProbe = (now) => {
      claims.push(now)
      return claim(now)
    }
  }
  return { breaker: new CircuitBreaker(options, hooks), transitions, claims }
}

/** Admit and record `n` calls at `now`. */
function calls(b: CircuitBreaker, n: number, ok: boolean, now: number, durationMs = 1): void {
  for (let i = 0; i < n; i++) {
    expect(b.tryAcquire(now)).toBe(true)
    b.record(ok, durationMs, now)
  }
}

/** A breaker already open once: consecutiveFailures 1, cooldown 1000 doubling to 8000. */
function opened(extra: BreakerOptions = {}, claim?: (now: number) => boolean) {
  const s = setup({ failureRate: false, consecutiveFailures: 1, cooldownMs: 1000, maxCooldownMs: 8000, ...extra }, claim)
  calls(s.breaker, 1, false, 0)
  return s
}

describe('CircuitBreaker: closed', () => {
  it('starts closed and admits calls', () => {
    const { breaker } = setup()
    expect(breaker.state).toBe('closed')
    expect(breaker.override).toBeNull()
    expect(breaker.openCount).toBe(0)
    expect(breaker.cooldownMs).toBe(0)
    expect(breaker.tryAcquire(0)).toBe(true)
    expect(breaker.cooldownRemaining(0)).toBe(0)
  })

  it('respects minimumCalls: 19 failures of 19 calls do not trip at 20, the 20th does', () => {
    const { breaker, transitions } = setup({ minimumCalls: 20 })
    calls(breaker, 19, false, 0)
    expect(breaker.state).toBe('closed')
    expect(transitions).toEqual([])
    calls(breaker, 1, false, 0)
    expect(breaker.state).toBe('open')
    expect(transitions).toEqual([
      // the window it tripped on comes with the trip (the breaker's own window is empty afterwards)
      { from: 'closed', to: 'open', reason: 'failure rate 100% over 20 calls', openCount: 1, cooldownMs: 5000, at: 0, evidence: { calls: 20, failures: 20, slow: 0 } },
    ])
  })

  it.each<[string, BreakerOptions, () => [ok: boolean, durationMs: number][], string]>([
    [
      'failure rate',
      { minimumCalls: 10, failureRate: 50 },
      () => [...Array<[boolean, number]>(5).fill([true, 1]), ...Array<[boolean, number]>(5).fill([false, 1])],
      'failure rate 50% over 10 calls',
    ],
    [
      'slow-call rate',
      { minimumCalls: 10, failureRate: false, slowCallRate: 80, slowCallDurationMs: 300 },
      () => [...Array<[boolean, number]>(2).fill([true, 10]), ...Array<[boolean, number]>(8).fill([true, 300])],
      'slow-call rate 80% over 10 calls (>= 300 ms)',
    ],
    ['consecutive failures', { failureRate: false, consecutiveFailures: 3 }, () => Array<[boolean, number]>(3).fill([false, 1]), '3 consecutive failures'],
  ])('trips on %s', (_name, options, outcomes, reason) => {
    const { breaker, transitions } = setup(options)
    const list = outcomes()
    list.forEach(([ok, d], i) => {
      expect(breaker.state).toBe('closed')
      expect(breaker.tryAcquire(i)).toBe(true)
      breaker.record(ok, d, i)
    })
    expect(breaker.state).toBe('open')
    expect(transitions).toHaveLength(1)
    expect(transitions[0]).toMatchObject({ from: 'closed', to: 'open', reason, openCount: 1, cooldownMs: 5000, at: list.length - 1 })
    expect(breaker.totals(list.length)).toEqual({ calls: 0, failures: 0, slow: 0 })
  })

  it('a success resets the consecutive-failure run', () => {
    const { breaker } = setup({ failureRate: false, consecutiveFailures: 3 })
    for (let i = 0; i < 10; i++) {
      calls(breaker, 2, false, i)
      calls(breaker, 1, true, i)
    }
    expect(breaker.state).toBe('closed')
    calls(breaker, 3, false, 11)
    expect(breaker.state).toBe('open')
  })

  it('slow successes count as slow, not as failures', () => {
    const { breaker } = setup({ minimumCalls: 5, slowCallDurationMs: 100 })
    calls(breaker, 5, true, 0, 100)
    calls(breaker, 2, false, 0, 99)
    expect(breaker.totals(0)).toEqual({ calls: 7, failures: 2, slow: 5 })
    expect(breaker.state).toBe('closed')
  })

  it('failures older than the time window stop counting', () => {
    const { breaker } = setup({ minimumCalls: 20, window: { kind: 'time', ms: 10_000, buckets: 10 } })
    calls(breaker, 15, false, 0)
    calls(breaker, 5, false, 10_000) // the first 15 expired
    expect(breaker.state).toBe('closed')
    expect(breaker.totals(10_000)).toEqual({ calls: 5, failures: 5, slow: 0 })
    calls(breaker, 15, false, 10_500)
    expect(breaker.state).toBe('open')
  })

  it('counts over the last N calls with a count window', () => {
    const { breaker } = setup({ minimumCalls: 10, failureRate: 60, window: { kind: 'count', size: 10, buckets: 10 } })
    calls(breaker, 5, false, 0)
    calls(breaker, 100, true, 0) // pushes the failures out
    calls(breaker, 5, false, 0)
    expect(breaker.totals(0)).toEqual({ calls: 10, failures: 5, slow: 0 })
    expect(breaker.state).toBe('closed')
    calls(breaker, 1, false, 0)
    expect(breaker.state).toBe('open')
  })

  it('never trips with every rule disabled', () => {
    const { breaker } = setup({ failureRate: false })
    calls(breaker, 1000, false, 0)
    expect(breaker.state).toBe('closed')
  })
})

describe('CircuitBreaker: open', () => {
  it('refuses calls until the cooldown has elapsed, then probes (no hook: claims)', () => {
    const { breaker, transitions } = opened()
    expect(breaker.state).toBe('open')
    expect(breaker.cooldownMs).toBe(1000)
    expect(breaker.cooldownRemaining(400)).toBe(600)
    expect(breaker.tryAcquire(999)).toBe(false)
    expect(breaker.tryAcquire(1000)).toBe(true)
    expect(breaker.state).toBe('half-open')
    expect(breaker.cooldownRemaining(1000)).toBe(0)
    expect(transitions[1]).toEqual({
      from: 'open',
      to: 'half-open',
      reason: 'cooldown of 1000 ms elapsed; probing with 1 trial call',
      openCount: 1,
      cooldownMs: 1000,
      at: 1000,
      evidence: null,
    })
    expect(transitions[0]?.evidence).not.toBeNull() // a trip carries the window it tripped on
  })

  it('asks claimProbe only after the cooldown and becomes the prober when it says yes', () => {
    const { breaker, claims } = opened({}, () => true)
    expect(breaker.tryAcquire(500)).toBe(false)
    expect(claims).toEqual([])
    expect(breaker.tryAcquire(1200)).toBe(true)
    expect(claims).toEqual([1200])
    expect(breaker.snapshot(1200)).toMatchObject({ state: 'half-open', probing: true, permitsLeft: 0, inFlight: 1 })
  })

  it('stays open while claimProbe says no, asking again on each call', () => {
    let allow = false
    const { breaker, claims, transitions } = opened({}, () => allow)
    expect(breaker.tryAcquire(1000)).toBe(false)
    expect(breaker.tryAcquire(1001)).toBe(false)
    expect(breaker.state).toBe('open')
    expect(claims).toEqual([1000, 1001])
    expect(transitions).toHaveLength(1)
    allow = true
    expect(breaker.tryAcquire(1002)).toBe(true)
    expect(breaker.state).toBe('half-open')
  })

  it('ignores outcomes of calls admitted before the trip', () => {
    const { breaker } = setup({ failureRate: false, consecutiveFailures: 2 })
    expect(breaker.tryAcquire(0)).toBe(true)
    expect(breaker.tryAcquire(0)).toBe(true)
    expect(breaker.tryAcquire(0)).toBe(true)
    breaker.record(false, 1, 0)
    breaker.record(false, 1, 0)
    expect(breaker.state).toBe('open')
    breaker.record(false, 1, 1) // straggler
    expect(breaker.openCount).toBe(1)
    expect(breaker.totals(1)).toEqual({ calls: 0, failures: 0, slow: 0 })
    expect(breaker.tryAcquire(5000)).toBe(true) // cooldown unchanged: 5000
  })
})

describe('CircuitBreaker: half-open', () => {
  it.each([1, 3])('closes when all %i trial calls succeed', (permits) => {
    const { breaker, transitions } = opened({ halfOpenMaxCalls: permits })
    for (let i = 0; i < permits; i++) expect(breaker.tryAcquire(1000)).toBe(true)
    expect(breaker.tryAcquire(1000)).toBe(false) // permits taken
    for (let i = 0; i < permits; i++) {
      expect(breaker.state).toBe('half-open')
      breaker.record(true, 1, 1010)
    }
    expect(breaker.state).toBe('closed')
    expect(breaker.openCount).toBe(0)
    expect(breaker.cooldownMs).toBe(0)
    expect(breaker.tryAcquire(1010)).toBe(true)
    expect(transitions.at(-1)).toEqual({
      from: 'half-open',
      to: 'closed',
      reason: permits === 1 ? '1 trial call succeeded' : '3 trial calls succeeded',
      openCount: 0,
      cooldownMs: 0,
      at: 1010,
      evidence: null,
    })
  })

  it('grants later permits once earlier trial calls succeeded', () => {
    const { breaker } = opened({ halfOpenMaxCalls: 2 })
    expect(breaker.tryAcquire(1000)).toBe(true)
    breaker.record(true, 1, 1000)
    expect(breaker.state).toBe('half-open')
    expect(breaker.tryAcquire(1001)).toBe(true)
    breaker.record(true, 1, 1001)
    expect(breaker.state).toBe('closed')
  })

  it('re-opens on a failed trial call, doubling the cooldown up to the cap', () => {
    const { breaker, transitions } = opened()
    let now = 0
    const seen: [number, number][] = []
    for (let round = 0; round < 6; round++) {
      now += breaker.cooldownMs
      expect(breaker.tryAcquire(now - 1)).toBe(false)
      expect(breaker.tryAcquire(now)).toBe(true)
      breaker.record(false, 1, now)
      expect(breaker.state).toBe('open')
      seen.push([breaker.openCount, breaker.cooldownMs])
    }
    expect(seen).toEqual([
      [2, 2000],
      [3, 4000],
      [4, 8000],
      [5, 8000],
      [6, 8000],
      [7, 8000],
    ])
    expect(transitions[2]).toEqual({ from: 'half-open', to: 'open', reason: 'trial call failed; open #2', openCount: 2, cooldownMs: 2000, at: 1000, evidence: null })
  })

  it('any failure among several trial calls re-opens', () => {
    const { breaker } = opened({ halfOpenMaxCalls: 3 })
    calls(breaker, 2, true, 1000)
    expect(breaker.tryAcquire(1000)).toBe(true)
    breaker.record(false, 1, 1000)
    expect(breaker.state).toBe('open')
    expect(breaker.openCount).toBe(2)
  })

  it('a slow trial call fails the probe when the slow-call rule is on', () => {
    const { breaker, transitions } = opened({ slowCallRate: 50, slowCallDurationMs: 200 })
    expect(breaker.tryAcquire(1000)).toBe(true)
    breaker.record(true, 250, 1250)
    expect(breaker.state).toBe('open')
    expect(transitions.at(-1)?.reason).toBe('trial call slow (>= 200 ms); open #2')
  })

  it('a closed breaker after a probe starts from a fresh window and run', () => {
    const { breaker } = opened({ consecutiveFailures: 2 })
    expect(breaker.tryAcquire(1000)).toBe(true)
    breaker.record(true, 1, 1000)
    expect(breaker.state).toBe('closed')
    calls(breaker, 1, false, 1001)
    expect(breaker.state).toBe('closed')
    calls(breaker, 1, false, 1002)
    expect(breaker.state).toBe('open')
    expect(breaker.openCount).toBe(1)
    expect(breaker.cooldownMs).toBe(1000)
  })
})

describe('CircuitBreaker: hot path', () => {
  it('holds a fixed window whatever the traffic', () => {
    const { breaker } = setup({ failureRate: 99 })
    for (let i = 0; i < 200_000; i++) {
      if (breaker.tryAcquire(i)) breaker.record(i % 4 !== 0, 1, i)
    }
    expect(breaker.state).toBe('closed')
    expect(breaker.totals(199_999)).toEqual({ calls: 10_000, failures: 2500, slow: 0 })
  })

  it('snapshot is a plain object', () => {
    const { breaker } = setup()
    calls(breaker, 3, false, 5)
    expect(breaker.snapshot(5)).toEqual({
      state: 'closed',
      override: null,
      underlying: 'closed',
      openCount: 0,
      cooldownMs: 0,
      cooldownRemainingMs: 0,
      probing: false,
      permitsLeft: 0,
      inFlight: 0,
      consecutiveFailures: 3,
      totals: { calls: 3, failures: 3, slow: 0 },
      window: { kind: 'time', ms: 10_000, buckets: 10 },
    })
  })
})
