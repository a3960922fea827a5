/**
 * A tiny structured logger: one JSON object per line on stderr.
 *
 *   {"t":"2025-01-01T00:00:00.000Z","level":"warn","ns":"p2p","msg":"dropped frame","from":"12D3…"}
 *
 * Quiet by default: `debug` lines print only when `BREAKER_MESH_DEBUG` is `1`,
 * `true` or `*` (every namespace) or a comma list of namespaces. The
 * namespaces in use: `mesh` (the node: start, stop, joins, seed re-dials,
 * sends that failed, listener errors) and `p2p` (the libp2p host: peers,
 * streams, seed dials, refused connections, dropped frames); e.g.
 * `BREAKER_MESH_DEBUG=p2p`. `warn` always prints. `rateLimited` is a warn that
 * prints at most once per key per period (e.g. "bad message from peer X":
 * a flood of bad frames costs one line a minute, with a count of the lines it
 * suppressed). Nothing here logs per call on a hot path; callers log state
 * changes and failures only.
 *
 * Logging never throws: a field that cannot be serialised is replaced.
 */

/**
 * A host application's logger, pino-shaped: each method takes a fields object
 * and a message (`logger.warn({ peer }, 'dropped frame')`). pino, bunyan-style
 * and console-backed adapters fit. Pass one as `createMesh({ logger })`.
 */
export interface HostLogger {
  debug(fields: object, msg: string): void
  info(fields: object, msg: string): void
  warn(fields: object, msg: string): void
  error(fields: object, msg: string): void
  /** pino's level check; when present, debug fields are built only if it says yes. */
  isLevelEnabled?(level: string): boolean
}

export interface Logger {
  readonly ns: string
  /** True if debug lines of this namespace are printed. */
  readonly debugEnabled: boolean
  debug(msg: string, fields?: Record<string, unknown>): void
  /** Lifecycle news (started, stopped): printed like debug on stderr, at info level to a host logger. */
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  /**
   * A warn printed at most once per `key` per `periodMs` (ms). The next line
   * printed for the key carries `suppressed: n`, the number of lines dropped.
   */
  rateLimited(key: string, periodMs: number, msg: string, fields?: Record<string, unknown>): void
}

export interface LoggerSettings {
  /** Value of BREAKER_MESH_DEBUG; default `process.env.BREAKER_MESH_DEBUG`. */
  debug?: string | undefined
  /** Where lines go (each without its trailing newline); default stderr. */
  write?: (line: string) => void
  /** Wall clock in ms, for `t` and rate limiting; default `Date.now`. */
  now?: () => number
  /**
   * Send every line to this logger instead of stderr: `debug`, `info` and `warn`
   * go to its methods of the same name with `{ ns, ...fields }`; `debug` and
   * `BREAKER_MESH_DEBUG` no longer apply (the host logger's level decides).
   */
  target?: HostLogger | undefined
}

/**
 * Rate-limit keys remembered per logger before stale ones are swept. Keys are
 * often peer ids, so a long-running node with churn must not keep them all.
 */
const MAX_RATE_KEYS = 1024

interface RateEntry {
  last: number
  periodMs: number
  suppressed: number
}

function debugEnabledFor(ns: string, setting: string | undefined): boolean {
  if (setting === undefined) return false
  const value = setting.trim().toLowerCase()
  if (value === '' || value === '0' || value === 'false') return false
  if (value === '1' || value === 'true' || value === '*') return true
  return value
    .split(',')
    .map((s) => s.trim())
    .some((s) => s === ns.toLowerCase() || s === '*')
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code
    return code === undefined ? { name: value.name, message: value.message } : { name: value.name, message: value.message, code }
  }
  if (typeof value === 'bigint') return value.toString()
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`
  return value
}

function serialise(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, replacer)
  } catch {
    // Circular or hostile fields: keep the line, drop the fields.
    return JSON.stringify({ t: record.t, level: record.level, ns: record.ns, msg: record.msg, fields: '<unserialisable>' })
  }
}

const defaultWrite = (line: string): void => {
  process.stderr.write(`${line}\n`)
}

/** The debug namespaces in use (log.test.ts checks the sources create no other). */
export const LOG_NAMESPACES = ['mesh', 'p2p'] as const
export type LogNamespace = (typeof LOG_NAMESPACES)[number]

/** A logger for namespace `ns`: `mesh` or `p2p` (see the top of this file). */
export function createLogger(ns: LogNamespace, settings: LoggerSettings = {}): Logger {
  const target = settings.target
  const debugEnabled =
    target !== undefined
      ? (target.isLevelEnabled?.('debug') ?? true)
      : debugEnabledFor(ns, 'debug' in settings ? settings.debug : process.env.BREAKER_MESH_DEBUG)
  const write = settings.write ?? defaultWrite
  const now = settings.now ?? Date.now
  const rates = new Map<string, RateEntry>()

  const emit = (level: 'debug' | 'info' | 'warn', msg: string, fields: Record<string, unknown> | undefined): void => {
    try {
      if (target !== undefined) {
        // Reserved key wins, as on stderr.
        target[level]({ ...fields, ns }, msg)
        return
      }
      const t = now()
      // Reserved keys win over fields of the same name.
      write(serialise({ ...fields, t: new Date(t).toISOString(), level, ns, msg }))
    } catch {
      // A closed stderr (or a throwing host logger) must not take the node down.
    }
  }

  const sweep = (t: number): void => {
    for (const [key, entry] of rates) {
      if (t - entry.last >= entry.periodMs) rates.delete(key)
    }
  }

  return {
    ns,
    debugEnabled,
    debug(msg, fields) {
      if (debugEnabled) emit('debug', msg, fields)
    },
    info(msg, fields) {
      if (target !== undefined || debugEnabled) emit('info', msg, fields)
    },
    warn(msg, fields) {
      emit('warn', msg, fields)
    },
    rateLimited(key, periodMs, msg, fields) {
      const t = now()
      const entry = rates.get(key)
      if (entry !== undefined && t - entry.last < periodMs) {
        entry.suppressed++
        return
      }
      const suppressed = entry?.suppressed ?? 0
      if (entry === undefined && rates.size >= MAX_RATE_KEYS) {
        sweep(t)
        // Still full (a burst of distinct keys): forget the oldest one.
        if (rates.size >= MAX_RATE_KEYS) {
          const oldest = rates.keys().next()
          if (oldest.done !== true) rates.delete(oldest.value)
        }
      }
      rates.set(key, { last: t, periodMs, suppressed: 0 })
      emit('warn', msg, suppressed > 0 ? { ...fields, suppressed } : fields)
    },
  }
}
