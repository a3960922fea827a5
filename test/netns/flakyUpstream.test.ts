// docker/flaky-upstream.mjs on loopback: the stand-in dependency of compose, the
// namespace fleet and the demo. No root needed.
import { spawnSync, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { spawnTracked } from '../../scripts/lib/children.mjs'

const SCRIPT = fileURLToPath(new URL('../../docker/flaky-upstream.mjs', import.meta.url))
const running: ChildProcess[] = []

/** Start the upstream on an ephemeral loopback port; resolves with its base URL. */
function startUpstream(args: string[] = [], env: Record<string, string> = {}): Promise<string> {
  const child = spawnTracked(process.execPath, [SCRIPT, '--host', '127.0.0.1', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.push(child)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('flaky-upstream printed no `listening` line within 10 s')), 10_000)
    child.once('exit', (code) => reject(new Error(`flaky-upstream exited ${code}`)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line)
      if (m) {
        clearTimeout(timer)
        resolve(`http://127.0.0.1:${m[1]}`)
      }
    })
  })
}

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL')
})

async function statuses(url: string, count: number): Promise<number[]> {
  const out: number[] = []
  for (let k = 0; k < count; k++) {
    const res = await fetch(url)
    await res.arrayBuffer()
    out.push(res.status)
  }
  return out
}

describe('flaky-upstream', () => {
  it('answers 200 by default and 503 once the failure rate is 1, set by GET /control', async () => {
    const base = await startUpstream()
    expect(new Set(await statuses(`${base}/`, 20))).toEqual(new Set([200]))
    const control = await fetch(`${base}/control?failureRate=1`)
    expect(await control.json()).toEqual({ failureRate: 1, latencyMs: 0 })
    expect(new Set(await statuses(`${base}/any/path`, 20))).toEqual(new Set([503]))
    const health = await fetch(`${base}/healthz`)
    expect(health.status).toBe(200)
  })

  it('fails about the share set by POST /control', async () => {
    const base = await startUpstream()
    const res = await fetch(`${base}/control`, { method: 'POST', body: JSON.stringify({ failureRate: 0.5 }) })
    expect(res.status).toBe(200)
    const codes = await statuses(`${base}/`, 400)
    const share = codes.filter((c) => c === 503).length / codes.length
    // Binomial(400, 0.5): standard deviation 0.025, so ±0.15 is six of them.
    expect(share).toBeGreaterThan(0.35)
    expect(share).toBeLessThan(0.65)
  })

  it('counts requests in /stats by status and client, skips /healthz and /control, and resets', async () => {
    const base = await startUpstream(['--failure-rate', '1'])
    await statuses(`${base}/`, 3)
    await fetch(`${base}/control?failureRate=0`)
    await statuses(`${base}/`, 2)
    await fetch(`${base}/healthz`)
    const stats = (await (await fetch(`${base}/stats?reset=1`)).json()) as Record<string, unknown>
    expect(stats).toMatchObject({
      requests: 5,
      ok: 2,
      failed: 3,
      byStatus: { 200: 2, 503: 3 },
      byClient: { '127.0.0.1': { requests: 5, ok: 2, failed: 3 } },
      settings: { failureRate: 0, latencyMs: 0 },
    })
    const after = (await (await fetch(`${base}/stats`)).json()) as Record<string, unknown>
    expect(after).toMatchObject({ requests: 0, ok: 0, failed: 0, byClient: {} })
  })

  it('takes the failure rate and latency from the environment', async () => {
    const base = await startUpstream([], { FAILURE_RATE: '1', LATENCY_MS: '150' })
    const t0 = performance.now()
    expect(await statuses(`${base}/`, 1)).toEqual([503])
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140)
  })

  it('rejects bad settings with 400 naming the field, and keeps the old ones', async () => {
    const base = await startUpstream()
    const bad = [
      fetch(`${base}/control?failureRate=2`),
      fetch(`${base}/control?failureRate=`),
      fetch(`${base}/control?latencyMs=-1`),
      fetch(`${base}/control?speed=9`),
      fetch(`${base}/control`, { method: 'POST', body: 'nope' }),
      fetch(`${base}/control`, { method: 'POST', body: '[0.5]' }),
      fetch(`${base}/control`, { method: 'POST', body: JSON.stringify({ failureRate: 0.9, latencyMs: 'x' }) }),
    ]
    for (const res of await Promise.all(bad)) {
      expect(res.status).toBe(400)
      expect(await res.json()).toHaveProperty('error')
    }
    const named = (await (await fetch(`${base}/control?failureRate=2`)).json()) as { error: string }
    expect(named.error).toContain('failureRate')
    expect(await (await fetch(`${base}/control`)).json()).toEqual({ failureRate: 0, latencyMs: 0 })
  })

  it('exits 2 on a bad command line', () => {
    const res = spawnSync(process.execPath, [SCRIPT, '--port', '70000'], { encoding: 'utf8', timeout: 10_000 })
    expect(res.status).toBe(2)
    expect(res.stderr).toContain('port')
    const unknown = spawnSync(process.execPath, [SCRIPT, '--colour'], { encoding: 'utf8', timeout: 10_000 })
    expect(unknown.status).toBe(2)
  })
})
