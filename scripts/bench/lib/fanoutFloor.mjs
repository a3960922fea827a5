// The machine's floor for propagating one change to N processes: N plain
// processes (scripts/bench/fixtures/fanout-node.mjs), each with a TCP
// connection to every other; one writes a 100-byte frame to every peer and
// the time until the last peer has read it is one sample. Measured in the same
// run and at the same N as a fleet, so propagation can be stated as a ratio.
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { killChild, spawnTracked } from '../../lib/children.mjs'
import { pollUntil } from '../../lib/poll.mjs'

const FIXTURE = fileURLToPath(new URL('../fixtures/fanout-node.mjs', import.meta.url))

class FanoutNode {
  constructor(onRecv) {
    this.child = spawnTracked(process.execPath, [FIXTURE], { stdio: ['pipe', 'pipe', 'inherit'] })
    this.waiting = new Map()
    this.next = 1
    this.ready = new Promise((resolve, reject) => {
      this.child.once('exit', (code) => reject(new Error(`fanout node exited ${code}`)))
      createInterface({ input: this.child.stdout }).on('line', (line) => {
        const msg = JSON.parse(line)
        if (msg.event === 'ready') {
          this.port = msg.port
          resolve()
        } else if (msg.event === 'recv') onRecv(this, msg)
        else if (msg.reply !== undefined) {
          this.waiting.get(msg.reply)?.(msg)
          this.waiting.delete(msg.reply)
        }
      })
    })
  }

  command(cmd) {
    const id = this.next++
    return new Promise((resolve) => {
      this.waiting.set(id, resolve)
      this.child.stdin.write(JSON.stringify({ ...cmd, id }) + '\n')
    })
  }
}

/**
 * RSS (bytes) of a bare Node process holding a listening TCP server and one
 * connection: what any networked service costs before breaker-mesh.
 */
export async function bareProcessRss() {
  const a = new FanoutNode(() => {})
  const b = new FanoutNode(() => {})
  try {
    await Promise.all([a.ready, b.ready])
    await a.command({ cmd: 'connect', ports: [b.port] })
    await new Promise((r) => setTimeout(r, 1000))
    return (await a.command({ cmd: 'usage' })).rss
  } finally {
    killChild(a.child)
    killChild(b.child)
  }
}

/**
 * `trials` samples (ms) of "last of n − 1 peers has the frame", origins in
 * rotation, after `warmup` unrecorded trials. Every process is killed before
 * it returns.
 */
export async function measureFanoutFloor(n, { trials, warmup = 3, signal, timeoutMs = 10_000 } = {}) {
  const received = new Map() // trial → Map(node → t)
  const nodes = Array.from({ length: n }, () => new FanoutNode((node, msg) => received.get(msg.id)?.set(node, msg.t)))
  try {
    await Promise.all(nodes.map((x) => x.ready))
    await Promise.all(nodes.map((x) => x.command({ cmd: 'connect', ports: nodes.filter((y) => y !== x).map((y) => y.port) })))
    const samples = []
    for (let i = 0; i < warmup + trials; i++) {
      const origin = nodes[i % n]
      const got = new Map()
      received.set(i, got)
      const { t } = await origin.command({ cmd: 'send', trial: i })
      await pollUntil(() => got.size === n - 1, { timeoutMs, intervalMs: 1, what: `the floor frame on ${n - 1} peers`, signal })
      if (i >= warmup) samples.push(Math.max(...got.values()) - t)
      received.delete(i)
    }
    return samples
  } finally {
    for (const x of nodes) killChild(x.child)
  }
}
