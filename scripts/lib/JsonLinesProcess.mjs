// The one driver for a Node child process that speaks JSON lines, as the node
// fixtures do (test/fixtures/mesh-node.mjs, scripts/bench/fixtures/bench-node.mjs,
// packages/mesh/src/p2p/fixtures/host-process.ts; their side is
// test/fixtures/commandLoop.mjs):
//   stdin   one command per line   {"id": 1, "cmd": "...", ...}
//   stdout  one object per line    {"reply": 1, ...}       the answer to command 1
//                                  {"reply": 1, "error": "..."}  command 1 failed
//                                  {"event": "ready", ...}  once, when the child is up
//                                  {"event": "...", ...}    anything else it reports
// Lines that are not JSON objects are ignored. The child is tracked
// (scripts/lib/children.mjs): it never outlives this process.
import { createInterface } from 'node:readline'
import { killChild, spawnTracked } from './children.mjs'
import { hrNow } from './hrNow.mjs'

/** A child process failed us; `code` says how (see the ERR_* constants below). */
export class ProcessError extends Error {
  constructor(code, message) {
    super(message)
    this.name = 'ProcessError'
    this.code = code
  }
}
/** The child exited before it answered or became ready. */
export const ERR_PROCESS_EXITED = 'ERR_PROCESS_EXITED'
/** No reply to a command, no ready event, or no matching event within the time allowed. */
export const ERR_PROCESS_TIMEOUT = 'ERR_PROCESS_TIMEOUT'
/** The child answered a command with an error. */
export const ERR_COMMAND_FAILED = 'ERR_COMMAND_FAILED'

export class JsonLinesProcess {
  #nextId = 1
  #waiting = new Map()
  #stderr = []
  #stderrLines
  #keepEvents
  #onEvent
  #wakers = new Set()
  #closed

