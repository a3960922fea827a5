/**
 * The `quorum` decision on real processes: five `breaker-mesh start --decision
 * quorum` nodes, each calling its own URL path of one HTTP server through the
 * built-in workload (`--target URL --breaker dep --rps N`), with the default
 * trip rules (50 % failures over 10 s, at least 20 calls, 5 s cooldown).
 *
 * - Failures on one node's path only: that node is isolated (it fails fast on
 *   its own), the fleet stays closed and the other four keep calling.
 * - Failures on every path: all five open; after the cooldown one fleet-wide
 *   probe reaches the (recovered) server, and the fleet closes.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { MeshView } from '@breaker-mesh/mesh'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { observeFor, pollUntil } from '../../scripts/lib/poll.mjs'
import { CLI_BUILT, CliNode } from '../helpers/cliNode.js'

const FLEET = `quorum-${process.pid}`
const NAMES = ['n1', 'n2', 'n3', 'n4', 'n5'] as const
const RPS = 20
type ViewBreaker = MeshView['breakers'][number]

/** One HTTP server; each node calls GET /<its name>. A path answers 200, or 503 while failing. Every hit is kept with its time. */
class Upstream {
  readonly hits: Array<{ path: string; t: number; status: number }> = []
  private readonly failing = new Set<string>()
  private server!: Server
  url = ''

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').slice(1)
      const status = this.failing.has(path) ? 503 : 200
      this.hits.push({ path, t: Date.now(), status })
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'unavailable')
    })
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  fail(...paths: string[]): void {
    for (const p of paths) this.failing.add(p)
  }

  heal(): void {
    this.failing.clear()
  }

  count(path: string, from = 0, to = Infinity): number {
    return this.hits.filter((h) => h.path === path && h.t >= from && h.t <= to).length
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise((r) => this.server?.close(r))
  }
}

async function entry(node: CliNode): Promise<ViewBreaker | undefined> {
  const view = (await (await fetch(`${node.admin}/v1/view`)).json()) as MeshView
  return view.breakers.find((b) => b.name === 'dep')
}

describe.skipIf(!CLI_BUILT)('decision quorum on five CLI nodes (built-in workload, one HTTP server)', () => {
  const upstream = new Upstream()
  const nodes: CliNode[] = []
  const byName = new Map<string, CliNode>()

  beforeAll(async () => {
    await upstream.start()
    const start = (name: string, join?: string) =>
      CliNode.start(name, {
        fleet: FLEET,
        ...(join === undefined ? {} : { join }),
        args: ['--target', `${upstream.url}/${name}`, '--breaker', 'dep', '--rps', String(RPS), '--decision', 'quorum'],
      })
    const first = await start('n1')
    nodes.push(first)
    for (const name of NAMES.slice(1)) {
      const node = await start(name, first.addr)
      nodes.push(node)
    }
    for (const n of nodes) byName.set(n.name, n)
    // Every node counts all five opinions: each window holds at least minimumCalls (20) healthy calls.
    let last = ''
    await pollUntil(
      async () => {
        const entries = await Promise.all(nodes.map(entry))
        last = entries.map((e, i) => `${nodes[i]!.name}: ${JSON.stringify(e?.fleet)}`).join('; ')
        return entries.every((e) => e?.decision === 'quorum' && e.fleet.fresh === 5 && e.fleet.failing === 0)
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'five fresh healthy opinions on every node', describe: () => last },
    )
  })

  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.kill()))
    await upstream.close()
  })

  it("failures on one node's path only: that node is isolated, the other four stay closed and keep calling", async () => {
    const sick = byName.get('n5')!
    upstream.fail('n5')
    let last = ''
    await pollUntil(
      async () => {
        const e = await entry(sick)
        last = JSON.stringify(e && { isolated: e.isolated, fleet: e.fleet, state: e.state })
        return e?.isolated === true
      },
      { timeoutMs: 45_000, intervalMs: 250, what: 'n5 to be isolated', describe: () => last },
    )
    // Everyone hears n5's failing opinion; nobody opens the fleet.
    await pollUntil(async () => (await Promise.all(nodes.map(entry))).every((e) => e?.fleet.failing === 1), {
      timeoutMs: 15_000,
      what: 'one failing opinion on every node',
    })
    const from = Date.now()
    const sickBefore = upstream.count('n5', from)
    // For a few seconds: the fleet stays closed, the four healthy nodes are not isolated and their calls reach the server.
    const bad = await observeFor(
      3_000,
      async () => {
        const entries = await Promise.all(nodes.map(entry))
        return entries.filter((e, i) => e?.state !== 'closed' || e.isolated !== (nodes[i] === sick) || e.fleet.needed !== 3).length
      },
      { intervalMs: 500 },
    )
    expect(bad).toBe(0)
    const to = Date.now()
    for (const name of ['n1', 'n2', 'n3', 'n4']) expect(upstream.count(name, from, to), `${name} keeps calling`).toBeGreaterThan(RPS) // over ≥ 3 s at 20/s
    // n5 fails fast on its own: at most a trial call per cooldown reaches its path.
    expect(upstream.count('n5', from, to) - sickBefore).toBeLessThanOrEqual(2)
    const view = await entry(sick)
    expect(view).toMatchObject({ state: 'closed', decision: 'quorum', isolated: true, fleet: { failing: 1, fresh: 5, needed: 3, degraded: false } })
    expect(view!.opinions.find((o) => o.node === sick.id)).toMatchObject({ verdict: 'failing' })
    expect(view!.opinions.filter((o) => o.verdict === 'healthy')).toHaveLength(4)

    // Its path recovers: n5 rejoins through its own trial (the fleet never opened).
    upstream.heal()
    await pollUntil(async () => (await entry(sick))?.isolated === false, { timeoutMs: 30_000, what: 'n5 to rejoin' })
    await pollUntil(async () => (await Promise.all(nodes.map(entry))).every((e) => e?.fleet.failing === 0), { timeoutMs: 30_000, what: 'no failing opinion left' })
  })

  it('failures on every path: all five open, then one fleet-wide probe, then close', async () => {
    upstream.fail(...NAMES)
    let last = ''
    await pollUntil(
      async () => {
        const entries = await Promise.all(nodes.map(entry))
        last = entries.map((e, i) => `${nodes[i]!.name}: ${e?.state} ${JSON.stringify(e?.fleet)}`).join('; ')
        return entries.every((e) => e?.state === 'open')
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'every node to see dep open', describe: () => last },
    )
    const open = (await entry(nodes[0]!))!
    expect(open.reason).toMatch(/^\d of 5 members failing/)
    const openAt = Date.now()
    // The dependency recovers before the cooldown (5 s) ends; until then nothing reaches it.
    upstream.heal()
    const healedAt = Date.now()
    expect(upstream.hits.filter((h) => h.t > openAt && h.t < healedAt)).toEqual([])

    await pollUntil(async () => (await Promise.all(nodes.map(entry))).every((e) => e?.state === 'closed'), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'every node to see dep closed again',
    })
    // The close was written by the one prober, after its one trial call: the only hit between the recovery and the close.
    const closed = (await entry(nodes[0]!))!
    const prober = nodes.find((n) => n.id === closed.version.origin)
    expect(prober, 'the close was written by a fleet member').toBeDefined()
    expect(closed.reason).toMatch(/1 trial call succeeded/)
    const trials = upstream.hits.filter((h) => h.t >= healedAt && h.t <= closed.wallTime)
    expect(trials.map((h) => h.path)).toEqual([prober!.name])
  })
})
