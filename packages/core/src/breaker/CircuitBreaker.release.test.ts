import { describe, expect, it } from 'vitest'
import { CircuitBreaker } from './CircuitBreaker.js'
import type { Transition } from './CircuitBreaker.js'

function openedOnce(halfOpenMaxCalls = 1) {
  const transitions: Transition[] = []
  const b = new CircuitBreaker(
    { failureRate: false, consecutiveFailures: 1, cooldownMs: 1000, halfOpenMaxCalls },
    { onTransition: (t) => transitions.push(t) },
  )
  expect(b.tryAcquire(0)).toBe(true)
  b.record(false, 1, 0)
  expect(b.state).toBe('open')
  return { b, transitions }
}

describe('CircuitBreaker.release', () => {
  it('leaves a closed breaker and its window untouched', () => {
    const b = new CircuitBreaker({ consecutiveFailures: 2, failureRate: false })
    expect(b.tryAcquire(0)).toBe(true)
    b.record(false, 1, 0)
    expect(b.tryAcquire(1)).toBe(true)
    b.release()
    expect(b.totals(1)).toEqual({ calls: 1, failures: 1, slow: 0 })
    expect(b.snapshot(1).consecutiveFailures).toBe(1)
    expect(b.state).toBe('closed')
  })

  it('gives the trial permit back while probing, so the next call is the trial', () => {
    const { b, transitions } = openedOnce()
    expect(b.tryAcquire(1000)).toBe(true) // the trial
    expect(b.state).toBe('half-open')
    expect(b.tryAcquire(1001)).toBe(false) // permit taken
    b.release()
    expect(b.state).toBe('half-open')
    expect(b.snapshot(1002)).toMatchObject({ permitsLeft: 1, inFlight: 0 })
    expect(b.tryAcquire(1002)).toBe(true)
    b.record(true, 1, 1003)
    expect(b.state).toBe('closed')
    expect(transitions.map((t) => t.to)).toEqual(['open', 'half-open', 'closed'])
  })

  it('does nothing while open or with no trial in flight', () => {
    const { b } = openedOnce()
    b.release()
    expect(b.snapshot(10)).toMatchObject({ state: 'open', permitsLeft: 0, inFlight: 0 })
    expect(b.tryAcquire(1000)).toBe(true)
    b.release()
    b.release() // a second release of the same permit is ignored
    expect(b.snapshot(1000)).toMatchObject({ permitsLeft: 1, inFlight: 0 })
  })
})

describe('CircuitBreaker.tripNow', () => {
  it('opens a closed breaker with the given reason and fires onTransition', () => {
    const transitions: Transition[] = []
    const b = new CircuitBreaker({ cooldownMs: 500 }, { onTransition: (t) => transitions.push(t) })
    expect(b.tripNow('opossum circuit opened', 5)).toBe(true)
    expect(b.state).toBe('open')
    expect(b.cooldownRemaining(5)).toBe(500)
    expect(transitions).toEqual([{ from: 'closed', to: 'open', reason: 'opossum circuit opened', openCount: 1, cooldownMs: 500, at: 5, evidence: { calls: 0, failures: 0, slow: 0 } }])
  })

  it('refuses when not closed or under an override', () => {
    const { b, transitions } = openedOnce()
    expect(b.tripNow('again', 1)).toBe(false)
    expect(transitions).toHaveLength(1)
    const forced = new CircuitBreaker()
    forced.apply({ state: 'closed', override: 'forced-closed', cooldownMs: 0, openCount: 0, probing: false }, 0)
    expect(forced.tripNow('x', 1)).toBe(false)
    expect(forced.state).toBe('closed')
  })
})