  /**
   * Spawn `node [...execArgv] script [...args]`.
   * @param {string} name  for messages
   * @param {string} script  path of the child's script
   * @param {object} [o]
   * @param {string[]} [o.args]  after the script
   * @param {string[]} [o.execArgv]  Node flags (e.g. ['--import', 'tsx'])
   * @param {Record<string,string>} [o.env]  added to this process's environment
   * @param {boolean} [o.keepEvents]  keep every event in `events` (default true; off for chatty children)
   * @param {(event: object, proc: JsonLinesProcess) => void} [o.onEvent]  sees every event as it arrives
   * @param {number} [o.stderrLines]  how much stderr to keep for error messages (default 200 lines)
   */
  constructor(name, script, { args = [], execArgv = [], env, keepEvents = true, onEvent, stderrLines = 200 } = {}) {
    this.name = name
    /** Events received so far (if `keepEvents`), in order. */
    this.events = []
    /** The `ready` event, once it came. */
    this.readyEvent = null
    this.exited = false
    /** Exit code, or the signal's name, once exited. */
    this.exitStatus = null
    this.spawnedAt = hrNow()
    this.exitedAt = null
    this.#keepEvents = keepEvents
    this.#onEvent = onEvent
    this.#stderrLines = stderrLines
    this.child = spawnTracked(process.execPath, [...execArgv, script, ...args], { env: env === undefined ? process.env : { ...process.env, ...env } })

    let onReady
    let onFail
    /** Resolves with the ready event; rejects if the child exits first. */
    this.ready = new Promise((resolve, reject) => {
      onReady = resolve
      onFail = reject
    })
    this.ready.catch(() => {}) // observed by whoever awaits it; never unhandled

    createInterface({ input: this.child.stdout }).on('line', (line) => this.#onLine(line, onReady))
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.#stderr.push(line)
      if (this.#stderr.length > this.#stderrLines) this.#stderr.shift()
    })
    // 'close': the child exited and its output is read to the end, so a reply
    // written just before exiting is not mistaken for a missing one.
    this.#closed = new Promise((resolve) => {
      const finish = (status) => {
        if (this.exited) return
        this.exited = true
        this.exitStatus = status
        this.exitedAt = hrNow()
        onFail(new ProcessError(ERR_PROCESS_EXITED, `${name} exited (${status}) before it was ready${this.#tail()}`))
        for (const [id, w] of this.#waiting) {
          clearTimeout(w.timer)
          w.reject(new ProcessError(ERR_PROCESS_EXITED, `${name} exited (${status}) before it answered ${w.cmd}${this.#tail()}`))
          this.#waiting.delete(id)
        }
        this.#wake()
        resolve()
      }
      this.child.once('close', (code, signal) => finish(code ?? signal))
      this.child.once('error', (err) => finish(err.message))
    })
  }

  #onLine(line, onReady) {
    let msg
    try {
      msg = JSON.parse(line)
    } catch {
      return
    }
    if (msg === null || typeof msg !== 'object') return
    if (typeof msg.reply === 'number') {
      const w = this.#waiting.get(msg.reply)
      if (!w) return
      this.#waiting.delete(msg.reply)
      clearTimeout(w.timer)
      if (msg.error !== undefined) w.reject(new ProcessError(ERR_COMMAND_FAILED, `${this.name}: ${w.cmd}: ${msg.error}`))
      else w.resolve(msg)
      return
    }
    if (typeof msg.event !== 'string') return
    if (this.#keepEvents) this.events.push(msg)
    if (msg.event === 'ready' && this.readyEvent === null) {
      this.readyEvent = msg
      onReady(msg)
    }
    this.#onEvent?.(msg, this)
    this.#wake()
  }

  #wake() {
    for (const wake of this.#wakers) wake()
  }

  #tail(lines = 20) {
    const text = this.logs(lines)
    return text ? `; stderr:\n${text}` : ''
  }

  get pid() {
    return this.child.pid
  }

  /** The last `lines` lines the child wrote to stderr. */
  logs(lines = this.#stderrLines) {
    return this.#stderr.slice(-lines).join('\n')
  }

  /** The ready event; rejects if the child exits first or is not ready within `timeoutMs`. */
  whenReady(timeoutMs = 60_000) {
    let timer
    return Promise.race([
      this.ready,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new ProcessError(ERR_PROCESS_TIMEOUT, `${this.name} was not ready within ${timeoutMs} ms${this.#tail()}`)), timeoutMs)
      }),
    ]).finally(() => clearTimeout(timer))
  }

  /**
   * Send `cmd` (an object with a `cmd` field) and resolve with the reply.
   * Rejects with ProcessError: ERR_COMMAND_FAILED on an error reply,
   * ERR_PROCESS_TIMEOUT after `timeoutMs`, ERR_PROCESS_EXITED if the child is gone.
   */
  command(cmd, timeoutMs = 15_000) {
    const id = this.#nextId++
    const what = typeof cmd.cmd === 'string' ? cmd.cmd : JSON.stringify(cmd)
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new ProcessError(ERR_PROCESS_EXITED, `${this.name} has exited (${this.exitStatus}); cannot send ${what}`))
      const timer = setTimeout(() => {
        this.#waiting.delete(id)
        reject(new ProcessError(ERR_PROCESS_TIMEOUT, `${this.name}: no reply to ${what} within ${timeoutMs} ms${this.#tail()}`))
      }, timeoutMs)
      this.#waiting.set(id, { resolve, reject, timer, cmd: what })
      this.child.stdin.write(JSON.stringify({ ...cmd, id }) + '\n')
    })
  }

  /**
   * The first kept event from index `from` on that `match` accepts, waiting for
   * it up to `timeoutMs`; rejects if the child exits first. Needs `keepEvents`.
   */
  async waitForEvent(match, { timeoutMs = 15_000, from = 0 } = {}) {
    const deadline = performance.now() + timeoutMs
    let seen = from
    for (;;) {
      for (; seen < this.events.length; seen++) if (match(this.events[seen])) return this.events[seen]
      if (this.exited) throw new ProcessError(ERR_PROCESS_EXITED, `${this.name} exited (${this.exitStatus}) before the event awaited${this.#tail()}`)
      const left = deadline - performance.now()
      if (left <= 0) {
        const last = this.events.slice(-10).map((e) => JSON.stringify(e)).join('\n')
        throw new ProcessError(ERR_PROCESS_TIMEOUT, `${this.name}: no matching event within ${timeoutMs} ms; last events:\n${last}${this.#tail()}`)
      }
      await new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer)
          this.#wakers.delete(done)
          resolve()
        }
        const timer = setTimeout(done, left)
        this.#wakers.add(done)
      })
    }
  }

  /** Send `signal` (SIGKILL: a crash, no goodbye); resolves once the child has exited. */
  async kill(signal = 'SIGKILL') {
    if (!this.exited) killChild(this.child, signal)
    await this.#closed
  }

  /**
   * Graceful stop: close the child's stdin (the fixtures stop their mesh and
   * exit), SIGKILL it if it has not exited within `graceMs`. Resolves once exited.
   */
  async stop(graceMs = 3000) {
    if (this.exited) return
    this.child.stdin.end()
    let timer
    await Promise.race([this.#closed, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))])
    clearTimeout(timer)
    await this.kill('SIGKILL')
  }
}
