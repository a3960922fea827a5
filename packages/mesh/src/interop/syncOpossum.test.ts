/**
 * syncOpossum with the real opossum (9.x) on a local-mode mesh: the circuit's
 * state goes to the fleet breaker and back, the half-open trial is claimed
 * from the fleet, and the disposer unties them. The multi-process test
 * (test/interop/opossum.test.ts) shows the fleet side.
 */
import CircuitBreaker from 'opossum'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createMesh } from '../createMesh.js'
import type { Mesh } from '../Mesh.js'
import { uniqueName, waitFor } from '../fixtures/meshHarness.js'
import { syncOpossum } from './syncOpossum.js'
import { fleetNodeOf } from '../testing/index.js'

describe('syncOpossum', () => {
  let mesh: Mesh
  const circuits: CircuitBreaker[] = []
  beforeAll(async () => {
    mesh = await createMesh({ network: false, name: 'opossum-test' })
  })
  afterEach(() => {
    for (const c of circuits.splice(0)) c.shutdown()
  })
  afterAll(async () => {
    await mesh?.stop()
  })

  /** A circuit whose action fails while `upstream.down`; counts the calls that reached it. */
  function circuit(resetTimeout = 60_000) {
    const upstream = { down: false, calls: 0 }
    const c = new CircuitBreaker(
      async () => {
        upstream.calls++
        if (upstream.down) throw new Error('upstream 503')
        return 'ok'
      },
      { name: uniqueName('opossum'), resetTimeout, errorThresholdPercentage: 50, volumeThreshold: 1, timeout: false },
    )
    circuits.push(c)
    return { c, upstream, record: () => fleetNodeOf(mesh).table.get(c.name) }
  }

  it('the circuit tripping on its own statistics opens the fleet breaker', async () => {
    const { c, upstream, record } = circuit()
    syncOpossum(mesh, c)
    upstream.down = true
    await expect(c.fire()).rejects.toThrow('upstream 503')
    expect(c.opened).toBe(true)
    expect(record()).toMatchObject({ state: 'open', override: null })
    expect(record()?.reason).toContain(`opossum circuit "${c.name}" opened`)
    expect(mesh.breaker(c.name).state).toBe('open')
  })

  it('the fleet’s state drives the circuit: force-open opens it, reset closes it', async () => {
    const { c, upstream } = circuit()
    syncOpossum(mesh, c)
    mesh.forceOpen(c.name, 'vendor incident')
    expect(c.opened).toBe(true)
    await expect(c.fire()).rejects.toMatchObject({ code: 'EOPENBREAKER' })
    expect(upstream.calls).toBe(0)
    mesh.reset(c.name)
    expect(c.closed).toBe(true)
    await expect(c.fire()).resolves.toBe('ok')
  })

  it('a manual circuit.close() closes the fleet breaker, but not over an operator’s force-open', () => {
    const { c, record } = circuit()
    syncOpossum(mesh, c)
    c.open()
    expect(record()?.state).toBe('open')
    c.close()
    expect(record()).toMatchObject({ state: 'closed', override: null })
    mesh.forceOpen(c.name)
    c.close() // the operator wins: the circuit is put back
    expect(c.opened).toBe(true)
    expect(record()?.override).toBe('forced-open')
  })

  it('half-open: the circuit keeps its trial only with the fleet’s probe claim, and the outcome decides for the fleet', async () => {
    const { c, upstream, record } = circuit(30)
    syncOpossum(mesh, c)
    upstream.down = true
    await expect(c.fire()).rejects.toThrow('upstream 503')
    // resetTimeout (30 ms) = the fleet cooldown: this node is the only member, so it wins the claim.
    await waitFor('the circuit to go half-open', () => c.halfOpen)
    expect(record()).toMatchObject({ state: 'half-open', prober: fleetNodeOf(mesh).id })
    await expect(c.fire()).rejects.toThrow('upstream 503') // the trial fails
    expect(record()).toMatchObject({ state: 'open', openCount: 2 })
    upstream.down = false
    await waitFor('the circuit to go half-open again', () => c.halfOpen, 15_000)
    await expect(c.fire()).resolves.toBe('ok') // the trial succeeds
    expect(c.closed).toBe(true)
    expect(record()).toMatchObject({ state: 'closed', prober: null })
  })

  it('half-open without the claim (an operator holds it open): re-opened at once, no call let through', async () => {
    const { c, upstream } = circuit(20)
    syncOpossum(mesh, c)
    mesh.forceOpen(c.name)
    let halfOpens = 0
    c.on('halfOpen', () => halfOpens++)
    await waitFor('two resetTimeouts to pass', () => halfOpens >= 2)
    expect(c.opened).toBe(true)
    await expect(c.fire()).rejects.toMatchObject({ code: 'EOPENBREAKER' })
    expect(upstream.calls).toBe(0)
  })

  it('an open circuit opens a closed fleet breaker at sync time; a closed one follows the fleet', () => {
    const a = circuit()
    a.c.open()
    syncOpossum(mesh, a.c)
    expect(a.record()?.state).toBe('open')
    const b = circuit()
    mesh.forceOpen(b.c.name)
    syncOpossum(mesh, b.c)
    expect(b.c.opened).toBe(true)
  })

  it('the disposer (and circuit.shutdown()) unties them', () => {
    const { c, record } = circuit()
    const dispose = syncOpossum(mesh, c)
    dispose()
    dispose.dispose() // twice is fine
    c.open()
    expect(record()).toBeUndefined()
    const other = circuit()
    syncOpossum(mesh, other.c)
    other.c.shutdown()
    mesh.forceOpen(other.c.name)
    expect(other.c.opened).toBe(false)
  })

  it('validates its arguments', () => {
    const { c } = circuit()
    expect(() => syncOpossum(mesh, {} as never)).toThrow(TypeError)
    expect(() => syncOpossum(mesh, c, uniqueName('multi'), { halfOpenMaxCalls: 3 })).toThrow(/halfOpenMaxCalls.*must be 1.*got 3/)
  })
})
