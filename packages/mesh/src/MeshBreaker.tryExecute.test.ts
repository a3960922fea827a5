import { afterEach, describe, expect, it } from 'vitest'
import { createMesh } from './createMesh.js'
import type { Mesh } from './Mesh.js'

let mesh: Mesh | undefined
afterEach(async () => {
  await mesh?.stop()
  mesh = undefined
})

async function tripped(name: string) {
  mesh = await createMesh({ network: false })
  const b = mesh.breaker(name, { consecutiveFailures: 2, cooldownMs: 60_000 })
  for (let i = 0; i < 2; i++) await b.execute(() => Promise.reject(new Error('down'))).catch(() => undefined)
  expect(b.state).toBe('open')
  return b
}

describe('MeshBreaker.tryExecute', () => {
  it('resolves { ok: true, value } for a permitted call, and counts it', async () => {
    mesh = await createMesh({ network: false })
    const b = mesh.breaker('svc')
    await expect(b.tryExecute(async () => 42)).resolves.toEqual({ ok: true, value: 42 })
    expect(mesh.stats().breakers.find((x) => x.name === 'svc')?.callsOk).toBe(1)
  })

  it('resolves a shared frozen refusal when open: no error, fn not called, the rejection counted and the reject event fired', async () => {
    const b = await tripped('svc')
    let called = 0
    const events: string[] = []
    b.on('reject', (e) => events.push(e.state))
    const r1 = await b.tryExecute(async () => ++called)
    const r2 = await b.tryExecute(async () => ++called)
    expect(r1).toEqual({ ok: false, refused: { breaker: 'svc', state: 'open', override: null } })
    expect(r2).toBe(r1) // one object for every refusal in this state
    expect(Object.isFrozen(r1)).toBe(true)
    expect(called).toBe(0)
    expect(events).toEqual(['open', 'open'])
    expect(mesh!.stats().breakers.find((x) => x.name === 'svc')?.rejections).toBe(2)
  })

  it("fn's own failure still rejects and counts; a forced-open override shows in the refusal", async () => {
    mesh = await createMesh({ network: false })
    const b = mesh.breaker('svc')
    await expect(b.tryExecute(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    expect(mesh.stats().breakers.find((x) => x.name === 'svc')?.callsFailed).toBe(1)
    mesh.forceOpen('svc')
    const r = await b.tryExecute(async () => 1)
    expect(r.ok === false && r.refused.override).toBe('forced-open')
  })

  it('takes execute options (timeout, signal) on the permitted path', async () => {
    mesh = await createMesh({ network: false })
    const b = mesh.breaker('svc')
    const hung = b.tryExecute(({ signal }) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))), { timeoutMs: 20 })
    await expect(hung).rejects.toMatchObject({ code: 'ERR_BREAKER_TIMEOUT' })
    const aborted = new AbortController()
    aborted.abort(new Error('caller gave up'))
    await expect(b.tryExecute(async () => 1, { signal: aborted.signal })).rejects.toThrow('caller gave up')
  })
})
