import type { ChildProcess, ChildProcessWithoutNullStreams, SpawnOptions } from 'node:child_process'

/** spawn() with the child registered for cleanup (SIGKILLed when this process exits). Pipes by default. */
export function spawnTracked(command: string, args: readonly string[], options?: SpawnOptions): ChildProcessWithoutNullStreams
/** Kill one child (SIGKILL by default) if it is still running. */
export function killChild(child: ChildProcess, signal?: NodeJS.Signals): void
/** Kill every tracked child still running, but those in `except`. Synchronous. */
export function killAllChildren(signal?: NodeJS.Signals, except?: ReadonlySet<ChildProcess> | null): void
/** Number of tracked children still running, but those in `except`. */
export function liveChildren(except?: ReadonlySet<ChildProcess> | null): number
/** Run `hook` synchronously when this process exits; returns a function that unregisters it. */
export function onExitCleanup(hook: () => void): () => void
/** For a stand-alone runner: kill every child on signals and uncaught errors, then exit. Idempotent. */
export function installCleanup(label?: string): void
