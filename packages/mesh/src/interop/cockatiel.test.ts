/**
 * A MeshBreaker as a policy inside the real cockatiel (3.x): wrap() with retry
 * and timeout, its onSuccess/onFailure, and cockatiel's cancellation signal.
 */
import { ConstantBackoff, TaskCancelledError, TimeoutStrategy, bulkhead, handleAll, retry, timeout, wrap } from 'cockatiel'
import type { IPolicy } from 'cockatiel'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BreakerOpenError, BreakerTimeoutError } from '@breaker-mesh/core'
import { createMesh } from '../createMesh.js'
import type { Mesh } from '../Mesh.js'
import { uniqueName, waitFor } from '../fixtures/meshHarness.js'
import { fleetNodeOf } from '../testing/index.js'

describe('MeshBreaker inside cockatiel', () => {
  let mesh: Mesh
  beforeAll(async () => {
    mesh = await createMesh({ network: false })
  })
  afterAll(async () => {
    await mesh?.stop()
  })

  const breaker = (options = {}) => {
    const name = uniqueName('cockatiel')
    return { b: mesh.breaker(name, { failureRate: false, consecutiveFailures: 3, cooldownMs: 60_000, ...options }), name }
  }

  it('wrap(retry, meshBreaker): every attempt reaches the breaker, which opens; a later call is refused without calling fn', async () => {
    const { b } = breaker()
    const policy = wrap(retry(handleAll, { maxAttempts: 5, backoff: new ConstantBackoff(1) }), b)
    let calls = 0
    const failing = async (): Promise<string> => {
      calls++
      throw new Error('upstream 503')
    }
    // Attempts 1-3 fail and trip the breaker; attempts 4-6 are refused by it, so retry gives up with its error.
    await expect(policy.execute(failing)).rejects.toBeInstanceOf(BreakerOpenError)
    expect(calls).toBe(3)
    expect(b.state).toBe('open')
    const later = await policy.execute(async () => {
      calls++
      return 'never'
    }).catch((e: unknown) => e)
    expect(later).toBeInstanceOf(BreakerOpenError)
    expect(calls).toBe(3)
  })

  it('wrap(retry, meshBreaker, timeout): a hung attempt is cut by cockatiel’s timeout and counted by the breaker', async () => {
    const { b, name } = breaker({ consecutiveFailures: 10 })
    const policy = wrap(retry(handleAll, { maxAttempts: 1 }), b, timeout(20, TimeoutStrategy.Aggressive))
    let attempts = 0
    const value = await policy.execute(async ({ signal, attempt }) => {
      attempts++
      if (attempt === 0) await new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))))
      return `attempt ${attempt}`
    })
    expect(value).toBe('attempt 1')
    expect(attempts).toBe(2)
    // One timed-out attempt (a failure) and one success, both seen by the breaker.
    expect(fleetNodeOf(mesh).localTotals(name)).toMatchObject({ calls: 2, failures: 1 })
    expect(b.state).toBe('closed')
  })

  it('fires cockatiel-style onSuccess / onFailure (with duration, handled, reason) when first in wrap()', async () => {
    const { b } = breaker({ isFailure: (e: unknown) => !(e instanceof RangeError) })
    const policy: IPolicy = wrap(b, retry(handleAll, { maxAttempts: 0 }))
    const events: string[] = []
    const s = policy.onSuccess((e) => events.push(`success ${typeof e.duration}`))
    const f = policy.onFailure((e) => events.push(`failure handled=${e.handled} ${'error' in e.reason ? (e.reason.error as Error).message : ''}`))
    await policy.execute(() => 'ok')
    await policy.execute(() => Promise.reject(new Error('boom'))).catch(() => undefined)
    await policy.execute(() => Promise.reject(new RangeError('bad input'))).catch(() => undefined)
    s.dispose()
    f.dispose()
    await policy.execute(() => 'unheard')
    expect(events).toEqual(['success number', 'failure handled=true boom', 'failure handled=false bad input'])
  })

  it('the breaker’s own timeout signal reaches fn through policies wrapped inside it', async () => {
    const { b, name } = breaker({ timeoutMs: 30 })
    const policy = wrap(b, bulkhead(10))
    let seen: AbortSignal | undefined
    const err = await policy
      .execute(({ signal }) => {
        seen = signal
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)))
      })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BreakerTimeoutError)
    expect(seen?.aborted).toBe(true)
    expect(seen?.reason).toBe(err)
    expect(fleetNodeOf(mesh).localTotals(name)).toMatchObject({ calls: 1, failures: 1 })
  })

  it('a cancellation through cockatiel’s signal is not counted', async () => {
    const { b, name } = breaker({ consecutiveFailures: 1 })
    const policy = wrap(retry(handleAll, { maxAttempts: 0 }), b)
    const controller = new AbortController()
    let started = false
    const call = policy.execute(({ signal }) => {
      started = true
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new TaskCancelledError())))
    }, controller.signal)
    await waitFor('the call to start', () => started)
    controller.abort()
    await expect(call).rejects.toBeInstanceOf(TaskCancelledError)
    expect(fleetNodeOf(mesh).localTotals(name).calls).toBe(0)
    expect(b.state).toBe('closed')
  })
})
