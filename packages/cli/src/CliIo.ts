/** What a command may touch: injected so that `run()` is testable in-process. */
export interface CliIo {
  /** Results only: the `ready` line, tables, JSON, NDJSON. */
  readonly stdout: { write(chunk: string): unknown }
  /** Everything else: errors, usage, progress, logs. */
  readonly stderr: { write(chunk: string): unknown }
  /** Aborted on the first SIGINT/SIGTERM: `start` and `watch` stop cleanly when it fires. */
  readonly signal: AbortSignal
}
