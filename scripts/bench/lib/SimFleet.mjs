// A fleet in Linux network namespaces, through scripts/simulate (root only):
// real `breaker-mesh start` processes, one per namespace, on a bridge, so that
// partitions and packet loss happen in the kernel. The bench drives the nodes
// through their admin HTTP API (`GET /v1/view`, `GET /v1/events`,
// `POST /v1/breakers/NAME/...`), reachable from the root namespace over the bridge.
import { execFile, execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { onExitCleanup } from './children.mjs'
import { ROOT } from './machine.mjs'

export const SIMULATE = join(ROOT, 'scripts', 'simulate')

/** Why a namespace fleet cannot run here, or null if it can. */
export function simUnavailable() {
  if (!existsSync(SIMULATE)) return 'scripts/simulate is not in the checkout'
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'network namespaces need root (CAP_NET_ADMIN); run the bench as root'
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  return null
}

export class SimFleet {
  /** `id`: BMSIM_ID (1..255), so the bench's fleet never collides with a demo or a test fleet. */
  constructor({ id, size, log = () => {} }) {
    this.id = id
    this.size = size
    this.log = log
    this.net = `10.213.${id}`
    this.env = { ...process.env, BMSIM_ID: String(id), BMSIM_STATE_DIR: `/tmp/bmsim-bench${id}` }
  }

  /** Run `scripts/simulate ARGS`; resolves with stdout, rejects with its stderr. */
  sim(args, timeoutMs = 60_000) {
    return new Promise((resolve, reject) => {
      execFile(SIMULATE, args, { env: this.env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`scripts/simulate ${args.join(' ')} failed: ${String(stderr || err.message).trim().slice(-600)}`))
        else resolve(stdout)
      })
    })
  }

  adminUrl(i) {
    return `http://${this.net}.${10 + i}:7947`
  }

  /** Bring the fleet up (tearing down any leftover of the same id first); `nodeArgs` go after `--`. */
  async up({ nodeArgs = [], timeoutMs = 240_000 } = {}) {
    await this.sim(['down'], 60_000).catch(() => {})
    // if the runner dies before down(), tear the namespaces down on its way out
    this.unregister = onExitCleanup(() => execFileSync(SIMULATE, ['down'], { env: this.env, stdio: 'ignore', timeout: 60_000 }))
    await this.sim(['up', String(this.size), '--rps', '0', ...(nodeArgs.length ? ['--', ...nodeArgs] : [])], timeoutMs)
  }

  /** Always safe, also when nothing is up. */
  async down() {
    await this.sim(['down'], 60_000).catch((err) => this.log(`down: ${err.message}`))
    this.unregister?.()
  }

  partition(...groups) {
    return this.sim(['partition', ...groups.map((g) => g.map((i) => `n${i}`).join(','))])
  }

  heal() {
    return this.sim(['heal'])
  }

  netem(args) {
    return this.sim(['netem', ...args])
  }

  /** One HTTP call to node i's admin API; resolves with the parsed JSON body. */
  http(i, method, path, timeoutMs = 10_000) {
    return new Promise((resolve, reject) => {
      const req = request(`${this.adminUrl(i)}${path}`, { method, timeout: timeoutMs }, (res) => {
        const chunks = []
        res.on('data', (c) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          if (res.statusCode >= 300) return reject(new Error(`n${i} ${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`))
          try {
            resolve(text ? JSON.parse(text) : null)
          } catch (err) {
            reject(err)
          }
        })
      })
      req.on('timeout', () => req.destroy(new Error(`n${i} ${method} ${path}: no answer within ${timeoutMs} ms`)))
      req.on('error', reject)
      req.end()
    })
  }

  view(i) {
    return this.http(i, 'GET', '/v1/view')
  }

  /** Apply `op` (force-open | force-close | reset) to each name on node i, `concurrency` requests at a time. */
  async writeMany(i, op, names, concurrency = 8) {
    let next = 0
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++]
        await this.http(i, 'POST', `/v1/breakers/${encodeURIComponent(name)}/${op}`)
      }
    }
    await Promise.all(Array.from({ length: concurrency }, worker))
  }

  /**
   * Follow node i's event stream (SSE). `onEvent(event)` gets each MeshEvent.
   * Returns a function that closes the stream.
   */
  follow(i, onEvent, onError = () => {}) {
    const req = request(`${this.adminUrl(i)}/v1/events`, { method: 'GET', headers: { accept: 'text/event-stream' } }, (res) => {
      let buffer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => {
        buffer += chunk
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n')
          if (!data) continue
          try {
            onEvent(JSON.parse(data))
          } catch {
            // a malformed event is not ours to judge here
          }
        }
      })
      res.on('error', onError)
    })
    req.on('error', onError)
    req.end()
    return () => req.destroy()
  }
}

/** A digest of a view's table: names, versions and effective state/override. Equal digests, equal tables. */
export function viewFingerprint(view) {
  const lines = view.breakers
    .map((b) => `${b.name}|${b.version.lamport}|${b.version.origin}|${b.state}|${b.override}`)
    .sort()
  return `${lines.length}:${createHash('sha1').update(lines.join('\n')).digest('hex')}`
}

/** Member statuses of a view by node name. */
export function statusesByName(view) {
  return Object.fromEntries(view.members.map((m) => [m.name, m.status]))
}
