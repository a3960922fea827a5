// examples/opossum.ts: keep an opossum circuit and every circuit.fire() call site; share its state with the fleet.
import assert from 'node:assert/strict'
import CircuitBreaker from 'opossum'
import { createMesh, syncOpossum } from '@breaker-mesh/mesh'

const mesh = await createMesh({ network: false })
const circuit = new CircuitBreaker(
  async (sku: string) => {
    throw new Error(`stock service down (looking up ${sku})`)
  },
  { name: 'stock', resetTimeout: 10_000 },
)
const untie = syncOpossum(mesh, circuit) // ties it to the fleet breaker "stock"

await assert.rejects(circuit.fire('sku-1')) // opossum trips on its own statistics...
assert.equal(mesh.breaker('stock').state, 'open') // ...and the fleet breaker opens, on every instance
mesh.reset('stock') // the fleet closing it (here an operator's reset)...
assert.ok(circuit.closed) // ...closes the circuit

untie()
circuit.shutdown()
await mesh.stop()
