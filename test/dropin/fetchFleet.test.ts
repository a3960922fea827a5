/**
 * breaker.fetch() on real processes: 503s from an HTTP upstream open the
 * breaker on one node and the whole fleet refuses; 404s count as nothing.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pollUntil } from '../../scripts/lib/poll.mjs'
import { killAll, spawnFleet } from '../helpers/processFleet.js'
import type { NodeProcess } from '../helpers/processFleet.js'

interface FetchReply {
  counts: Record<string, number>
  state: string
  window: { calls: number; failures: number; slow: number }
}

const BREAKERS = {
  payments: { failureRate: false, consecutiveFailures: 5, cooldownMs: 60_000 },
  catalog: { failureRate: false, consecutiveFailures: 5, cooldownMs: 60_000 },
}

describe('breaker.fetch across a fleet of processes', () => {
  let upstream: Server
  let base = ''
  let fleet: NodeProcess[] = []
  beforeAll(async () => {
    // GET /status/NNN answers NNN.
    upstream = createServer((req, res) => {
      const code = Number(/^\/status\/(\d{3})$/.exec(req.url ?? '')?.[1] ?? 500)
      res.writeHead(code, { 'content-type': 'text/plain' }).end(`status ${code}`)
    })
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`
    fleet = await spawnFleet(3, { breakers: BREAKERS })
  })
  afterAll(async () => {
    await killAll()
    upstream?.closeAllConnections()
    await new Promise((r) => upstream?.close(r))
  })

  const stateOn = async (node: NodeProcess, name: string): Promise<string | undefined> => {
    const { view } = await node.command<{ view: { breakers: Array<{ name: string; state: string }> } }>({ cmd: 'view' })
    return view.breakers.find((b) => b.name === name)?.state
  }

  it('503s count as failures: five open the breaker on n1, then on every node', async () => {
    const [n1, n2, n3] = fleet as [NodeProcess, NodeProcess, NodeProcess]
    const four = await n1.command<FetchReply>({ cmd: 'fetch', breaker: 'payments', url: `${base}/status/503`, n: 4 })
    expect(four.counts).toEqual({ 503: 4 })
    expect(four.window).toMatchObject({ calls: 4, failures: 4 })
    const fifth = await n1.command<FetchReply>({ cmd: 'fetch', breaker: 'payments', url: `${base}/status/503` })
    expect(fifth.counts).toEqual({ 503: 1 }) // the Response came back unchanged…
    expect(fifth.state).toBe('open') // …and it tripped the breaker
    await pollUntil(async () => (await stateOn(n2, 'payments')) === 'open' && (await stateOn(n3, 'payments')) === 'open', { timeoutMs: 15_000, what: 'n2 and n3 to see payments open' })
    // The fleet refuses: n2 and n3 never reach the (now healthy) upstream.
    const refused = await n2.command<FetchReply>({ cmd: 'fetch', breaker: 'payments', url: `${base}/status/200`, n: 3 })
    expect(refused.counts).toEqual({ rejected: 3 })
    expect((await n3.command<FetchReply>({ cmd: 'fetch', breaker: 'payments', url: `${base}/status/200` })).counts).toEqual({ rejected: 1 })
  })

  it('404s with the default settings count as successes: the breaker stays closed everywhere', async () => {
    const [n1, n2] = fleet as [NodeProcess, NodeProcess]
    const reply = await n1.command<FetchReply>({ cmd: 'fetch', breaker: 'catalog', url: `${base}/status/404`, n: 10 })
    expect(reply.counts).toEqual({ 404: 10 })
    expect(reply.window).toEqual({ calls: 10, failures: 0, slow: 0 })
    expect(reply.state).toBe('closed')
    expect(await stateOn(n2, 'catalog')).toBeUndefined() // never written: nothing to spread
    expect((await n2.command<FetchReply>({ cmd: 'fetch', breaker: 'catalog', url: `${base}/status/200` })).counts).toEqual({ 200: 1 })
  })
})
