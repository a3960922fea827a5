import { request } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import type { AdminTarget, MeshEvent, MeshStats, MeshView } from '../MeshView.js'
import { startAdminServer } from './AdminServer.js'
import type { AdminServer } from './AdminServer.js'

class FakeInvalidNameError extends Error {
  readonly code = 'ERR_INVALID_BREAKER_NAME'
}

const PEER = '12D3KooWQa1zfakefakefakefakefakefakefakefake1'
const PEER2 = '12D3KooWQb2zfakefakefakefakefakefakefakefake2'

/** An in-process AdminTarget: a mutable view, recorded calls, manual events. */
function fakeTarget() {
  const listeners = new Set<(event: MeshEvent) => void>()
  const calls: string[] = []
  const view: MeshView = {
    node: { id: PEER, name: 'n1', fleet: 'default', addrs: ['/ip4/127.0.0.1/tcp/7946'] },
    members: [
      { id: PEER, name: 'n1', status: 'alive', incarnation: 0, addrs: ['/ip4/127.0.0.1/tcp/7946'] },
      { id: PEER2, name: 'n2', status: 'suspect', incarnation: 3, addrs: [] },
    ],
    breakers: [
      {
        name: 'payments-api',
        state: 'open',
        override: null,
        reason: 'failure rate 63% over 41 calls on n1',
        prober: null,
        version: { lamport: 7, origin: PEER, vclock: { [PEER]: 3 } },
        local: { calls: 41, failures: 26, slow: 0 },
        wallTime: 1_700_000_000_000,
        concurrent: false,
      },
    ],
  }
  const stats: MeshStats = {
    breakers: [
      { name: 'payments-api', state: 'open', transitions: 4, callsOk: 15, callsFailed: 26, rejections: 9 },
    ],
    gossip: { messagesIn: 120, messagesOut: 80, dropped: { 'bad-version': 2 }, bytesIn: 5000, bytesOut: 3000 },
    conflicts: 1,
    refused: { 'fleet-key': 3 },
    receiveBufferBytes: 0,
    receiveBufferHighWaterBytes: 0,
    table: { records: 1, evicted: 0, collected: 0, lamport: 7 },
    localOnly: { breakers: 0, writes: 0 },
    unconfirmedMembers: 0,
    lastPropagationAgeMs: 12,
  }
  let ready = false
  const check = (name: string): void => {
    if (name.length < 1 || name.length > 128 || /[\u0000-\u001f]/.test(name)) {
      throw new FakeInvalidNameError(`invalid breaker name ${JSON.stringify(name)}: 1..128 printable chars`)
    }
  }
  const setOverride = (name: string, override: MeshView['breakers'][number]['override']): void => {
    const b = view.breakers.find((x) => x.name === name)
    if (b) b.override = override
  }
  const target: AdminTarget = {
    view: () => structuredClone(view),
    stats: () => structuredClone(stats),
    onEvent(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    forceOpen(name, reason) {
      check(name)
      calls.push(`forceOpen ${name} ${reason ?? '-'}`)
      setOverride(name, 'forced-open')
    },
    forceClose(name, reason) {
      check(name)
      calls.push(`forceClose ${name} ${reason ?? '-'}`)
      setOverride(name, 'forced-closed')
    },
    reset(name) {
      check(name)
      calls.push(`reset ${name}`)
      setOverride(name, null)
    },
    ready: () => ready,
  }
  return {
    target,
    view,
    stats,
    calls,
    listeners,
    emit: (e: MeshEvent) => listeners.forEach((l) => l(e)),
    setReady: (r: boolean) => (ready = r),
  }
}

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A plain node:http request, so tests control headers and chunking exactly. */
function raw(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; chunks?: string[] } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    for (const chunk of opts.chunks ?? []) req.write(chunk)
    req.end()
  })
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('startAdminServer', () => {
  let server: AdminServer | undefined
  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  async function start(fake = fakeTarget(), extra: { heartbeatMs?: number; maxBodyBytes?: number; token?: string } = {}) {
    server = await startAdminServer(fake.target, { host: '127.0.0.1', port: 0, processMetrics: false, ...extra })
    return { fake, url: server.url }
  }

  it('listens on the given host with a free port and reports its URL', async () => {
    const { url } = await start()
    expect(server?.port).toBeGreaterThan(0)
    expect(url).toBe(`http://127.0.0.1:${server?.port}`)
  })

  it('GET /healthz answers ok', async () => {
    const { url } = await start()
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('ok\n')
  })

  it('GET /readyz answers 503 until the target is ready, then 200', async () => {
    const { fake, url } = await start()
    const before = await fetch(`${url}/readyz`)
    expect(before.status).toBe(503)
    expect(await before.text()).toMatch(/not ready/)
    fake.setReady(true)
    const after = await fetch(`${url}/readyz`)
    expect(after.status).toBe(200)
    expect(await after.text()).toBe('ready\n')
  })

  describe('with an admin token', () => {
    const TOKEN = 'tok-0123456789abcdef'
    const post = (url: string, headers: Record<string, string> = {}) =>
      fetch(`${url}/v1/breakers/payments-api/force-open`, { method: 'POST', headers, body: '{"reason":"x"}' })

    it('a POST without a token or with a wrong one is 401 and changes nothing', async () => {
      const { fake, url } = await start(fakeTarget(), { token: TOKEN })
      for (const headers of [{}, { authorization: 'Bearer nope' }, { authorization: `Bearer ${TOKEN}x` }, { authorization: TOKEN }, { authorization: `Basic ${TOKEN}` }]) {
        const res = await post(url, headers)
        expect(res.status, JSON.stringify(headers)).toBe(401)
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/)
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_UNAUTHORIZED')
      }
      expect(fake.calls).toEqual([])
      expect(fake.view.breakers[0]?.override).toBeNull()
    })

    it('with the right token the POST succeeds', async () => {
      const { fake, url } = await start(fakeTarget(), { token: TOKEN })
      const res = await post(url, { authorization: `Bearer ${TOKEN}` })
      expect(res.status).toBe(200)
      expect(fake.calls).toEqual(['forceOpen payments-api x'])
    })

    it('GET /healthz, /readyz, /metrics and /v1/view stay open', async () => {
      const { fake, url } = await start(fakeTarget(), { token: TOKEN })
      fake.setReady(true)
      for (const path of ['/healthz', '/readyz', '/metrics', '/v1/view']) {
        expect((await fetch(`${url}${path}`)).status, path).toBe(200)
      }
    })
  })

  it('GET /v1/view answers the target view as JSON', async () => {
    const { fake, url } = await start()
    const res = await fetch(`${url}/v1/view`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual(fake.view)
  })

  it('POST force-open passes name and reason and answers the new view entry', async () => {
    const { fake, url } = await start()
    const res = await fetch(`${url}/v1/breakers/payments-api/force-open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'maintenance' }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { ok: boolean; breaker: MeshView['breakers'][number] }
    expect(body.ok).toBe(true)
    expect(body.breaker.name).toBe('payments-api')
    expect(body.breaker.override).toBe('forced-open')
    expect(fake.calls).toEqual(['forceOpen payments-api maintenance'])
  })

  it('POST force-close and reset work without a body', async () => {
    const { fake, url } = await start()
    const closed = await fetch(`${url}/v1/breakers/payments-api/force-close`, { method: 'POST' })
    expect(closed.status).toBe(200)
    expect(((await closed.json()) as { breaker: { override: string } }).breaker.override).toBe('forced-closed')
    const reset = await fetch(`${url}/v1/breakers/payments-api/reset`, { method: 'POST' })
    expect(reset.status).toBe(200)
    expect(((await reset.json()) as { breaker: { override: unknown } }).breaker.override).toBeNull()
    expect(fake.calls).toEqual(['forceClose payments-api -', 'reset payments-api'])
  })

  it('URL-decodes the breaker name and answers breaker: null for one not in the table', async () => {
    const { fake, url } = await start()
    const res = await fetch(`${url}/v1/breakers/${encodeURIComponent('svc/a b')}/force-open`, { method: 'POST' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, breaker: null })
    expect(fake.calls).toEqual(['forceOpen svc/a b -'])
  })

  it('a full table (nothing evictable for a new name) → 507 ERR_TABLE_FULL', async () => {
    const fake = fakeTarget()
    fake.target.forceOpen = () => {
      throw Object.assign(new Error('the breaker table is full (10000 records): nothing to evict'), { code: 'ERR_TABLE_FULL' })
    }
    const { url } = await start(fake)
    const res = await fetch(`${url}/v1/breakers/new-name/force-open`, { method: 'POST' })
    expect(res.status).toBe(507)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_TABLE_FULL')
  })

  it('a name the target rejects → 400 with its code and message', async () => {
    const { fake, url } = await start()
    const res = await fetch(`${url}/v1/breakers/${'x'.repeat(200)}/force-open`, { method: 'POST' })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('ERR_INVALID_BREAKER_NAME')
    expect(body.error.message).toMatch(/invalid breaker name/)
    expect(fake.calls).toEqual([])
  })

  it('an empty name reaches the target and is rejected → 400', async () => {
    const { url } = await start()
    const res = await fetch(`${url}/v1/breakers//reset`, { method: 'POST' })
    expect(res.status).toBe(400)
  })

  it('malformed percent-encoding, bad JSON and a non-string reason → 400', async () => {
    const { fake, url } = await start()
    const enc = await fetch(`${url}/v1/breakers/%E0%A4%A/reset`, { method: 'POST' })
    expect(enc.status).toBe(400)
    const json = await fetch(`${url}/v1/breakers/a/force-open`, { method: 'POST', body: '{nope' })
    expect(json.status).toBe(400)
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('ERR_BAD_REQUEST')
    const reason = await fetch(`${url}/v1/breakers/a/force-open`, { method: 'POST', body: '{"reason":5}' })
    expect(reason.status).toBe(400)
    const array = await fetch(`${url}/v1/breakers/a/force-open`, { method: 'POST', body: '[]' })
    expect(array.status).toBe(400)
    expect(fake.calls).toEqual([])
  })

  it('a target RangeError is a 400, any other target error a 500, and the server keeps serving', async () => {
    const fake = fakeTarget()
    fake.target.forceOpen = () => {
      throw new RangeError('reason must be at most 256 chars')
    }
    fake.target.reset = () => {
      throw new Error('boom')
    }
    const { url } = await start(fake)
    const range = await fetch(`${url}/v1/breakers/a/force-open`, { method: 'POST' })
    expect(range.status).toBe(400)
    expect(await range.json()).toEqual({ error: { code: 'ERR_INVALID_ARGUMENT', message: 'reason must be at most 256 chars' } })
    const internal = await fetch(`${url}/v1/breakers/a/reset`, { method: 'POST' })
    expect(internal.status).toBe(500)
    expect(await internal.json()).toEqual({ error: { code: 'ERR_INTERNAL', message: 'boom' } })
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
  })

  it('unknown routes → 404, wrong methods → 405 with Allow', async () => {
    const { url } = await start()
    for (const path of ['/index.html', '/v1', '/v1/view/', '/v2/view', '/v1/breakers/a/explode', '/v1/breakers/a']) {
      const res = await fetch(`${url}${path}`, { method: 'POST' })
      expect(res.status, path).toBe(404)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_NOT_FOUND')
    }
    const post = await fetch(`${url}/v1/view`, { method: 'POST' })
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    const get = await fetch(`${url}/v1/breakers/a/reset`)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    const del = await fetch(`${url}/metrics`, { method: 'DELETE' })
    expect(del.status).toBe(405)
  })

  it('a body over the limit → 413, by Content-Length or while streaming chunks', async () => {
    const { fake, url } = await start(undefined, { maxBodyBytes: 1024 })
    const declared = await raw(`${url}/v1/breakers/a/force-open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': '2000' },
      chunks: [`{"reason":"${'x'.repeat(1986)}"}`],
    })
    expect(declared.status).toBe(413)
    expect(JSON.parse(declared.body)).toMatchObject({ error: { code: 'ERR_BODY_TOO_LARGE' } })
    const chunked = await raw(`${url}/v1/breakers/a/force-open`, {
      method: 'POST',
      chunks: ['{"reason":"', 'y'.repeat(700), 'y'.repeat(700), '"}'],
    })
    expect(chunked.status).toBe(413)
    expect(fake.calls).toEqual([])
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
  })

  it('refuses requests from browsers (Origin header) with 403', async () => {
    const { fake, url } = await start()
    const res = await raw(`${url}/v1/breakers/a/force-open`, { method: 'POST', headers: { origin: 'http://evil.example' } })
    expect(res.status).toBe(403)
    expect(fake.calls).toEqual([])
  })

  it('survives garbage on the socket', async () => {
    const { url } = await start()
    const { connect } = await import('node:net')
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(server?.port ?? 0, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'))
      let data = ''
      socket.on('data', (c) => (data += c.toString()))
      socket.on('end', () => resolve(data))
      socket.on('error', reject)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 400/)
    expect((await fetch(`${url}/healthz`)).status).toBe(200)
  })

  it('GET /v1/events streams MeshEvents as SSE and unsubscribes when the client leaves', async () => {
    const { fake, url } = await start()
    const controller = new AbortController()
    const res = await fetch(`${url}/v1/events`, { signal: controller.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    const readUntil = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read()
        if (done) throw new Error(`stream ended before ${needle}`)
        text += value
      }
    }
    await readUntil(': connected')
    expect(fake.listeners.size).toBe(1)

    const event: MeshEvent = {
      type: 'breaker',
      name: 'payments-api',
      state: 'open',
      previous: 'closed',
      override: null,
      reason: 'failure rate 63%',
      origin: PEER,
      local: true,
      concurrent: false,
      at: 1_700_000_000_123,
    }
    fake.emit(event)
    fake.emit({ type: 'member', id: PEER2, name: 'n2', status: 'dead', previous: 'suspect', incarnation: 3, at: 5 })
    await readUntil('"status":"dead"')
    expect(text).toContain(`event: breaker\ndata: ${JSON.stringify(event)}\n\n`)
    expect(text).toMatch(/event: member\ndata: \{[^\n]*"id":"12D3KooWQb2z/)

    controller.abort()
    await waitFor(() => fake.listeners.size === 0, 'unsubscribe')
  })

  it('sends heartbeat comments on idle streams', async () => {
    const { url } = await start(undefined, { heartbeatMs: 20 })
    const controller = new AbortController()
    const res = await fetch(`${url}/v1/events`, { signal: controller.signal })
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    while (!text.includes(': heartbeat\n\n')) {
      const { value, done } = await reader.read()
      if (done) break
      text += value
    }
    expect(text).toContain(': heartbeat\n\n')
    controller.abort()
  })

  it('close() ends open event streams and stops listening', async () => {
    const { fake, url } = await start()
    const res = await fetch(`${url}/v1/events`)
    const reader = res.body!.getReader()
    await reader.read()
    await server?.close()
    // The stream ends (done) rather than hanging.
    for (;;) {
      const { done } = await reader.read()
      if (done) break
    }
    expect(fake.listeners.size).toBe(0)
    await expect(fetch(`${url}/healthz`)).rejects.toThrow()
    await server?.close() // idempotent
  })

  it('GET /metrics reports breaker, member and gossip metrics from the target', async () => {
    const { fake, url } = await start()
    const res = await fetch(`${url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    const expected = [
      'breaker_mesh_breaker_state{breaker="payments-api",state="open"} 1',
      'breaker_mesh_breaker_state{breaker="payments-api",state="closed"} 0',
      'breaker_mesh_breaker_state{breaker="payments-api",state="half-open"} 0',
      'breaker_mesh_breaker_transitions_total{breaker="payments-api"} 4',
      'breaker_mesh_calls_total{breaker="payments-api",result="ok"} 15',
      'breaker_mesh_calls_total{breaker="payments-api",result="failure"} 26',
      'breaker_mesh_rejections_total{breaker="payments-api"} 9',
      'breaker_mesh_members{status="alive"} 1',
      'breaker_mesh_members{status="suspect"} 1',
      'breaker_mesh_members{status="dead"} 0',
      'breaker_mesh_members{status="left"} 0',
      'breaker_mesh_gossip_messages_total{direction="in"} 120',
      'breaker_mesh_gossip_messages_total{direction="out"} 80',
      'breaker_mesh_gossip_dropped_total{reason="bad-version"} 2',
      'breaker_mesh_gossip_bytes_total{direction="in"} 5000',
      'breaker_mesh_gossip_bytes_total{direction="out"} 3000',
      'breaker_mesh_conflicts_total 1',
      'breaker_mesh_propagation_age_seconds 0.012',
      // From the view's window (41 calls, 26 failed) and override when stats do not carry them.
      'breaker_mesh_breaker_window_calls{breaker="payments-api"} 41',
      `breaker_mesh_breaker_failure_ratio{breaker="payments-api"} ${26 / 41}`,
      'breaker_mesh_breaker_slow_call_ratio{breaker="payments-api"} 0',
      'breaker_mesh_breaker_override{breaker="payments-api",override="forced-open"} 0',
      '# TYPE breaker_mesh_calls_total counter',
      '# TYPE breaker_mesh_breaker_state gauge',
    ]
    const lines = text.split('\n')
    for (const line of expected) expect(lines, line).toContain(line)

    // Collect-on-scrape: the next scrape reflects the target's new numbers, not a sum.
    fake.stats.breakers[0]!.callsOk = 16
    fake.stats.lastPropagationAgeMs = null
    fake.stats.breakers[0]!.state = 'half-open'
    fake.view.breakers[0]!.override = 'forced-open'
    const again = (await (await fetch(`${url}/metrics`)).text()).split('\n')
    expect(again).toContain('breaker_mesh_calls_total{breaker="payments-api",result="ok"} 16')
    expect(again).toContain('breaker_mesh_breaker_state{breaker="payments-api",state="half-open"} 1')
    expect(again).toContain('breaker_mesh_breaker_state{breaker="payments-api",state="open"} 0')
    expect(again).toContain('breaker_mesh_breaker_override{breaker="payments-api",override="forced-open"} 1')
    // 0, never NaN, until a remote record arrives.
    expect(again).toContain('breaker_mesh_propagation_age_seconds 0')
  })

  it('includes default process metrics unless disabled', async () => {
    const fake = fakeTarget()
    server = await startAdminServer(fake.target, { host: '127.0.0.1', port: 0 })
    const text = await (await fetch(`${server.url}/metrics`)).text()
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m)
    expect(text).toContain('breaker_mesh_conflicts_total 1')
  })

  it('validates options with RangeError naming the field', async () => {
    const { target } = fakeTarget()
    await expect(startAdminServer(target, { host: '127.0.0.1', port: 70000 })).rejects.toThrow(/port.*70000/)
    await expect(startAdminServer(target, { host: '', port: 0 })).rejects.toThrow(RangeError)
    await expect(startAdminServer(target, { host: '127.0.0.1', port: 0, heartbeatMs: 0 })).rejects.toThrow(/heartbeatMs.*0/)
    await expect(startAdminServer(target, { host: '127.0.0.1', port: 0, maxBodyBytes: -1 })).rejects.toThrow(/maxBodyBytes/)
  })

  it('rejects when the port is taken', async () => {
    const { fake } = await start()
    await expect(
      startAdminServer(fake.target, { host: '127.0.0.1', port: server?.port ?? 0, processMetrics: false }),
    ).rejects.toMatchObject({ code: 'EADDRINUSE' })
  })
})
