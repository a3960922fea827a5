// A fleet in Linux network namespaces, seen from Node: the one driver of
// scripts/simulate for the tests (test/netns) and the bench (heal, loss). It runs
// the script, knows the fleet's addresses (plan.mjs), and reads and writes the
// nodes through their admin HTTP API (`GET /v1/view`, `GET /v1/events`,
// `POST /v1/breakers/NAME/...`), reachable from the root namespace over the bridge.
import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { onExitCleanup } from '../lib/children.mjs'
import { followEvents } from '../lib/followEvents.mjs'
import { MAX_NODES, netnsPlan } from './plan.mjs'

/** Absolute path of scripts/simulate. */
export const SIMULATE = fileURLToPath(new URL('../simulate', import.meta.url))

/**
 * Why this process cannot build namespace fleets, or null if it can: Linux,
 * root, an `ip` that lists network namespaces, and scripts/simulate present.
 * Synchronous, so a test can feed it to `describe.skipIf` at collection time.
 */
export function netnsUnavailable() {
  if (process.platform !== 'linux') return `network namespaces need Linux, this is ${process.platform}`
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) {
    return 'not root: creating namespaces, veths and routes needs CAP_NET_ADMIN (run as root)'
  }
  if (!existsSync(SIMULATE)) return 'scripts/simulate is not in the checkout'
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 })
  if (probe.error) return `'ip' (iproute2) is not usable: ${probe.error.message}`
  if (probe.status !== 0) return `'ip netns' is unavailable: ${probe.stderr.trim()}`
  return null
}

export class NetnsFleet {
  /**
   * @param {object} o
   * @param {number} o.id  BMSIM_ID (0..255): keeps this fleet apart from a demo's or another test's
   * @param {number} o.size  nodes, 1..100
   * @param {Record<string,string>} [o.env]  extra environment for scripts/simulate (BMSIM_CLI, BMSIM_STATE_DIR …)
   * @param {(text: string) => void} [o.log]
   */
  constructor({ id, size, env = {}, log = () => {} }) {
    this.plan = netnsPlan(id)
    if (!Number.isInteger(size) || size < 1 || size > MAX_NODES) throw new RangeError(`size must be an integer from 1 to ${MAX_NODES}, got ${JSON.stringify(size)}`)
    this.id = id
    this.size = size
    this.log = log
    this.env = { ...process.env, ...env, BMSIM_ID: String(id) }
    /** Where scripts/simulate keeps logs, pid files, the fleet key and the admin token. */
    this.stateDir = this.env.BMSIM_STATE_DIR || this.plan.stateDir
  }

  /** 1..size */
  get indexes() {
    return Array.from({ length: this.size }, (_, k) => k + 1)
  }

  ip(i) {
    return this.plan.ip(i)
  }

  /** host:port of node i's admin API. */
  admin(i) {
    return this.plan.admin(i)
  }

  adminUrl(i) {
    return `http://${this.plan.admin(i)}`
  }

  /** host:port of the flaky upstream on the bridge. */
  get upstream() {
    return this.plan.upstream
  }

