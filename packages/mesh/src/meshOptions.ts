import { hostname } from 'node:os'
import { parseHostPort } from '@breaker-mesh/core'
import type { MeshOptions } from './MeshApi.js'
import type { HostLogger } from './log.js'

export interface ResolvedMeshOptions {
  fleet: string
  name: string
  listen: { host: string; port: number }
  join: string[]
  mdns: boolean
  profile: 'lan' | 'local'
  joinTimeoutMs: number
  /** false: local mode (no sockets, no libp2p). */
  network: boolean
  logger: HostLogger | undefined
}

const FLEET_RE = /^[A-Za-z0-9._-]{1,64}$/

export function resolveMeshOptions(options: MeshOptions = {}): ResolvedMeshOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('createMesh options must be an object')
  const fleet = options.fleet ?? 'default'
  if (typeof fleet !== 'string' || !FLEET_RE.test(fleet)) {
    throw new RangeError(`fleet must be 1..64 characters of [A-Za-z0-9._-], got ${JSON.stringify(fleet)}`)
  }
  const name = options.name ?? `${hostname()}-${process.pid}`
  if (typeof name !== 'string' || name.length === 0 || name.length > 64) {
    throw new RangeError(`name must be a string of 1..64 characters, got ${JSON.stringify(name)}`)
  }
  const join = options.join ?? []
  if (!Array.isArray(join) || join.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new RangeError(`join must be an array of seed addresses, got ${JSON.stringify(join)}`)
  }
  const profile = options.profile ?? 'lan'
  if (profile !== 'lan' && profile !== 'local') {
    throw new RangeError(`profile must be 'lan' or 'local', got ${JSON.stringify(profile)}`)
  }
  const joinTimeoutMs = options.joinTimeoutMs ?? 5000
  if (typeof joinTimeoutMs !== 'number' || !Number.isFinite(joinTimeoutMs) || joinTimeoutMs < 0) {
    throw new RangeError(`joinTimeoutMs must be a non-negative number of ms, got ${String(joinTimeoutMs)}`)
  }
  const network = options.network ?? true
  if (typeof network !== 'boolean') throw new RangeError(`network must be true or false, got ${String(network)}`)
  if (!network && join.length > 0) {
    throw new RangeError(`join must be empty with network: false (local mode has no peers), got ${JSON.stringify(join)}`)
  }
  const logger = options.logger
  if (logger !== undefined && (logger === null || !['debug', 'info', 'warn', 'error'].every((m) => typeof (logger as unknown as Record<string, unknown>)[m] === 'function'))) {
    throw new RangeError('logger must have debug, info, warn and error methods (pino-shaped: (fields, msg))')
  }
  return {
    network,
    logger,
    fleet,
    name,
    listen: parseHostPort(options.listen ?? '0.0.0.0:7946', 'listen'),
    join: [...join],
    mdns: options.mdns ?? true,
    profile,
    joinTimeoutMs,
  }
}
