import { describe, expect, it } from 'vitest'
import { BreakerOpenError } from './BreakerOpenError.js'

describe('BreakerOpenError', () => {
  it('carries code, breaker, state and retryAfterMs, and says what to do', () => {
    const e = new BreakerOpenError({ breaker: 'payments-api', state: 'open', retryAfterMs: 1200.4, reason: 'failure rate 63% over 41 calls' })
    expect(e).toBeInstanceOf(Error)
    expect(e.name).toBe('BreakerOpenError')
    expect(e.code).toBe('ERR_BREAKER_OPEN')
    expect(e.breaker).toBe('payments-api')
    expect(e.state).toBe('open')
    expect(e.retryAfterMs).toBe(1200.4)
    expect(e.override).toBeNull()
    expect(e.message).toBe(
      'breaker "payments-api" is open (failure rate 63% over 41 calls); calls fail fast without reaching the dependency. Retry after 1201 ms or serve a fallback.',
    )
  })

  it('explains half-open and unknown retry times', () => {
    const e = new BreakerOpenError({ breaker: 'db', state: 'half-open' })
    expect(e.retryAfterMs).toBeUndefined()
    expect(e.message).toBe('breaker "db" is half-open and its trial calls are taken; calls fail fast until the probe closes it. Retry later or serve a fallback.')
  })

  it('points at reset for an operator override', () => {
    const e = new BreakerOpenError({ breaker: 'db', state: 'open', override: 'forced-open' })
    expect(e.override).toBe('forced-open')
    expect(e.message).toContain('forced open by an operator')
    expect(e.message).toContain('breaker-mesh reset db')
  })
})

describe('BreakerOpenError.withoutStack', () => {
  it('builds the same error without a stack trace and restores the stack limit', () => {
    const before = Error.stackTraceLimit
    const err = BreakerOpenError.withoutStack({ breaker: 'payments', state: 'open', retryAfterMs: 1200 })
    expect(err).toBeInstanceOf(BreakerOpenError)
    expect(err.code).toBe('ERR_BREAKER_OPEN')
    expect(err.message).toContain('1200 ms')
    expect(err.stack?.split('\n').filter((l) => l.trim().startsWith('at '))).toEqual([])
    expect(Error.stackTraceLimit).toBe(before)
  })
})
