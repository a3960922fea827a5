/**
 * Run `node [...execArgv] script JSON(input)` to completion; resolve with its last
 * stdout line parsed as JSON. Rejects with ProcessError (ERR_PROCESS_EXITED on a
 * non-zero exit or no JSON; ERR_PROCESS_TIMEOUT after `timeoutMs`, default 120 s,
 * or on abort). The child is tracked and killed on timeout or abort.
 */
export function runJsonScript<T = Record<string, unknown>>(
  script: string,
  input: unknown,
  options?: { execArgv?: readonly string[]; timeoutMs?: number; signal?: AbortSignal },
): Promise<T>
