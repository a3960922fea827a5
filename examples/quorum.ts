// examples/quorum.ts: one sick instance fails fast on its own; a quorum of failing instances opens the fleet.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { createMesh } from '@breaker-mesh/mesh'
import type { Mesh, MeshBreaker } from '@breaker-mesh/mesh'

// Three instances of one service, on loopback here (in production: one per host, seeds and a fleet key).
const local = { fleet: 'orders', listen: '127.0.0.1:0', mdns: false, profile: 'local' } as const
const first = await createMesh(local)
const join = [first.addrs()[0]!]
const fleet: Mesh[] = [first, await createMesh({ ...local, join }), await createMesh({ ...local, join })]

// The fleet opens "inventory" only when a majority of the instances that report see it failing.
const options = { decision: 'quorum', failureRate: 50, minimumCalls: 5, window: { kind: 'count', size: 10 } } as const
const [a, b, c] = fleet.map((mesh) => mesh.breaker('inventory', options)) as [MeshBreaker, MeshBreaker, MeshBreaker]
const inventory = (mesh: Mesh) => mesh.view().breakers.find((x) => x.name === 'inventory')

/** Opinions travel by gossip within an opinion interval: wait (10 s at most) for `ok`. */
async function until(ok: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 10_000; !ok(); await sleep(50)) if (Date.now() > deadline) throw new Error('timed out')
}
function calls(breaker: MeshBreaker, ok: boolean, n: number): void {
  for (let i = 0; i < n; i++) if (breaker.tryAcquire()) breaker.record(ok, 1)
}

for (const breaker of [a, b, c]) calls(breaker, true, 5) // every instance reports a healthy window
await until(() => inventory(first)?.fleet.fresh === 3)

calls(a, false, 5) // only a's own path fails (its DNS, its connection pool, its NIC)
assert.equal(a.state, 'open') // a fails fast on its own ...
assert.equal(inventory(first)?.isolated, true)
await until(() => inventory(fleet[1]!)?.fleet.failing === 1)
assert.equal(b.state, 'closed') // ... and the fleet stays closed: b and c keep calling
assert.deepEqual(inventory(fleet[1]!)?.fleet, { failing: 1, fresh: 3, needed: 2, degraded: false })

calls(b, false, 5) // a second instance fails: 2 of 3, a majority
await until(() => c.state === 'open') // now the whole fleet fails fast, c included
console.log(inventory(fleet[2]!)?.reason) // "2 of 3 members failing: failure rate 50% over 10 calls on …"

await Promise.all(fleet.map((mesh) => mesh.stop()))
