import type { ChildProcessWithoutNullStreams } from 'node:child_process'

export const ERR_PROCESS_EXITED: 'ERR_PROCESS_EXITED'
export const ERR_PROCESS_TIMEOUT: 'ERR_PROCESS_TIMEOUT'
export const ERR_COMMAND_FAILED: 'ERR_COMMAND_FAILED'

/** A child process failed us; `code` says how. */
export class ProcessError extends Error {
  readonly code: 'ERR_PROCESS_EXITED' | 'ERR_PROCESS_TIMEOUT' | 'ERR_COMMAND_FAILED'
  constructor(code: ProcessError['code'], message: string)
}

/** A line `{"event": ...}` from the child. */
export interface ProcessEvent {
  event: string
  [field: string]: unknown
}

export interface JsonLinesProcessOptions<E extends ProcessEvent = ProcessEvent> {
  /** Arguments after the script. */
  args?: readonly string[]
  /** Node flags before the script, e.g. ['--import', 'tsx']. */
  execArgv?: readonly string[]
  /** Added to this process's environment. */
  env?: Record<string, string>
  /** Keep every event in `events` (default true; turn off for chatty children). */
  keepEvents?: boolean
  /** Sees every event as it arrives. */
  onEvent?: (event: E, proc: JsonLinesProcess<E>) => void
  /** Lines of stderr kept for error messages. Default 200. */
  stderrLines?: number
}

/** The one driver for a Node child speaking JSON lines (see the .mjs header for the protocol). */
export class JsonLinesProcess<E extends ProcessEvent = ProcessEvent> {
  constructor(name: string, script: string, options?: JsonLinesProcessOptions<E>)
  readonly name: string
  readonly child: ChildProcessWithoutNullStreams
  /** Events received so far (if `keepEvents`), in order. */
  readonly events: E[]
  /** The `ready` event, once it came. */
  readyEvent: E | null
  /** Resolves with the ready event; rejects (ERR_PROCESS_EXITED) if the child exits first. */
  readonly ready: Promise<E>
  exited: boolean
  /** Exit code, or the signal's name, once exited. */
  exitStatus: number | string | null
  /** hrNow() when spawned / when it exited. */
  readonly spawnedAt: number
  exitedAt: number | null
  readonly pid: number | undefined
  /** The last `lines` lines of the child's stderr. */
  logs(lines?: number): string
  /** The ready event; rejects if the child exits first or is not ready within `timeoutMs` (default 60 s). */
  whenReady(timeoutMs?: number): Promise<E>
  /**
   * Send `cmd` and resolve with the reply. Rejects with ProcessError:
   * ERR_COMMAND_FAILED (error reply), ERR_PROCESS_TIMEOUT (default 15 s), ERR_PROCESS_EXITED.
   */
  command<T = Record<string, unknown>>(cmd: { cmd: string; [field: string]: unknown }, timeoutMs?: number): Promise<T>
  /** The first kept event from index `from` on that `match` accepts, waiting up to `timeoutMs` (default 15 s). */
  waitForEvent(match: (event: E) => boolean, options?: { timeoutMs?: number; from?: number }): Promise<E>
  /** Send `signal` (default SIGKILL); resolves once the child has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>
  /** Close stdin (graceful stop), SIGKILL after `graceMs` (default 3 s); resolves once exited. */
  stop(graceMs?: number): Promise<void>
}
