// examples/embedding.ts: a service instance calls a flaky HTTP dependency through a fleet-wide breaker.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { BreakerOpenError, createMesh } from '@breaker-mesh/mesh'

// A stand-in for the payments service that answers 503 (use your real URL instead).
const upstream = createServer((_req, res) => res.writeHead(503).end('overloaded')).listen(0, '127.0.0.1')
await once(upstream, 'listening')
const PAYMENTS = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`

// Loopback and no seeds, so this runs anywhere. In production: listen on the instance's address, join seeds,
// and pass `fleetKey` (from `breaker-mesh keygen`): off loopback, createMesh refuses to start without one.
const mesh = await createMesh({ fleet: 'checkout', listen: '127.0.0.1:0', mdns: false })
const payments = mesh.breaker('payments-api', { failureRate: 50, minimumCalls: 5, cooldownMs: 5000, timeoutMs: 2000 })
payments.on('state', (e) => console.log(`payments-api ${e.previous} → ${e.state}: ${e.reason}`))

for (let i = 0; i < 6; i++) {
  try {
    // A network error, a timeout, a 5xx or a 429 counts as a failure; a 404 does not. The Response is untouched.
    const res = await payments.fetch(`${PAYMENTS}/charge`, { method: 'POST' })
    console.log(`HTTP ${res.status}: ${await res.text()}`)
  } catch (err) {
    if (!(err instanceof BreakerOpenError)) throw err
    console.log('failing fast, no request sent') // serve a fallback here
  }
}
assert.equal(payments.state, 'open') // and every other instance of the fleet refuses too

await mesh.stop() // graceful leave (call it on SIGTERM): peers mark this instance `left`, not dead
upstream.close()
