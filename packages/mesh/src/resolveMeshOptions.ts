/**
 * Defaults and checks of `createMesh()` options (`MeshOptions.ts`), with the
 * option checks of core (`util/validate.ts`): a bad value is a RangeError
 * naming the field and quoting the value; an exposed node without a key or
 * token is an `InsecureConfigError`.
 */
import { hostname } from 'node:os'
import {
  booleanOption,
  checkAdminToken,
  fleetName,
  integerIn,
  isLoopbackHost,
  numberIn,
  oneOf,
  parseFleetKey,
  parseHostPort,
  stringOf,
} from '@breaker-mesh/core'
import type { HostPort } from '@breaker-mesh/core'
import { InsecureConfigError } from './InsecureConfigError.js'
import type { MeshOptions } from './MeshOptions.js'
import type { HostLogger } from './log.js'

/** Where the admin API listens when `admin` is given without `listen`. */
export const DEFAULT_ADMIN_LISTEN = '127.0.0.1:7947'

export interface ResolvedMeshOptions {
  fleet: string
  name: string
  listen: { host: string; port: number }
  join: string[]
  mdns: boolean
  profile: 'lan' | 'local'
  joinTimeoutMs: number
  /** Retention settings; undefined = the fleet's or the profile's default. */
  vclockTtlMs: number | undefined
  recordTtlMs: number | undefined
  memberRetentionMs: number | undefined
  /** 32 bytes, or undefined: no fleet key (loopback, or `insecure`). */
  fleetKey: Uint8Array | undefined
  insecure: boolean
  /** false: local mode (no sockets, no libp2p). */
  network: boolean
  logger: HostLogger | undefined
  /** The admin API to start with the node, if asked for. */
  admin: { listen: HostPort; token: string | undefined; allowedHosts: string[] | undefined } | undefined
}

/** Retention settings (`vclockTtlMs`, `recordTtlMs`, `memberRetentionMs`): 1 s to 30 days, ms. */
const RETENTION_MIN_MS = 1000
const RETENTION_MAX_MS = 30 * 24 * 3_600_000
/** The longest `joinTimeoutMs` a timer can wait (2^31 − 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647

export function resolveMeshOptions(options: MeshOptions = {}): ResolvedMeshOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('createMesh options must be an object')
  const fleet = fleetName('fleet', options.fleet, 'default')
  const name = stringOf('name', options.name, 1, 64, `${hostname()}-${process.pid}`)
  const join = options.join ?? []
  if (!Array.isArray(join) || join.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new RangeError(`join must be an array of seed addresses, got ${JSON.stringify(join)}`)
  }
  const profile = oneOf('profile', options.profile, ['lan', 'local'] as const, 'lan')
  const joinTimeoutMs = numberIn('joinTimeoutMs', options.joinTimeoutMs, 0, MAX_TIMER_MS, 5000)
  const network = booleanOption('network', options.network, true)
  const mdns = booleanOption('mdns', options.mdns, true)
  if (!network && join.length > 0) {
    throw new RangeError(`join must be empty with network: false (local mode has no peers), got ${JSON.stringify(join)}`)
  }
  const logger = options.logger
  if (logger !== undefined && (logger === null || !['debug', 'info', 'warn', 'error'].every((m) => typeof (logger as unknown as Record<string, unknown>)[m] === 'function'))) {
    throw new RangeError('logger must have debug, info, warn and error methods (pino-shaped: (fields, msg))')
  }
  const insecure = booleanOption('insecure', options.insecure, false)
  // A FleetKeyError (code ERR_INVALID_FLEET_KEY) says what is wrong with the key.
  const fleetKey = options.fleetKey === undefined ? undefined : parseFleetKey(options.fleetKey)
  const listen = parseHostPort(options.listen ?? '0.0.0.0:7946', 'listen')
  const admin = resolveAdmin(options.admin)
  if (!insecure) {
    // Local mode listens nowhere: nothing to protect on the p2p side.
    if (network && fleetKey === undefined && !isLoopbackHost(listen.host)) {
      throw new InsecureConfigError(
        `refusing to listen on ${listen.host}:${listen.port} without a fleet key: any process that reaches the port could ` +
          'join the fleet and steer its breakers. Pass fleetKey (create one with `breaker-mesh keygen`), listen on loopback, or set insecure: true',
      )
    }
    if (admin !== undefined && admin.token === undefined && !isLoopbackHost(admin.listen.host)) {
      throw new InsecureConfigError(
        `refusing to serve the admin API on ${admin.listen.host}:${admin.listen.port} without a token: anyone who reaches it ` +
          'could force breakers open fleet-wide. Pass admin.token, serve it on loopback, or set insecure: true',
      )
    }
  }
  const retention = (field: 'vclockTtlMs' | 'recordTtlMs' | 'memberRetentionMs'): number | undefined =>
    options[field] === undefined ? undefined : integerIn(field, options[field], RETENTION_MIN_MS, RETENTION_MAX_MS)
  return {
    network,
    logger,
    fleet,
    name,
    listen,
    vclockTtlMs: retention('vclockTtlMs'),
    recordTtlMs: retention('recordTtlMs'),
    memberRetentionMs: retention('memberRetentionMs'),
    join: [...join],
    mdns,
    profile,
    joinTimeoutMs,
    fleetKey,
    insecure,
    admin,
  }
}

function resolveAdmin(admin: MeshOptions['admin']): ResolvedMeshOptions['admin'] {
  if (admin === undefined || admin === false) return undefined
  if (admin === null || typeof admin !== 'object') throw new RangeError(`admin must be an object or false, got ${String(admin)}`)
  const token = admin.token
  if (token !== undefined) checkAdminToken(token, 'admin.token')
  const allowedHosts = admin.allowedHosts
  if (allowedHosts !== undefined && (!Array.isArray(allowedHosts) || allowedHosts.some((h) => typeof h !== 'string'))) {
    throw new RangeError(`admin.allowedHosts must be an array of host names, got ${JSON.stringify(allowedHosts)}`)
  }
  return { listen: parseHostPort(admin.listen ?? DEFAULT_ADMIN_LISTEN, 'admin.listen'), token, allowedHosts }
}
