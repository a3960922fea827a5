// A fleet of real breaker-mesh processes on 127.0.0.1: libp2p over loopback TCP,
// the 'local' SWIM profile unless told otherwise, mDNS off, every node joined
// to the first one through a host:port seed. Each node is a MeshProcess
// (scripts/lib/MeshProcess.mjs) running fixtures/bench-node.mjs.
import { fileURLToPath } from 'node:url'
import { MeshProcess } from '../../lib/MeshProcess.mjs'
import { hrNow } from '../../lib/hrNow.mjs'
import { WaitAbortedError, pollUntil } from '../../lib/poll.mjs'

const BENCH_NODE = fileURLToPath(new URL('../fixtures/bench-node.mjs', import.meta.url))

let fleets = 0

export class Fleet {
  /**
   * @param {object} o
   * @param {string} o.label     used in the fleet name (kept apart from other fleets on the host)
   * @param {'local'|'lan'} [o.profile]
   * @param {string[]} [o.events] event types the nodes print ('breaker', 'member')
   * @param {number} [o.concurrency] nodes started at once (each start costs ~1 s of CPU)
   * @param {string} [o.host] listen address
   * @param {(text: string) => void} [o.log]
   * @param {AbortSignal} [o.signal] the suite's: once aborted, no node is started and every wait gives up
   * @param {string[]} [o.nodeFlags] extra Node flags for every node (e.g. --cpu-prof when investigating)
   */
  constructor({ label, profile = 'local', events = ['breaker', 'member'], concurrency = 3, host = '127.0.0.1', log = () => {}, signal, nodeFlags = [] }) {
    this.nodeFlags = nodeFlags
    this.fleet = `bench-${label}-${process.pid}-${++fleets}`
    this.profile = profile
    this.events = events
    this.concurrency = concurrency
    this.host = host
    this.log = log
    this.signal = signal
    this.nodes = []
    this.listeners = new Set()
    this.started = 0
  }

  /** Subscribe to every event line of every node; returns an unsubscribe function. */
  onEvent(listener) {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Nodes still running. */
  get live() {
    return this.nodes.filter((n) => !n.exited && !n.killed)
  }

  config(join, extra = {}) {
    return {
      fleet: this.fleet,
      listen: `${this.host}:0`,
      join,
      mdns: false,
      profile: this.profile,
      bench: { events: this.events },
      ...extra,
    }
  }

  /**
   * Spawn one node joined to `seed` (a node of this fleet) or to nothing; resolves
   * with it (a MeshProcess) when createMesh() resolved in it. Events are passed to
   * the listeners, not kept. `node.killed = true` takes a node out of `live` at once.
   */
  async spawn(seed, { timeoutMs = 30_000, extra } = {}) {
    if (this.signal?.aborted) throw new WaitAbortedError('a node to start')
    const name = `n${++this.started}`
    const node = new MeshProcess(name, BENCH_NODE, { ...this.config(seed ? [seed.hostPort] : [], extra), name }, {
      execArgv: this.nodeFlags,
      keepEvents: false,
      onEvent: (msg, n) => {
        for (const l of this.listeners) l(n, msg)
      },
    })
    this.nodes.push(node)
    await node.whenReady(timeoutMs)
    return node
  }

  /** Start `size` nodes (the first is the seed of all others) and wait until every node sees all of them alive. */
  async start(size, { timeoutMs = 60_000 + size * 4000 } = {}) {
    this.size = size
    const t0 = Date.now()
    const seed = await this.spawn(null)
    let next = 1
    const worker = async () => {
      while (next < size) {
        next++
        await this.spawn(seed)
      }
    }
    await Promise.all(Array.from({ length: Math.min(this.concurrency, size - 1) }, worker))
    const spawned = Date.now()
    await this.waitMembership({ timeoutMs: Math.max(10_000, timeoutMs - (Date.now() - t0)) })
    this.log(`fleet of ${size} up in ${((Date.now() - t0) / 1000).toFixed(1)} s (processes ready after ${((spawned - t0) / 1000).toFixed(1)} s, then full membership)`)
    return this
  }

  /** Change which events the nodes print (and new nodes will print). */
  async setEvents(types) {
    this.events = types
    await this.all({ cmd: 'events', types })
  }

  /** Hand the fleet to another suite: its signal and log from now on, no listeners. */
  adopt({ signal, log }) {
    this.signal = signal
    this.log = log
    this.listeners.clear()
  }

  /** The child processes of the live nodes. */
  children() {
    return this.live.map((n) => n.child)
  }

  /** Wait until every live node lists every live node (itself included) as alive. */
  async waitMembership({ timeoutMs = 30_000, nodes = this.live } = {}) {
    const ids = new Set(nodes.map((n) => n.id))
    let missing = ''
    await pollUntil(
      async () => {
        const views = await Promise.all(nodes.map((n) => n.command({ cmd: 'members' })))
        const short = views.map((v, i) => {
          const alive = new Set(v.members.filter((m) => m.status === 'alive').map((m) => m.id))
          return [...ids].filter((id) => !alive.has(id)).length === 0 ? '' : `${nodes[i].name} sees ${alive.size}/${ids.size}`
        })
        missing = short.filter(Boolean).slice(0, 5).join('; ')
        return missing === ''
      },
      { timeoutMs, intervalMs: 200, what: `full membership of ${ids.size} nodes`, describe: () => missing, signal: this.signal },
    )
  }

  /** Ask every live node (or `nodes`) for `cmd`; resolves with the replies in order. */
  all(cmd, { nodes = this.live, timeoutMs } = {}) {
    return Promise.all(nodes.map((n) => n.command(cmd, timeoutMs)))
  }

  /**
   * Wait until every live node holds the same table (same fingerprint) and, if
   * given, `size` records. Resolves with the epoch ms of the poll that saw it.
   */
  async waitIdenticalTables({ timeoutMs = 30_000, intervalMs = 25, size } = {}) {
    let last = ''
    return pollUntil(
      async () => {
        const replies = await this.all({ cmd: 'summary' })
        const t = hrNow()
        const prints = new Set(replies.map((r) => r.fingerprint))
        last = `${prints.size} distinct tables, sizes ${[...new Set(replies.map((r) => r.size))].join('/')}`
        if (prints.size !== 1) return false
        if (size !== undefined && replies[0].size !== size) return false
        return t
      },
      { timeoutMs, intervalMs, what: 'identical tables on every node', describe: () => last, signal: this.signal },
    )
  }

  /** Stop every node gracefully (in parallel), SIGKILL any that lingers. */
  async stop() {
    await Promise.all(this.nodes.map((n) => n.stop().catch(() => {})))
    this.listeners.clear()
  }
}
