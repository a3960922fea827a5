/**
 * Local mode (`createMesh({ network: false })`) keeps the rest of the API:
 * options are validated, overrides, view, stats and events work as on a
 * fleet of one. (No libp2p, no sockets: localMode.process.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createMesh } from './createMesh.js'
import type { Mesh } from './Mesh.js'
import type { MeshEvent } from './MeshView.js'

describe('createMesh({ network: false })', () => {
  const meshes: Mesh[] = []
  afterEach(async () => {
    await Promise.all(meshes.splice(0).map((m) => m.stop()))
  })

  it('validates the new options with RangeErrors naming them', async () => {
    await expect(createMesh({ network: 'no' as never })).rejects.toThrow(/network must be true or false/)
    await expect(createMesh({ network: false, join: ['10.0.0.5:7946'] })).rejects.toThrow(/join must be empty with network: false/)
    await expect(createMesh({ network: false, logger: { info() {} } as never })).rejects.toThrow(/logger must have debug, info, warn and error/)
  })

  it('is a fleet of one: overrides, view, stats and events behave as with the network', async () => {
    const mesh = await createMesh({ network: false, fleet: 'checkout', name: 'unit' })
    meshes.push(mesh)
    const events: MeshEvent[] = []
    mesh.onEvent((e) => events.push(e))
    const b = mesh.breaker('payments')
    const states: string[] = []
    b.on('state', (e) => states.push(`${e.previous}->${e.state}`))
    mesh.forceOpen('payments', 'maintenance')
    await expect(b.execute(() => 'x')).rejects.toMatchObject({ code: 'ERR_BREAKER_OPEN', override: 'forced-open' })
    mesh.reset('payments')
    await expect(b.execute(() => 'x')).resolves.toBe('x')
    expect(states).toEqual(['closed->open', 'open->closed'])
    expect(events.filter((e) => e.type === 'breaker').map((e) => (e as { override: unknown }).override)).toEqual(['forced-open', null])
    const view = mesh.view()
    expect(view.node).toMatchObject({ name: 'unit', fleet: 'checkout', addrs: [] })
    expect(view.members).toHaveLength(1)
    expect(view.breakers[0]).toMatchObject({ name: 'payments', state: 'closed', override: null })
    expect(mesh.stats().breakers[0]).toMatchObject({ name: 'payments', callsOk: 1, rejections: 1, window: { calls: 1, failures: 0, slow: 0 } })
  })

  it('each mesh is separate: two local meshes share nothing', async () => {
    const a = await createMesh({ network: false })
    const b = await createMesh({ network: false })
    meshes.push(a, b)
    expect(a.peerId).not.toBe(b.peerId)
    a.forceOpen('shared-name')
    expect(b.breaker('shared-name').state).toBe('closed')
  })
})
