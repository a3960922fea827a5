// examples/unit-test.ts: application unit tests run the real breaker in local mode (no sockets, no libp2p).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createMesh } from '@breaker-mesh/mesh'
import type { MeshBreaker } from '@breaker-mesh/mesh'

// The code under test takes its breaker as a parameter, as in production.
async function priceOf(pricing: MeshBreaker<number>, sku: string): Promise<number> {
  return pricing.execute(async () => {
    throw new Error(`pricing service unreachable for ${sku}`)
  })
}

test('serves the fallback price while the pricing breaker is open', async () => {
  const mesh = await createMesh({ network: false }) // starts in a few milliseconds
  try {
    const pricing = mesh.breaker('pricing', { fallback: () => 9.99 })
    mesh.forceOpen('pricing', 'test: dependency down')
    assert.equal(await priceOf(pricing, 'sku-1'), 9.99)
  } finally {
    await mesh.stop()
  }
})
