// Time and size of GET /v1/view and GET /metrics at N breakers: a real node
// (no peers) in a child process, its admin API on loopback, fetched by this
// process over HTTP (so the client's work does not share the node's event loop).
//
//   npm run build && node scripts/measure/admin-render.mjs [breakers=10000] [rounds=30]
//
// Every breaker gets a record (force-open then reset: a closed record with a
// version and a reason) and every tenth gets 1..7 local calls, so /metrics has
// calls to sort by. Times are full request round trips on loopback.
import { spawn } from 'node:child_process'
import { get } from 'node:http'
import { fileURLToPath } from 'node:url'

if (process.argv[2] === '--serve') {
  const { createMesh } = await import('@breaker-mesh/mesh')
  const count = Number(process.argv[3])
  const mesh = await createMesh({
    listen: '127.0.0.1:0',
    mdns: false,
    profile: 'local',
    admin: { listen: '127.0.0.1:0' },
    fleetOptions: { maxRecords: Math.max(10_000, count) },
  })
  for (let i = 0; i < count; i++) {
    const name = `svc-${String(i).padStart(5, '0')}.example/api`
    mesh.forceOpen(name, 'measure')
    mesh.reset(name)
    if (i % 10 === 0) {
      const b = mesh.breaker(name)
      for (let k = 0; k < (i % 7) + 1; k++) await b.execute(async () => 1)
    }
  }
  process.stdout.write(`${mesh.admin.url}\n`)
  process.stdin.resume()
  process.stdin.on('end', () => void mesh.stop().then(() => process.exit(0)))
} else {
  const count = Number(process.argv[2] ?? 10_000)
  const rounds = Number(process.argv[3] ?? 30)
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  try {
    const url = await new Promise((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (c) => {
        out += c
        if (out.includes('\n')) resolve(out.trim())
      })
      child.once('exit', (code) => reject(new Error(`node exited with ${code}`)))
    })
    const fetchOnce = (path) =>
      new Promise((resolve, reject) => {
        const t0 = performance.now()
        get(url + path, { agent: false }, (res) => {
          let bytes = 0
          res.on('data', (c) => (bytes += c.length))
          res.on('end', () => resolve({ status: res.statusCode, bytes, ms: performance.now() - t0 }))
        }).on('error', reject)
      })
    for (const path of ['/v1/view', '/metrics']) {
      const times = []
      let bytes = 0
      for (let r = 0; r < rounds + 3; r++) {
        const res = await fetchOnce(path)
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`)
        bytes = res.bytes
        if (r >= 3) times.push(res.ms) // three warm-up rounds
      }
      times.sort((a, b) => a - b)
      const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1)
      console.log(
        `${path.padEnd(9)} breakers=${count} bytes=${bytes} (${(bytes / 1e6).toFixed(2)} MB) ` +
          `ms p50=${at(0.5)} p90=${at(0.9)} max=${at(1)} (${rounds} rounds)`,
      )
    }
  } finally {
    child.stdin.end()
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)))
  }
}
