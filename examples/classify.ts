// examples/classify.ts: what counts as a failure, timeouts and cancellation, a fallback, events.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { BreakerTimeoutError, createMesh } from '@breaker-mesh/mesh'

class NotFound extends Error {}

// A stand-in database: id 'slow' hangs until its signal aborts, 'missing' is not there.
async function queryDb(id: string, signal: AbortSignal): Promise<{ id: string; source: string }> {
  if (id === 'slow') await sleep(60_000, undefined, { signal })
  if (id === 'missing') throw new NotFound(id)
  return { id, source: 'db' }
}

const mesh = await createMesh({ network: false }) // local mode: the same API without a network
const orders = mesh.breaker('orders-db', {
  failureRate: false,
  consecutiveFailures: 3,
  isFailure: (err) => !(err instanceof NotFound), // a missing row is an answer, not an outage
  timeoutMs: 100, // a hung query is aborted through its signal and counts as a failure
  fallback: (_err, ctx) => ({ id: 'unknown', source: `fallback (${ctx.cause})` }), // used when the breaker refuses
})
orders.on('timeout', (e) => console.log(`${e.breaker}: timed out after ${e.timeoutMs} ms`))
orders.on('failure', (e) => console.log(`${e.breaker}: failure (counted: ${e.handled})`))

// fn gets a signal that aborts on the timeout or the caller's own abort: hand it down.
const lookup = (id: string, signal?: AbortSignal) => orders.execute(({ signal }) => queryDb(id, signal), { signal })

assert.deepEqual(await lookup('42'), { id: '42', source: 'db' })
await assert.rejects(lookup('missing'), NotFound) // let through, not counted

const caller = new AbortController()
const abandoned = lookup('slow', caller.signal)
caller.abort() // the caller gave up: not the database's fault, not counted
await assert.rejects(abandoned, { name: 'AbortError' })

for (let i = 0; i < 3; i++) await assert.rejects(lookup('slow'), BreakerTimeoutError) // three timeouts in a row
assert.equal(orders.state, 'open')
assert.deepEqual(await lookup('42'), { id: 'unknown', source: 'fallback (rejected)' })
await mesh.stop()
