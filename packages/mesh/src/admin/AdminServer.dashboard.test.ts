/** The admin server's browser side: the dashboard's files, the same-origin rule, /v1/stats. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AdminTarget, MeshStats, MeshView } from '../MeshView.js'
import { startAdminServer } from './AdminServer.js'
import type { AdminServer } from './AdminServer.js'

const VIEW: MeshView = {
  node: { id: 'n1-id', name: 'n1', fleet: 'default', addrs: [] },
  members: [{ id: 'n1-id', name: 'n1', status: 'alive', incarnation: 0, addrs: [], statusAgeMs: 5, via: 'self' }],
  breakers: [],
}
const STATS: MeshStats = {
  breakers: [{ name: 'payments-api', state: 'closed', transitions: 2, callsOk: 40, callsFailed: 3, rejections: 1 }],
  gossip: { messagesIn: 1, messagesOut: 2, dropped: {}, bytesIn: 3, bytesOut: 4 },
  conflicts: 0,
  lastPropagationAgeMs: null,
}

function target(calls: string[] = []): AdminTarget {
  return {
    view: () => structuredClone(VIEW),
    stats: () => structuredClone(STATS),
    onEvent: () => () => {},
    forceOpen: (name) => void calls.push(`forceOpen ${name}`),
    forceClose: (name) => void calls.push(`forceClose ${name}`),
    reset: (name) => void calls.push(`reset ${name}`),
  }
}

function raw(url: string, opts: { method?: string; headers?: Record<string, string> } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the admin server for browsers', () => {
  let dir: string
  let server: AdminServer | undefined
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bm-dashboard-'))
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>breaker-mesh</title>')
    writeFileSync(join(dir, 'app.js'), 'console.log("app")')
    writeFileSync(join(dir, 'app.css'), 'body{}')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  async function start(options: { dashboardDir?: string; calls?: string[] } = {}): Promise<string> {
    server = await startAdminServer(target(options.calls), {
      host: '127.0.0.1',
      port: 0,
      processMetrics: false,
      dashboardDir: options.dashboardDir ?? dir,
    })
    return server.url
  }

  it('serves the dashboard at / and its files, with a strict Content-Security-Policy', async () => {
    const url = await start()
    const page = await raw(`${url}/`)
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body).toContain('<title>breaker-mesh</title>')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'")
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')

    const js = await raw(`${url}/dashboard/app.js`)
    expect(js).toMatchObject({ status: 200, body: 'console.log("app")' })
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect((await raw(`${url}/dashboard/app.css`)).headers['content-type']).toBe('text/css; charset=utf-8')
    expect((await raw(`${url}/dashboard/other.js`)).status).toBe(404)
    expect((await raw(`${url}/`, { method: 'HEAD' })).status).toBe(200)
    const post = await raw(`${url}/`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers['allow']).toBe('GET, HEAD')
  })

  it('holds the files in memory once read: a file changed on disk later is not served', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'bm-dashboard-'))
    try {
      for (const f of ['index.html', 'app.js', 'app.css']) writeFileSync(join(copy, f), `first ${f}`)
      const url = await start({ dashboardDir: copy })
      expect((await raw(`${url}/dashboard/app.js`)).body).toBe('first app.js')
      writeFileSync(join(copy, 'app.js'), 'second')
      expect((await raw(`${url}/dashboard/app.js`)).body).toBe('first app.js')
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })

  it('answers 503 with a clear message when the dashboard was not built, and keeps serving the API', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'bm-dashboard-'))
    try {
      const url = await start({ dashboardDir: empty })
      const res = await raw(`${url}/`)
      expect(res.status).toBe(503)
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'ERR_DASHBOARD_MISSING' } })
      expect(JSON.parse(res.body).error.message).toContain('npm run build')
      expect((await raw(`${url}/v1/view`)).status).toBe(200)
    } finally {
      rmSync(empty, { recursive: true, force: true })
    }
  })

  it('lets the page it served change breakers (Origin = its own), refuses any other origin', async () => {
    const calls: string[] = []
    const url = await start({ calls })
    const host = new URL(url).host
    const same = await raw(`${url}/v1/breakers/payments-api/force-open`, { method: 'POST', headers: { origin: url, host } })
    expect(same.status).toBe(200)
    expect(calls).toEqual(['forceOpen payments-api'])

    for (const origin of ['http://evil.example', 'https://' + host, 'null', `http://${host.replace(/\d+$/, '1')}`]) {
      const other = await raw(`${url}/v1/breakers/payments-api/force-close`, { method: 'POST', headers: { origin, host } })
      expect(other.status, origin).toBe(403)
      expect(JSON.parse(other.body)).toMatchObject({ error: { code: 'ERR_FORBIDDEN_ORIGIN' } })
    }
    // Reads from another site are refused too: the view is not for other pages to read.
    expect((await raw(`${url}/v1/view`, { headers: { origin: 'http://evil.example', host } })).status).toBe(403)
    expect(calls).toEqual(['forceOpen payments-api'])
  })

  it('GET /v1/stats answers the counters as JSON', async () => {
    const url = await start()
    const res = await raw(`${url}/v1/stats`)
    expect(res.status).toBe(200)
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8')
    expect(JSON.parse(res.body)).toEqual(STATS)
    expect((await raw(`${url}/v1/stats`, { method: 'POST' })).status).toBe(405)
  })
})
