// One fleet member process (fixtures/bench-node.mjs), driven over stdin/stdout.
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { killChild, spawnTracked } from './children.mjs'

const FIXTURE = fileURLToPath(new URL('../fixtures/bench-node.mjs', import.meta.url))

/** Epoch ms with sub-ms resolution, comparable with the `t` the nodes print. */
export const hrNow = () => performance.timeOrigin + performance.now()

export class BenchNode {
  /**
   * Start a node. `config` is createMesh options plus `bench` (see the fixture).
   * `onEvent(node, event)` sees every event line; `ready` resolves once
   * createMesh() resolved in the child, and rejects if it exits first.
   */
  constructor(name, config, { onEvent, env = {}, nodeFlags = [] } = {}) {
    this.name = name
    this.id = ''
    this.addrs = []
    this.exited = false
    this.readyEvent = null
    this.startingEvent = null
    this.spawnedAt = hrNow()
    this.nextId = 1
    this.waiting = new Map()
    this.stderr = []
    this.onEvent = onEvent
    this.child = spawnTracked(process.execPath, [...nodeFlags, FIXTURE, JSON.stringify({ ...config, name })], {
      env: { ...process.env, ...env },
    })
    let onReady
    let onFail
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve
      onFail = reject
    })
    this.ready.catch(() => {}) // observed by whoever awaits it; never unhandled
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let msg
      try {
        msg = JSON.parse(line)
      } catch {
        return
      }
      if (typeof msg.reply === 'number') {
        this.waiting.get(msg.reply)?.(msg)
        this.waiting.delete(msg.reply)
        return
      }
      if (msg.event === 'starting') this.startingEvent = msg
      if (msg.event === 'ready') {
        this.readyEvent = msg
        this.id = msg.id
        this.addrs = msg.addrs
        onReady(this)
      }
      this.onEvent?.(this, msg)
    })
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderr.push(line)
      if (this.stderr.length > 100) this.stderr.shift()
    })
    this.child.once('exit', (code, signal) => {
      this.exited = true
      this.exitedAt = hrNow()
      onFail(new Error(`${name} exited (${code ?? signal}) before it was ready: ${this.stderr.slice(-20).join('\n')}`))
      for (const resolve of this.waiting.values()) resolve({ error: `${name} exited` })
      this.waiting.clear()
    })
  }

  /** 'host:port' of this node's TCP listener on IPv4, for others to join. */
  get hostPort() {
    for (const a of this.addrs) {
      const m = /^\/ip4\/([^/]+)\/tcp\/(\d+)/.exec(a)
      if (m) return `${m[1]}:${m[2]}`
    }
    throw new Error(`${this.name} has no /ip4/…/tcp/… address (${this.addrs.join(', ')})`)
  }

  /** Send a command; resolves with the reply, rejects after `timeoutMs` or on an error reply. */
  command(cmd, timeoutMs = 15_000) {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`${this.name} has exited`))
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new Error(`${this.name}: no reply to ${cmd.cmd} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiting.set(id, (reply) => {
        clearTimeout(timer)
        if (reply.error) reject(new Error(`${this.name}: ${cmd.cmd}: ${reply.error}`))
        else resolve(reply)
      })
      this.child.stdin.write(JSON.stringify({ ...cmd, id }) + '\n')
    })
  }

  /** SIGKILL, no goodbye. Resolves with the epoch ms just before the signal was sent. */
  kill() {
    const t = hrNow()
    killChild(this.child, 'SIGKILL')
    return t
  }

  /** Graceful stop (mesh.stop()), then SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs = 3000) {
    if (this.exited) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    try {
      this.child.stdin.end()
    } catch {
      // already closed
    }
    let timer
    await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
    clearTimeout(timer)
    killChild(this.child, 'SIGKILL')
  }
}
