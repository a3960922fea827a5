import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { resolveSwimConfig, suspicionTimeout } from '@breaker-mesh/core'
import { pollUntil } from '../../scripts/lib/poll.mjs'
import { killAll, spawnFleet, spawnNode, waitFullMembership } from '../helpers/processFleet.js'
import type { NodeProcess } from '../helpers/processFleet.js'
import { SCENARIO_BREAKER } from './ScenarioFleet.js'
import type { CallResult, ScenarioFleet, ScenarioView, Upstream } from './ScenarioFleet.js'

/** A real HTTP dependency on 127.0.0.1 that counts requests; slow enough that a trial call is still in flight while the other nodes are answered. */
class HttpUpstream implements Upstream {
  hits = 0
  healthy = true
  url = ''
  private server: Server | undefined

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.hits++
      setTimeout(() => {
        res.writeHead(this.healthy ? 200 : 503, { 'content-type': 'text/plain', connection: 'close' })
        res.end(this.healthy ? 'ok' : 'down')
      }, 100)
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`
  }

  setHealthy(healthy: boolean): void {
    this.healthy = healthy
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}

/** `size` real breaker-mesh processes on 127.0.0.1 with the `local` SWIM profile. */
export async function processFleet(size: number): Promise<ScenarioFleet> {
  const upstream = new HttpUpstream()
  await upstream.start()
  const base = { profile: 'local' as const, breakers: { dep: SCENARIO_BREAKER } }
  const nodes: NodeProcess[] = await spawnFleet(size, base)
  const seed = nodes[0]!.hostPort
  // Wait until every node knows every other as a live member (alive, or suspect while
  // it refutes on a loaded machine), so each scenario starts from an agreed view.
  await waitFullMembership(nodes, { timeoutMs: 30_000, allowSuspect: true })

  const swim = resolveSwimConfig('local')
  const suspicion = suspicionTimeout(swim.suspicionMult, size, swim.probeIntervalMs)
  const node = (i: number) => {
    const n = nodes[i]
    if (!n) throw new Error(`no node ${i}`)
    return n
  }

  return {
    label: 'libp2p processes',
    // Round-robin reaches the victim within (N−1) intervals at worst; then the probe,
    // the suspicion timeout, and dissemination; plus slack for a loaded 2-core machine.
    bounds: {
      deadMs: (size + 2) * swim.probeIntervalMs + suspicion + 3000,
      leftMs: 3000,
      propagateMs: 3000,
    },
    upstream,
    size: () => nodes.length,
    id: (i) => node(i).id,
    async callMany(i, name, n, ok) {
      const r = await node(i).command<{ counts: { ok: number; failed: number; rejected: number } }>({ cmd: 'callMany', breaker: name, n, ok })
      return r.counts
    },
    async call(i, name) {
      const r = await node(i).command<{ result: CallResult }>({ cmd: 'call', breaker: name, url: upstream.url })
      return r.result
    },
    async view(i) {
      return (await node(i).command<{ view: ScenarioView }>({ cmd: 'view' })).view
    },
    async changedAt(i, name, state) {
      // Each process stamps its events with a high-resolution epoch time (one machine, one clock).
      const e = node(i).events.findLast((ev) => ev.event === 'breaker' && ev.name === name && ev.state === state)
      return e?.t
    },
    async forceOpen(i, name) {
      await node(i).command({ cmd: 'force-open', name })
    },
    async forceClose(i, name) {
      await node(i).command({ cmd: 'force-close', name })
    },
    async concurrently(ops) {
      // Commands are written to every process in the same tick; each applies its own
      // before any gossip from the others can arrive (≥ 1 ms away).
      await Promise.all(ops.map((op) => op()))
    },
    async kill(i) {
      await node(i).kill('SIGKILL')
    },
    async stop(i) {
      await node(i).kill('SIGTERM')
    },
    async add() {
      const fresh = await spawnNode({ ...base, name: `n${nodes.length + 1}`, join: [seed] })
      nodes.push(fresh)
      return nodes.length - 1
    },
    async waitFor(check, timeoutMs, what) {
      const started = performance.now()
      await pollUntil(check, { timeoutMs, intervalMs: 25, what })
      return performance.now() - started
    },
    async close() {
      await killAll()
      await upstream.stop()
    },
  }
}
