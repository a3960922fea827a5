/**
 * The /metrics output of real nodes (two libp2p meshes on 127.0.0.1 that
 * share a breaker), checked for content and by `promtool check metrics`
 * (Debian package `prometheus`): the breaker_mesh_* series must follow the
 * Prometheus naming conventions. prom-client's default process metrics are
 * left out of the promtool check (its nodejs_*_total gauges are prom-client's
 * naming, not ours).
 */
import { execFile, execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMesh } from '../createMesh.js'
import type { Mesh } from '../Mesh.js'
import { startAdminServer } from './AdminServer.js'
import type { AdminServer } from './AdminServer.js'
import { hangForever, uniqueName, waitFor } from '../fixtures/meshHarness.js'
import { fleetNodeOf } from '../testing/index.js'

function promtoolPath(): string | null {
  try {
    return execFileSync('sh', ['-c', 'command -v promtool'], { encoding: 'utf8' }).trim() || null
  } catch {
    return null
  }
}

const promtool = promtoolPath()
const SKIP_REASON = 'promtool not installed (Debian: apt-get install prometheus); the promtool check is skipped'
if (!promtool) console.warn(`metrics.promtool.test: ${SKIP_REASON}`)

/** Only our series: the HELP/TYPE/sample lines of breaker_mesh_* metrics. */
function ownSeries(text: string): string {
  return (
    text
      .split('\n')
      .filter((l) => /^(# (HELP|TYPE) )?breaker_mesh_/.test(l))
      .join('\n') + '\n'
  )
}

function check(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(promtool as string, ['check', 'metrics'], (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` })
    })
    child.stdin?.end(text)
  })
}

const sample = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('GET /metrics of a real node', () => {
  const fleet = uniqueName('metrics')
  const meshes: Mesh[] = []
  const servers: AdminServer[] = []
  let a: Mesh
  let b: Mesh
  beforeAll(async () => {
    a = await createMesh({ fleet, name: 'a', listen: '127.0.0.1:0', mdns: false, profile: 'local' })
    meshes.push(a)
    const port = /\/tcp\/(\d+)/.exec(a.addrs()[0] ?? '')?.[1]
    b = await createMesh({ fleet, name: 'b', listen: '127.0.0.1:0', mdns: false, profile: 'local', join: [`127.0.0.1:${port}`] })
    meshes.push(b)
    servers.push(await startAdminServer(b, { host: '127.0.0.1', port: 0 }))
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
    await Promise.all(meshes.map((m) => m.stop()))
  })

  it('reports durations, ratios, timeouts, overrides and propagation age in seconds, and passes promtool', async () => {
    // On b: 3 calls (1 ok, 1 failed, 1 timed out) on "payments-api".
    const payments = b.breaker('payments-api', { failureRate: false, consecutiveFailures: 10, timeoutMs: 20 })
    await payments.execute(() => 'ok')
    await payments.execute(() => Promise.reject(new Error('boom'))).catch(() => undefined)
    await payments.execute(hangForever).catch(() => undefined)
    // On a: trip "inventory" (b learns it from the fleet) and force "search" open.
    const inventory = a.breaker('inventory', { failureRate: false, consecutiveFailures: 1 })
    await inventory.execute(() => Promise.reject(new Error('down'))).catch(() => undefined)
    a.forceOpen('search', 'vendor incident')
    // On b: "ledger" decided by quorum trips on b's own calls: two nodes are fewer than minReporting (3), so b is isolated and degraded.
    const ledger = b.breaker('ledger', { decision: 'quorum', failureRate: false, consecutiveFailures: 1 })
    await ledger.execute(() => Promise.reject(new Error('down'))).catch(() => undefined)
    await waitFor('b to learn both records', () => fleetNodeOf(b).table.get('inventory')?.state === 'open' && fleetNodeOf(b).table.get('search')?.override === 'forced-open')

    const text = await (await fetch(`${servers[0]!.url}/metrics`)).text()
    expect(sample(text, 'breaker_mesh_call_duration_seconds_count{breaker="payments-api"}')).toBe(3)
    expect(sample(text, 'breaker_mesh_call_duration_seconds_bucket{breaker="payments-api",le="+Inf"}')).toBe(3)
    // The timed-out call took at least its 20 ms timeout.
    expect(sample(text, 'breaker_mesh_call_duration_seconds_sum{breaker="payments-api"}')).toBeGreaterThanOrEqual(0.02)
    expect(sample(text, 'breaker_mesh_call_duration_seconds_bucket{breaker="payments-api",le="0.01"}')).toBe(2)
    expect(sample(text, 'breaker_mesh_call_timeouts_total{breaker="payments-api"}')).toBe(1)
    expect(sample(text, 'breaker_mesh_breaker_window_calls{breaker="payments-api"}')).toBe(3)
    expect(sample(text, 'breaker_mesh_breaker_failure_ratio{breaker="payments-api"}')).toBeCloseTo(2 / 3, 10)
    expect(sample(text, 'breaker_mesh_calls_total{breaker="payments-api",result="ok"}')).toBe(1)
    // Forced open is visible as an override, beside state "open"; a plain open breaker has none.
    expect(sample(text, 'breaker_mesh_breaker_state{breaker="search",state="open"}')).toBe(1)
    expect(sample(text, 'breaker_mesh_breaker_override{breaker="search",override="forced-open"}')).toBe(1)
    expect(sample(text, 'breaker_mesh_breaker_state{breaker="inventory",state="open"}')).toBe(1)
    expect(sample(text, 'breaker_mesh_breaker_override{breaker="inventory",override="forced-open"}')).toBe(0)
    // The fleet decision: b fails fast on its own for "ledger", with too few reporters; "inventory" is decided by any.
    expect(sample(text, 'breaker_mesh_breaker_isolated{breaker="ledger"}')).toBe(1)
    expect(sample(text, 'breaker_mesh_breaker_degraded{breaker="ledger"}')).toBe(1)
    expect(sample(text, 'breaker_mesh_breaker_isolated{breaker="inventory"}')).toBe(0)
    expect(sample(text, 'breaker_mesh_breaker_degraded{breaker="inventory"}')).toBe(0)
    // A remote record was applied: a finite age in seconds (same host, so well under a minute).
    const age = sample(text, 'breaker_mesh_propagation_age_seconds')
    expect(Number.isFinite(age)).toBe(true)
    expect(age).toBeGreaterThanOrEqual(0)
    expect(age).toBeLessThan(60)
    expect(text).not.toMatch(/^breaker_mesh_\S+ nan$/im)
  })

  it.skipIf(!promtool)(`promtool check metrics passes on the breaker_mesh_* series${promtool ? '' : ` (skipped: ${SKIP_REASON})`}`, async () => {
    const text = ownSeries(await (await fetch(`${servers[0]!.url}/metrics`)).text())
    expect(text).toContain('# TYPE breaker_mesh_call_duration_seconds histogram')
    const result = await check(text)
    expect(result.output).toBe('')
    expect(result.code).toBe(0)
    // And a local-mode node before any call: the same names, still clean.
    const local = await createMesh({ network: false })
    meshes.push(local)
    local.breaker('idle')
    const server = await startAdminServer(local, { host: '127.0.0.1', port: 0, processMetrics: false })
    servers.push(server)
    const idle = ownSeries(await (await fetch(`${server.url}/metrics`)).text())
    expect(idle).toContain('breaker_mesh_breaker_state{breaker="idle",state="closed"} 1')
    expect(idle).toContain('breaker_mesh_propagation_age_seconds 0')
    expect(await check(idle)).toEqual({ code: 0, output: '' })
  })
})
