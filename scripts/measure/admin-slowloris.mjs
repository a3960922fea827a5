// Slow-loris against the admin API with its default limits: N connections
// dribble header bytes (one per second each); report when the server dropped
// them, and how long /healthz took meanwhile.
//
//   npm run build && node scripts/measure/admin-slowloris.mjs [connections=500] [watchSeconds=30]
import { connect } from 'node:net'
import { startAdminServer } from '@breaker-mesh/mesh'

const count = Number(process.argv[2] ?? 500)
const watchMs = Number(process.argv[3] ?? 30) * 1000
const target = {
  view: () => ({ node: { id: 'x', name: 'n', fleet: 'f', addrs: [] }, members: [], breakers: [] }),
  stats: () => ({ breakers: [], gossip: { messagesIn: 0, messagesOut: 0, dropped: {}, bytesIn: 0, bytesOut: 0 }, conflicts: 0, refused: {}, lastPropagationAgeMs: null }),
  onEvent: () => () => {},
  forceOpen() {},
  forceClose() {},
  reset() {},
  ready: () => true,
}
const server = await startAdminServer(target, { host: '127.0.0.1', port: 0, processMetrics: false })
const t0 = Date.now()
const dropped = []
const header = `GET /v1/view HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'a'.repeat(200)}\r\n\r\n`
const sockets = Array.from({ length: count }, () => {
  const s = connect(server.port, '127.0.0.1')
  let i = 0
  const timer = setInterval(() => s.writable && s.write(header[i++ % header.length]), 1000)
  s.on('data', () => {})
  s.on('error', () => {})
  s.on('close', () => {
    clearInterval(timer)
    dropped.push(Date.now() - t0)
  })
  return s
})
const health = []
while (Date.now() - t0 < watchMs && dropped.length < count) {
  const h0 = performance.now()
  const ok = await fetch(`${server.url}/healthz`).then((r) => r.ok, () => false)
  health.push({ ms: performance.now() - h0, ok })
  await new Promise((r) => setTimeout(r, 500))
}
const open = count - dropped.length
dropped.sort((a, b) => a - b)
console.log(
  `${count} dribbling connections: ${dropped.length} dropped (first at ${((dropped[0] ?? NaN) / 1000).toFixed(1)} s, ` +
    `last at ${((dropped.at(-1) ?? NaN) / 1000).toFixed(1)} s), ${open} still open after ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
    `/healthz ${health.filter((h) => h.ok).length}/${health.length} ok, max ${Math.max(...health.map((h) => h.ms)).toFixed(1)} ms`,
)
const metrics = await (await fetch(`${server.url}/metrics`)).text()
const line = metrics.split('\n').find((l) => l.startsWith('breaker_mesh_admin_refused_total{reason="request-timeout"}'))
if (line) console.log(line)
for (const s of sockets) s.destroy()
await server.close()
