// examples/quickstart.ts
import { createMesh } from '@breaker-mesh/mesh'

const mesh = await createMesh({ network: false }) // or { fleet, listen, join } to share breakers with a fleet
const payments = mesh.breaker('payments-api', { failureRate: 50, timeoutMs: 2000 })
const receipt = await payments.execute(async ({ signal }) => (signal.aborted ? 'aborted' : 'charged'))
console.log(receipt)
await mesh.stop()
