/**
 * The fleet decision in the view contract (`GET /v1/view`, `inspect --json`)
 * and in `stats()`, on meshes over core's `MemoryNetwork` (real timers; every
 * expectation polls with a deadline).
 */
import { describe, expect, it } from 'vitest'
import type { Mesh } from './Mesh.js'
import type { MeshView } from './MeshView.js'
import { waitFor } from './fixtures/meshHarness.js'
import { memoryFleets } from './fixtures/memoryFleet.js'

const QUORUM = { decision: 'quorum', failureRate: 50, minimumCalls: 4, window: { kind: 'count', size: 8 }, cooldownMs: 60_000 } as const

describe('the fleet decision in the view', () => {
  const { fleet } = memoryFleets()

  const entry = (m: Mesh, name: string): MeshView['breakers'][number] | undefined => m.view().breakers.find((b) => b.name === name)
  const calls = (m: Mesh, name: string, n: number, ok: boolean) => {
    const b = m.breaker(name, QUORUM)
    for (let i = 0; i < n; i++) if (b.tryAcquire()) b.record(ok, 1)
  }

  it('has exactly the contract fields: decision, isolated, fleet {failing, fresh, needed, degraded}, opinions [{node, verdict, calls, failures, slow, ageMs}]', async () => {
    const all = await fleet(4)
    for (const m of all) calls(m, 'payments', 4, true)
    calls(all[0]!, 'payments', 4, false) // m0 trips on its own path: 1 failing of 4, isolated
    await waitFor('every mesh to see 1 of 4 failing', () => all.every((m) => entry(m, 'payments')?.fleet.failing === 1 && entry(m, 'payments')?.fleet.fresh === 4))

    const sick = entry(all[0]!, 'payments')!
    const json = JSON.parse(JSON.stringify(sick)) as Record<string, unknown>
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['decision', 'isolated', 'fleet', 'opinions']))
    expect(json.decision).toBe('quorum')
    expect(json.isolated).toBe(true)
    expect(json.state).toBe('closed') // the fleet's state: nobody wrote an open
    expect(json.fleet).toEqual({ failing: 1, fresh: 4, needed: 3, degraded: false })
    const opinions = json.opinions as Array<Record<string, unknown>>
    expect(opinions).toHaveLength(4)
    for (const o of opinions) {
      expect(Object.keys(o).sort()).toEqual(['ageMs', 'calls', 'failures', 'node', 'slow', 'verdict'])
      expect(['healthy', 'failing']).toContain(o.verdict)
      expect(o.ageMs).toBeGreaterThanOrEqual(0)
    }
    expect(opinions[0]).toEqual({ node: all[0]!.peerId, verdict: 'failing', calls: 8, failures: 4, slow: 0, ageMs: 0 }) // its own first: the window it tripped on
    expect(opinions.filter((o) => o.verdict === 'healthy').map((o) => o.calls)).toEqual([4, 4, 4])

    // A healthy member's view of the same breaker: not isolated, the same counts.
    expect(entry(all[1]!, 'payments')).toMatchObject({ decision: 'quorum', isolated: false, state: 'closed', fleet: { failing: 1, fresh: 4, needed: 3, degraded: false } })
    // stats() carries the flags for /metrics.
    expect(all[0]!.stats().breakers.find((b) => b.name === 'payments')).toMatchObject({ isolated: true, degraded: false })
    expect(all[1]!.stats().breakers.find((b) => b.name === 'payments')).toMatchObject({ isolated: false, degraded: false })
  })

  it("a breaker decided by any shows its decision, no isolation, and only this node's opinion", async () => {
    const [a, b] = await fleet(2)
    a!.reset('plain') // a closed record with no override, so b lists it too
    a!.breaker('plain').tryAcquire()
    a!.breaker('plain').record(true, 1)
    await waitFor('b to hold the record', () => entry(b!, 'plain') !== undefined)
    expect(entry(a!, 'plain')).toMatchObject({ decision: 'any', isolated: false, fleet: { failing: 0, fresh: 1, needed: 1, degraded: false } })
    expect(entry(a!, 'plain')?.opinions).toEqual([{ node: a!.peerId, verdict: 'healthy', calls: 1, failures: 0, slow: 0, ageMs: 0 }])
    // b does not use it: decision any, no opinions of its own, and none published by a (any publishes none)
    expect(entry(b!, 'plain')).toMatchObject({ decision: 'any', isolated: false, fleet: { failing: 0, fresh: 0, needed: 1, degraded: false }, opinions: [] })
  })

  it('too few reporters: degraded, and the isolated node is listed although no record exists', async () => {
    const [a] = await fleet(2)
    calls(a!, 'orders', 4, false)
    const e = entry(a!, 'orders')
    expect(e).toMatchObject({ state: 'closed', isolated: true, localOnly: false, fleet: { failing: 1, fresh: 1, degraded: true }, version: { lamport: 0 } })
    expect(a!.breaker('orders').state).toBe('open') // this node's own state: failing fast
  })
})
