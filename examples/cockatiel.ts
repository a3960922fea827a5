// examples/cockatiel.ts: a mesh breaker as a cockatiel policy, composed with retry and timeout.
import assert from 'node:assert/strict'
import { ConstantBackoff, TimeoutStrategy, handleAll, retry, timeout, wrap } from 'cockatiel'
import { BreakerOpenError, createMesh } from '@breaker-mesh/mesh'

const mesh = await createMesh({ network: false })
const inventory = mesh.breaker('inventory', { failureRate: false, consecutiveFailures: 3 })

// Each attempt of the retry goes through the fleet breaker, each under a 500 ms timeout.
const policy = wrap(retry(handleAll, { maxAttempts: 2, backoff: new ConstantBackoff(10) }), inventory, timeout(500, TimeoutStrategy.Aggressive))

let calls = 0
const failing = async ({ signal }: { signal: AbortSignal }): Promise<string> => {
  calls++
  signal.throwIfAborted()
  throw new Error('inventory answered 503')
}
await assert.rejects(policy.execute(failing), /503/)
assert.equal(calls, 3) // three attempts, all seen by the breaker...
assert.equal(inventory.state, 'open') // ...which opened, for the whole fleet
await assert.rejects(policy.execute(failing), BreakerOpenError) // refused without calling fn
assert.equal(calls, 3)
await mesh.stop()