  /** Run `scripts/simulate ARGS`; resolves with its exit code and output (never rejects on a non-zero exit). */
  run(args, { timeoutMs = 180_000 } = {}) {
    return new Promise((resolve, reject) => {
      execFile(SIMULATE, [...args], { env: this.env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 2 ** 20 }, (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') {
          reject(new Error(`scripts/simulate ${args.join(' ')} did not run to its end: ${err.message}\n${stderr}`))
          return
        }
        resolve({ code: err ? err.code : 0, stdout, stderr })
      })
    })
  }

  /** Like run(), but resolves with stdout only on exit 0, else rejects with the script's output. */
  async runOk(args, options) {
    const r = await this.run(args, options)
    if (r.code !== 0) throw new Error(`scripts/simulate ${args.join(' ')} exited ${r.code}: ${`${r.stderr}${r.stdout}`.trim().slice(-2000)}`)
    return r.stdout
  }

  /**
   * Bring the fleet up, tearing down any leftover of the same id first. `rps`:
   * the demo workload's calls per second (undefined: the script's default).
   * `nodeArgs` go after `--`. Until down(), the fleet is torn down if this process exits.
   */
  async up({ nodeArgs = [], rps, timeoutMs = 240_000 } = {}) {
    await this.run(['down'], { timeoutMs: 60_000 }).catch(() => {})
    this.unregister?.()
    this.unregister = onExitCleanup(() => execFileSync(SIMULATE, ['down'], { env: this.env, stdio: 'ignore', timeout: 60_000 }))
    const args = ['up', String(this.size)]
    if (rps !== undefined) args.push('--rps', String(rps))
    if (nodeArgs.length > 0) args.push('--', ...nodeArgs)
    return this.runOk(args, { timeoutMs })
  }

  /** Tear everything down. Always safe, also when nothing is up; never rejects. */
  async down() {
    const r = await this.run(['down'], { timeoutMs: 60_000 }).catch((err) => ({ code: -1, stderr: err.message }))
    if (r.code !== 0) this.log(`scripts/simulate down exited ${r.code}: ${r.stderr}`)
    this.unregister?.()
    this.unregister = undefined
  }

  /** Cut the fleet into `groups` of node indexes, e.g. partition([1, 2, 3], [4, 5]). */
  partition(...groups) {
    return this.runOk(['partition', ...groups.map((g) => g.map((i) => `n${i}`).join(','))])
  }

  heal() {
    return this.runOk(['heal'])
  }

  /** `scripts/simulate netem ARGS` (e.g. ['--loss', '5%'] or ['clear']). */
  netem(args) {
    return this.runOk(['netem', ...args])
  }

  /** The fleet's admin token (`up` writes it), for POSTs. */
  adminToken() {
    this.token ??= readFileSync(`${this.stateDir}/admin.token`, 'utf8').trim()
    return this.token
  }

  /** One call to node i's admin API; resolves with the parsed JSON body, rejects on an error status. */
  async http(i, method, path, timeoutMs = 10_000) {
    const headers = method === 'GET' ? {} : { authorization: `Bearer ${this.adminToken()}` }
    let res
    try {
      res = await fetch(`${this.adminUrl(i)}${path}`, { method, headers, signal: AbortSignal.timeout(timeoutMs) })
    } catch (err) {
      throw new Error(`n${i} ${method} ${path}: ${err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : err.message}`)
    }
    const text = await res.text()
    if (!res.ok) throw new Error(`n${i} ${method} ${path}: HTTP ${res.status} ${text.slice(0, 200)}`)
    return text ? JSON.parse(text) : null
  }

  /** Node i's view (GET /v1/view); rejects if it does not answer. */
  view(i, timeoutMs = 10_000) {
    return this.http(i, 'GET', '/v1/view', timeoutMs)
  }

  /** Views of the given nodes (default all), fetched in parallel; undefined where a node did not answer. */
  views(indexes = this.indexes, timeoutMs = 2_000) {
    return Promise.all(indexes.map((i) => this.view(i, timeoutMs).catch(() => undefined)))
  }

  /** True when every given node answers and lists every node of the fleet (by name, nI) alive. */
  async allAlive(indexes = this.indexes) {
    const views = await this.views(indexes)
    return views.every((v) => v !== undefined && this.indexes.every((j) => v.members.some((m) => m.name === `n${j}` && m.status === 'alive')))
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
   * Follow node i's event stream: `onEvent(event)` gets each MeshEvent,
   * `onError(err)` a broken or ended stream. Returns a function that closes it.
   */
  follow(i, onEvent, onError = () => {}) {
    const controller = new AbortController()
    followEvents(`${this.adminUrl(i)}/v1/events`, onEvent, { signal: controller.signal }).then(
      () => controller.signal.aborted || onError(new Error(`n${i}: the event stream ended`)),
      onError,
    )
    return () => controller.abort()
  }
}

/** Breaker `name` in a view, if the view holds it. */
export function breakerOf(view, name) {
  return view.breakers.find((b) => b.name === name)
}

/** A digest of a view's table: names, versions and effective state/override. Equal digests, equal tables. */
export function viewFingerprint(view) {
  const lines = view.breakers.map((b) => `${b.name}|${b.version.lamport}|${b.version.origin}|${b.state}|${b.override}`).sort()
  return `${lines.length}:${createHash('sha1').update(lines.join('\n')).digest('hex')}`
}
