/**
 * `Mesh`, `MeshBreaker` and option resolution in one process, over core's
 * `MemoryNetwork` (`@breaker-mesh/mesh/testing`): no sockets, no libp2p.
 * Meshes run on real timers, so every expectation polls with a deadline.
 */
import { describe, expect, it } from 'vitest'
import type { Mesh } from './Mesh.js'
import type { CreateMeshOptions } from './MeshOptions.js'
import type { MeshEvent } from './MeshView.js'
import { waitFor } from './fixtures/meshHarness.js'
import { MEMORY_BASE, memoryFleets } from './fixtures/memoryFleet.js'
import { MemoryHostNetwork, createMeshWith, fleetNodeOf } from './testing/index.js'
import type { MemoryHost } from './testing/index.js'

const BASE = MEMORY_BASE

describe('meshes over the memory network', () => {
  const fleets = memoryFleets()
  const { fleet, meshes } = fleets

  const stateAt = (m: Mesh, name: string) => m.view().breakers.find((b) => b.name === name)

  it('three meshes join through a seed, and the joiners are ready once synced', async () => {
    const [a, b, c] = await fleet(3)
    expect(b!.ready()).toBe(true)
    expect(c!.ready()).toBe(true)
    expect(a!.view().members.map((m) => m.name).sort()).toEqual(['m0', 'm1', 'm2'])
    expect(fleetNodeOf(a!).id).toBe('m0')
  })

  it('a trip on one mesh opens the breaker on the others, with events', async () => {
    const [a, b, c] = await fleet(3)
    const seen: MeshEvent[] = []
    c!.onEvent((e) => seen.push(e))
    const trips = a!.breaker('payments', { consecutiveFailures: 3, failureRate: false })
    for (let i = 0; i < 3; i++) await trips.execute(() => Promise.reject(new Error('down'))).catch(() => undefined)
    expect(trips.state).toBe('open')
    await waitFor('the open to reach b and c', () => [b!, c!].every((m) => stateAt(m, 'payments')?.state === 'open'))
    expect(stateAt(b!, 'payments')?.version.origin).toBe(a!.peerId)
    expect(seen).toContainEqual(expect.objectContaining({ type: 'breaker', name: 'payments', state: 'open', local: false, origin: 'm0' }))
    await expect(c!.breaker('payments').execute(() => 'never')).rejects.toMatchObject({ code: 'ERR_BREAKER_OPEN' })
  })

  it('an override on one mesh holds on all of them until reset', async () => {
    const [a, b, c] = await fleet(3)
    b!.forceOpen('search', 'maintenance')
    await waitFor('forced-open everywhere', () => [a!, c!].every((m) => stateAt(m, 'search')?.override === 'forced-open'))
    expect(stateAt(c!, 'search')).toMatchObject({ state: 'open', reason: 'maintenance on m1' })
    await expect(a!.breaker('search').execute(() => 'x')).rejects.toMatchObject({ code: 'ERR_BREAKER_OPEN', override: 'forced-open' })
    c!.reset('search')
    await waitFor('the reset everywhere', () => [a!, b!].every((m) => stateAt(m, 'search')?.override === null))
    await expect(a!.breaker('search').execute(() => 'x')).resolves.toBe('x')
  })

  it('a partitioned mesh is declared dead, and the fleet heals when the partition does', async () => {
    const [a, b] = await fleet(3)
    const others = meshes.slice(1).map((m) => m.peerId)
    fleets.net.partition([['m0'], others])
    await waitFor('m0 dead at the others', () => b!.view().members.find((m) => m.id === 'm0')?.status === 'dead', 30_000)
    a!.forceOpen('inventory', 'during the partition')
    fleets.net.heal()
    await waitFor('m0 alive again and its override known', () =>
      meshes.every((m) => m.view().members.every((x) => x.status === 'alive')) && stateAt(b!, 'inventory')?.override === 'forced-open',
    30_000)
  })
})

describe('createMeshWith: option resolution', () => {
  it.each([
    [{ fleet: 'bad fleet' }, /fleet must be 1\.\.64 characters/],
    [{ profile: 'wan' }, /profile must be one of 'lan', 'local', got "wan"/],
    [{ joinTimeoutMs: -1 }, /joinTimeoutMs must be a number in 0\.\./],
    [{ recordTtlMs: 10 }, /recordTtlMs must be an integer in 1000\.\.2592000000, got 10/],
    [{ mdns: 'yes' }, /mdns must be true or false, got "yes"/],
    [{ name: '' }, /name must be a string of 1\.\.64 characters/],
    [{ join: [''] }, /join must be an array of seed addresses/],
    [{ listen: '127.0.0.1' }, /listen: "127\.0\.0\.1" is not host:port/],
  ])('rejects %j with a RangeError, and stops the host it was given', async (bad, message) => {
    const net = new MemoryHostNetwork()
    const host: MemoryHost = net.host()
    const created = createMeshWith(host, { ...BASE, ...(bad as CreateMeshOptions) })
    await expect(created).rejects.toThrow(RangeError)
    await expect(created).rejects.toThrow(message)
    await expect(host.publish(new Uint8Array(1))).rejects.toMatchObject({ code: 'P2P_STOPPED' })
    await net.close()
  })

  it('refuses an exposed listen address without a fleet key (InsecureConfigError)', async () => {
    const net = new MemoryHostNetwork()
    await expect(createMeshWith(net.host(), { ...BASE, listen: '0.0.0.0:7946' })).rejects.toMatchObject({ code: 'ERR_INSECURE_CONFIG' })
    await net.close()
  })
})
