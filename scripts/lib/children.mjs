// Every child process the tests, the bench and the demo start goes through
// spawnTracked(), so that none outlives its runner: whatever is still running
// is SIGKILLed when this process exits, and the bench's run.mjs also on
// SIGINT/SIGTERM and on an uncaught error (installCleanup()).
//
// The registry lives on globalThis: a test runner that loads this module once
// per test file in one process still keeps one registry and one exit handler.
import { spawn } from 'node:child_process'

const REGISTRY = Symbol.for('breaker-mesh.scripts.children')
const registry = (globalThis[REGISTRY] ??= { live: new Set(), exitHooks: new Set(), exitInstalled: false, signalsInstalled: false })
const { live, exitHooks } = registry

if (!registry.exitInstalled) {
  registry.exitInstalled = true
  process.on('exit', () => {
    killAllChildren()
    runExitHooks()
  })
}

/**
 * spawn() with the child registered for cleanup. stdin/stdout/stderr are pipes
 * unless `options.stdio` says otherwise. The child is forgotten when it exits.
 */
export function spawnTracked(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], ...options })
  live.add(child)
  child.once('exit', () => live.delete(child))
  // spawn failures (ENOENT …) arrive as 'error' events: forget the child, never crash the runner.
  child.once('error', () => live.delete(child))
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

/** Number of children still running, but those in `except`. */
export function liveChildren(except = null) {
  let n = 0
  for (const child of live) if (!except?.has(child)) n++
  return n
}

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

/**
 * For a stand-alone runner (the bench): also kill every child on SIGINT, SIGTERM,
 * SIGHUP, an uncaught exception or an unhandled rejection, then exit. Idempotent.
 * A test runner has its own handlers: tests rely on the exit handler alone.
 */
export function installCleanup(label = 'runner') {
  if (registry.signalsInstalled) return
  registry.signalsInstalled = true
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAllChildren()
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1))
    })
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`${label}: uncaught ${err?.stack ?? err}\n`)
    killAllChildren()
    process.exit(1)
  })
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`${label}: unhandled rejection ${err?.stack ?? err}\n`)
    killAllChildren()
    process.exit(1)
  })
}
