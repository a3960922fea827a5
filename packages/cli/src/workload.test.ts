import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { closedPort } from '../test/fakeAdmin.js'
import { startWorkload } from './workload.js'
import type { Workload, WorkloadBreaker } from './workload.js'

/** A breaker that passes calls through, or refuses them like an open one. */
function fakeBreaker(): WorkloadBreaker & { open: boolean; executed: number } {
  return {
    open: false,
    executed: 0,
    execute<T>(fn: () => Promise<T>): Promise<T> {
      this.executed++
      if (this.open) return Promise.reject(Object.assign(new Error('breaker is open'), { code: 'ERR_BREAKER_OPEN' }))
      return fn()
    },
  }
}

async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe('startWorkload', () => {
  let server: Server | undefined
  let workload: Workload | undefined
  afterEach(async () => {
    await workload?.stop()
    workload = undefined
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    server = undefined
  })

  /** A target answering `status()` per request; `hang` leaves requests unanswered. */
  async function target(status: () => number | 'hang'): Promise<string> {
    server = createServer((_req, res) => {
      const s = status()
      if (s === 'hang') return
      res.writeHead(s)
      res.end('body')
    })
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/health`
  }

  it('GETs the URL through the breaker at no more than the rate, counting 2xx as ok', async () => {
    let hits = 0
    const url = await target(() => (hits++, 204))
    const breaker = fakeBreaker()
    const t0 = performance.now()
    workload = startWorkload({ breaker, url, rps: 50 })
    await until(() => (workload?.counts().ok ?? 0) >= 5, '5 ok calls', 20_000)
    const elapsed = performance.now() - t0
    const counts = workload.counts()
    expect(counts.sent).toBeLessThanOrEqual(Math.floor((elapsed * 50) / 1000) + 1)
    expect(breaker.executed).toBe(counts.sent)
    await workload.stop()
    const settled = workload.counts()
    // Every call settled; each ok one reached the server (on a loaded machine some may time out).
    expect(settled.ok + settled.failed + settled.rejected).toBe(settled.sent)
    expect(settled.ok).toBeLessThanOrEqual(hits)
    expect(hits).toBeLessThanOrEqual(settled.sent)
  })

  it('counts non-2xx answers as failures', async () => {
    const url = await target(() => 503)
    workload = startWorkload({ breaker: fakeBreaker(), url, rps: 200 })
    await until(() => (workload?.counts().failed ?? 0) >= 3, '3 failures')
    expect(workload.counts().ok).toBe(0)
  })

  it('counts network errors as failures', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/`
    workload = startWorkload({ breaker: fakeBreaker(), url, rps: 200 })
    await until(() => (workload?.counts().failed ?? 0) >= 3, '3 failures')
    expect(workload.counts().ok).toBe(0)
  })

  it('counts a timeout as a failure', async () => {
    const url = await target(() => 'hang')
    workload = startWorkload({ breaker: fakeBreaker(), url, rps: 50, timeoutMs: 30 })
    await until(() => (workload?.counts().failed ?? 0) >= 2, '2 timeouts')
    expect(workload.counts().ok).toBe(0)
    server?.closeAllConnections()
  })

  it('counts calls the breaker refuses as rejections', async () => {
    const url = await target(() => 200)
    const breaker = fakeBreaker()
    breaker.open = true
    workload = startWorkload({ breaker, url, rps: 200 })
    await until(() => (workload?.counts().rejected ?? 0) >= 3, '3 rejections')
    expect(workload.counts()).toMatchObject({ ok: 0, failed: 0 })
  })

  it('stop() stops issuing calls and waits for those in flight', async () => {
    const resolvers: Array<() => void> = []
    const fakeFetch = (() =>
      new Promise<Response>((resolve) => resolvers.push(() => resolve(new Response('ok', { status: 200 }))))) as typeof fetch
    workload = startWorkload({ breaker: fakeBreaker(), url: 'http://unused/', rps: 200, fetch: fakeFetch })
    await until(() => resolvers.length >= 2, 'two calls in flight')
    let stopped = false
    const stopping = workload.stop().then(() => (stopped = true))
    await new Promise((r) => setTimeout(r, 20))
    expect(stopped).toBe(false)
    const sent = workload.counts().sent
    resolvers.forEach((r) => r())
    await stopping
    const counts = workload.counts()
    expect(counts.sent).toBe(sent)
    expect(counts.ok).toBe(sent)
  })

  it('caps calls in flight when the target never answers and ignores timeouts', async () => {
    const pending: Array<() => void> = []
    const fakeFetch = (() =>
      new Promise<Response>((resolve) => pending.push(() => resolve(new Response(null, { status: 200 }))))) as typeof fetch
    // 200 rps × 10 ms timeout → at most 2 × 2 = 4 in flight.
    workload = startWorkload({ breaker: fakeBreaker(), url: 'http://unused/', rps: 200, timeoutMs: 10, fetch: fakeFetch })
    await until(() => (workload?.counts().skipped ?? 0) >= 3, 'skipped calls')
    expect(workload.counts().sent).toBe(4)
    expect(pending).toHaveLength(4)
    pending.forEach((r) => r())
  })

  it('logs a summary line per interval when given a log', async () => {
    const url = await target(() => 200)
    const lines: string[] = []
    workload = startWorkload({ breaker: fakeBreaker(), url, rps: 100, summaryEveryMs: 30, log: (l) => lines.push(l) })
    await until(() => lines.some((l) => !/ 0 ok/.test(l)), 'a summary with ok calls')
    expect(lines[0]).toMatch(/^workload http:\/\/127\.0\.0\.1:\d+\/health: \d+ sent, \d+ ok, 0 failed, 0 rejected, \d+ skipped in the last 0\.03s/)
  })

  it('validates its options with RangeError naming the field', () => {
    const breaker = fakeBreaker()
    expect(() => startWorkload({ breaker, url: 'http://x/', rps: 0 })).toThrow(/rps.*0/)
    expect(() => startWorkload({ breaker, url: 'http://x/', rps: 1, timeoutMs: 0 })).toThrow(/timeoutMs/)
    expect(() => startWorkload({ breaker, url: 'http://x/', rps: 1, summaryEveryMs: 1.5 })).toThrow(/summaryEveryMs/)
  })
})
