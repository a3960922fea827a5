import type { Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { startAdminServer } from './AdminServer.js'
import type { AdminServer, AdminServerOptions } from './AdminServer.js'
import { fakeAdminTarget, openSocket, rawExchange, sample, waitFor } from './fixtures/adminTestKit.js'
import { resolveAdminLimits } from './limits.js'

/** Dribble `text` one byte every `everyMs` until the server closes the socket; resolves with what it answered. */
function dribble(socket: Socket, text: string, everyMs: number): Promise<{ answer: string; sent: number }> {
  return new Promise((resolve) => {
    let answer = ''
    let sent = 0
    const timer = setInterval(() => {
      if (sent < text.length && socket.writable) socket.write(text[sent++] ?? '')
    }, everyMs)
    socket.on('data', (c: Buffer) => (answer += c.toString('utf8')))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(timer)
      resolve({ answer, sent })
    })
  })
}

async function scrape(server: AdminServer): Promise<string> {
  const res = await fetch(`${server.url}/metrics`)
  expect(res.status).toBe(200)
  return res.text()
}

describe('admin server limits', () => {
  let server: AdminServer | undefined
  const sockets: Socket[] = []
  const controllers: AbortController[] = []
  afterEach(async () => {
    for (const c of controllers.splice(0)) c.abort()
    for (const s of sockets.splice(0)) s.destroy()
    await server?.close()
    server = undefined
  })

  async function start(fake: ReturnType<typeof fakeAdminTarget>, extra: Partial<AdminServerOptions>): Promise<AdminServer> {
    server = await startAdminServer(fake.target, { host: '127.0.0.1', port: 0, processMetrics: false, ...extra })
    return server
  }

  async function socket(port: number): Promise<Socket> {
    const s = await openSocket(port)
    sockets.push(s)
    return s
  }

  it('drops slow-loris clients dribbling headers, and silent connections, with 408, counted', async () => {
    const s = await start(fakeAdminTarget(), { headersTimeoutMs: 200, requestTimeoutMs: 400 })
    const header = `GET /v1/view HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'a'.repeat(500)}\r\n\r\n`
    const dribblers = await Promise.all(Array.from({ length: 20 }, () => socket(s.port)))
    const silent = await socket(s.port)
    const silentClosed = new Promise<void>((resolve) => silent.on('close', () => resolve()))
    silent.resume() // flowing, so that the server's FIN is seen
    const results = await Promise.all(dribblers.map((d) => dribble(d, header, 10)))
    for (const { answer, sent } of results) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /)
      expect(sent).toBeLessThan(header.length) // cut off mid-headers, not served
    }
    await silentClosed
    const metrics = await scrape(s)
    expect(sample(metrics, 'breaker_mesh_admin_refused_total{reason="request-timeout"}')).toBe(21)
  })

  it('drops a client dribbling a request body after requestTimeoutMs; the action never runs', async () => {
    const fake = fakeAdminTarget()
    const s = await start(fake, { headersTimeoutMs: 100, requestTimeoutMs: 300 })
    const d = await socket(s.port)
    d.write('POST /v1/breakers/a/force-open HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n')
    const { answer } = await dribble(d, `{"reason":"${'x'.repeat(990)}"}`, 10)
    expect(answer).toMatch(/^HTTP\/1\.1 408 /)
    expect(fake.calls).toEqual([])
  })

  it('a client answered before its body arrived (401) and then too slow gets no 408 after that answer', async () => {
    const fake = fakeAdminTarget()
    const s = await start(fake, { headersTimeoutMs: 100, requestTimeoutMs: 300, token: 'tok-0123456789abcdef' })
    const answer = await rawExchange(
      s.port,
      'POST /v1/breakers/a/force-open HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"reason":',
    )
    expect(answer.status).toBe(401)
    expect(answer.text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 401'])
    expect(fake.calls).toEqual([])
  })

  it('an event stream outlives requestTimeoutMs and keeps delivering while a slow-loris client beside it is dropped', async () => {
    const fake = fakeAdminTarget()
    const requestTimeoutMs = 300
    const s = await start(fake, { headersTimeoutMs: 150, requestTimeoutMs, heartbeatMs: 50 })
    const controller = new AbortController()
    controllers.push(controller)
    const openedAt = Date.now()
    const res = await fetch(`${s.url}/v1/events`, { signal: controller.signal })
    expect(res.status).toBe(200)
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
    let text = ''
    let ended = false
    const pump = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
        if (done) break
        text += value
      }
      ended = true
    })()

    const loris = await socket(s.port)
    const dropped = dribble(loris, `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'p'.repeat(400)}\r\n\r\n`, 10)
    expect((await dropped).answer).toMatch(/^HTTP\/1\.1 408 /)
    // Well past the request timeout (and several checks by node) since the stream opened:
    await waitFor(() => Date.now() - openedAt > requestTimeoutMs * 3, 'three request timeouts to pass')
    expect(ended).toBe(false)
    fake.emit({ type: 'member', id: 'x', name: 'late', status: 'alive', previous: null, incarnation: 1, at: 1 })
    await waitFor(() => text.includes('"name":"late"') || ended, 'the late event')
    expect(ended).toBe(false)
    expect(text).toContain('"name":"late"')
    controller.abort()
    await pump
  })

  it('closes idle keep-alive connections after keepAliveTimeoutMs', async () => {
    const s = await start(fakeAdminTarget(), { keepAliveTimeoutMs: 100 })
    let answer: { status: number; text: string } | undefined
    // rawExchange resolves when the server closes the connection; node adds 1 s to the keep-alive timeout
    // (for clients racing it), and its default (5 s) would miss this deadline.
    void rawExchange(s.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n').then((a) => (answer = a))
    await waitFor(() => answer !== undefined, 'the server to close the idle connection', 4_000)
    expect(answer?.status).toBe(200)
    expect(answer?.text).toMatch(/keep-alive/i)
  })

  it('caps open connections: one more is closed on accept and counted', async () => {
    const s = await start(fakeAdminTarget(), { maxConnections: 3, maxEventStreams: 1, headersTimeoutMs: 60_000 })
    const held = [await socket(s.port), await socket(s.port), await socket(s.port)]
    await waitFor(async () => {
      const extra = await rawExchange(s.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n').catch(() => ({ status: 0 }))
      return extra.status === 0 // closed without an answer
    }, 'a refused connection')
    for (const h of held) h.destroy()
    // Once they are gone the server answers again, and the refusal was counted.
    let metrics = ''
    await waitFor(async () => {
      metrics = await fetch(`${s.url}/metrics`).then((r) => r.text()).catch(() => '')
      return metrics !== ''
    }, 'the server to accept again')
    expect(sample(metrics, 'breaker_mesh_admin_refused_total{reason="max-connections"}')).toBeGreaterThanOrEqual(1)
    expect(sample(metrics, 'breaker_mesh_admin_connections')).toBeGreaterThanOrEqual(1)
  })

  it('caps event streams: one more gets 503 with retry-after, counted; a freed slot is reused', async () => {
    const fake = fakeAdminTarget()
    const s = await start(fake, { maxEventStreams: 2 })
    const open = async (): Promise<Response> => {
      const controller = new AbortController()
      controllers.push(controller)
      const res = await fetch(`${s.url}/v1/events`, { signal: controller.signal })
      if (res.status === 200) await res.body!.getReader().read() // ': connected'
      return Object.assign(res, { abort: () => controller.abort() })
    }
    const first = (await open()) as Response & { abort(): void }
    const second = await open()
    expect([first.status, second.status]).toEqual([200, 200])
    const third = await open()
    expect(third.status).toBe(503)
    expect(third.headers.get('retry-after')).toBe('5')
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('ERR_TOO_MANY_EVENT_STREAMS')
    expect(fake.listeners.size).toBe(1) // one shared subscription for both streams

    let metrics = await scrape(s)
    expect(sample(metrics, 'breaker_mesh_admin_refused_total{reason="max-event-streams"}')).toBe(1)
    expect(sample(metrics, 'breaker_mesh_admin_event_streams')).toBe(2)

    first.abort()
    await waitFor(async () => sample(await scrape(s), 'breaker_mesh_admin_event_streams') === 1, 'the stream to close')
    expect((await open()).status).toBe(200)
    metrics = await scrape(s)
    expect(sample(metrics, 'breaker_mesh_admin_event_streams')).toBe(2)
  })

  it('each event is serialised once and reaches every stream', async () => {
    const fake = fakeAdminTarget()
    const s = await start(fake, {})
    const texts: string[] = []
    await Promise.all(
      [0, 1, 2].map(async (i) => {
        const controller = new AbortController()
        controllers.push(controller)
        const res = await fetch(`${s.url}/v1/events`, { signal: controller.signal })
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader()
        texts[i] = ''
        void (async () => {
          for (;;) {
            const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }))
            if (done) return
            texts[i] += value
          }
        })()
      }),
    )
    await waitFor(() => texts.every((t) => t.includes(': connected')), 'three streams')
    let serialised = 0
    const event = { type: 'member' as const, id: 'x', name: 'n9', status: 'dead' as const, previous: null, incarnation: 2, at: 3 }
    fake.emit({ ...event, toJSON: () => (serialised++, event) } as unknown as typeof event)
    await waitFor(() => texts.every((t) => t.includes('"name":"n9"')), 'the event on every stream')
    expect(serialised).toBe(1)
  })

  it('validates the limits with RangeError naming the field', () => {
    expect(() => resolveAdminLimits({ headersTimeoutMs: 0 })).toThrow(/headersTimeoutMs.*0/)
    expect(() => resolveAdminLimits({ headersTimeoutMs: 5000, requestTimeoutMs: 1000 })).toThrow(/requestTimeoutMs must be at least headersTimeoutMs/)
    expect(() => resolveAdminLimits({ keepAliveTimeoutMs: 1.5 })).toThrow(/keepAliveTimeoutMs/)
    expect(() => resolveAdminLimits({ maxConnections: 1 })).toThrow(/maxConnections.*1/)
    expect(() => resolveAdminLimits({ maxConnections: 10, maxEventStreams: 10 })).toThrow(/maxEventStreams must be an integer in 0\.\.9, got 10/)
    expect(() => resolveAdminLimits({ maxMetricsBreakers: -1 })).toThrow(/maxMetricsBreakers/)
    expect(resolveAdminLimits({})).toEqual({
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
      connectionsCheckingIntervalMs: 1000,
      maxConnections: 1024,
      maxEventStreams: 256,
      maxMetricsBreakers: 500,
    })
  })
})
