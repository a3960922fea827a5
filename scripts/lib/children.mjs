// Every child process a benchmark starts is registered here, so that nothing
// outlives the run: suites kill their own children when they end, and run.mjs
// kills whatever is left on exit, on SIGINT/SIGTERM and on an uncaught error.
import { spawn } from 'node:child_process'

const live = new Set()

/**
 * spawn() with the child registered for cleanup. stdin/stdout/stderr are pipes.
 * The child is forgotten when it exits.
 */
export function spawnTracked(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options })
  live.add(child)
  child.once('exit', () => live.delete(child))
  // A child that dies makes writes to its stdin fail with EPIPE: never crash the runner for it.
  child.stdin?.on('error', () => {})
  return child
}

/** Kill one child (SIGKILL by default) if it is still running. */
export function killChild(child, signal = 'SIGKILL') {
  if (child.exitCode !== null || child.signalCode !== null) return
  try {
    child.kill(signal)
  } catch {
    // already gone
  }
}

/**
 * Kill every child still running, but those in `except` (a Set of children).
 * Synchronous, so it also works in an 'exit' handler.
 */
export function killAllChildren(signal = 'SIGKILL', except = null) {
  for (const child of live) if (!except?.has(child)) killChild(child, signal)
}

const exitHooks = new Set()

/**
 * Run `hook` (synchronously) when this process exits, for resources that are not
 * child processes (a namespace fleet started by scripts/simulate outlives us
 * otherwise). Returns a function that unregisters it.
 */
export function onExitCleanup(hook) {
  exitHooks.add(hook)
  return () => exitHooks.delete(hook)
}

function runExitHooks() {
  for (const hook of exitHooks) {
    try {
      hook()
    } catch {
      // best effort on the way out
    }
  }
  exitHooks.clear()
}

/** Number of children still running, but those in `except`. */
export function liveChildren(except = null) {
  let n = 0
  for (const child of live) if (!except?.has(child)) n++
  return n
}

let installed = false

/** Kill all children when this process exits, is interrupted, or crashes. Idempotent. */
export function installCleanup() {
  if (installed) return
  installed = true
  process.on('exit', () => {
    killAllChildren()
    runExitHooks()
  })
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAllChildren()
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1))
    })
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`bench: uncaught ${err?.stack ?? err}\n`)
    killAllChildren()
    process.exit(1)
  })
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`bench: unhandled rejection ${err?.stack ?? err}\n`)
    killAllChildren()
    process.exit(1)
  })
}
