import type { CliIo } from '../CliIo.js'
import { UsageError } from '../errors/UsageError.js'
import type { HostPort } from '@breaker-mesh/core'
import type { Workload } from '../workload.js'

export interface StartOptions {
  name?: string
  fleet?: string
  /** 'host:port' to listen on. */
  listen: string
  /** Seeds: host:port or multiaddrs. */
  join: string[]
  mdns: boolean
  /** Where the admin API listens. */
  admin: HostPort
  /** Fleet key file text (swarm-key format), already checked. */
  fleetKey?: string
  /** Admin token, already checked. */
  adminToken?: string
  /** Retention settings (ms); undefined = defaults. */
  vclockTtlMs?: number
  recordTtlMs?: number
  memberRetentionMs?: number
  /** Extra Host names the admin API answers to. */
  adminAllowedHosts?: string[]
  /** Protected mode was waived (--insecure); the caller has warned. */
  insecure?: boolean
  profile?: 'lan' | 'local'
  /** The demo workload, all three or none, and its breaker's fleet decision (`BreakerOptions`; absent: the defaults). */
  workload?: { target: string; breaker: string; rps: number; decision?: { decision?: 'any' | 'quorum' | 'aggregate'; quorum?: number; minReporting?: number } }
  /** Print workload summaries on stderr (BREAKER_MESH_DEBUG). */
  debug: boolean
}

/**
 * How long a graceful stop may take before the process gives up on it, ms.
 * A leave needs about one probe interval; libp2p's stop is usually quicker.
 */
const STOP_DEADLINE_MS = 10_000

/**
 * `breaker-mesh start`: run a node (createMesh) and its admin API until the
 * signal aborts, then leave the fleet gracefully. Prints exactly one line on
 * stdout, `ready <peer id> <addr> ...`, once both listen; all else goes to stderr.
 */
export async function start(options: StartOptions, io: CliIo): Promise<number> {
  // Lazy: only `start` pays for loading libp2p.
  const { createMesh } = await import('@breaker-mesh/mesh')

  let mesh: Awaited<ReturnType<typeof createMesh>>
  try {
    mesh = await createMesh({
      listen: options.listen,
      join: options.join,
      mdns: options.mdns,
      ...(options.name === undefined ? {} : { name: options.name }),
      ...(options.fleet === undefined ? {} : { fleet: options.fleet }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...(options.fleetKey === undefined ? {} : { fleetKey: options.fleetKey }),
      ...(options.vclockTtlMs === undefined ? {} : { vclockTtlMs: options.vclockTtlMs }),
      ...(options.recordTtlMs === undefined ? {} : { recordTtlMs: options.recordTtlMs }),
      ...(options.memberRetentionMs === undefined ? {} : { memberRetentionMs: options.memberRetentionMs }),
      insecure: options.insecure ?? false,
      admin: {
        listen: `${options.admin.host.includes(':') ? `[${options.admin.host}]` : options.admin.host}:${options.admin.port}`,
        ...(options.adminToken === undefined ? {} : { token: options.adminToken }),
        ...(options.adminAllowedHosts === undefined ? {} : { allowedHosts: options.adminAllowedHosts }),
      },
    })
  } catch (err) {
    // Only the command line feeds createMesh's options: a RangeError or a coded
    // configuration error (bad key, insecure) is bad usage.
    const code = (err as { code?: unknown } | null)?.code
    if (err instanceof RangeError || code === 'ERR_INVALID_FLEET_KEY' || code === 'ERR_INSECURE_CONFIG') {
      throw new UsageError(messageOf(err))
    }
    throw new Error(`cannot start the node: ${messageOf(err)}`)
  }
  const admin = mesh.admin
  if (admin === undefined) throw new Error('the admin API did not start')

  let workload: Workload | undefined
  try {
    if (options.workload) {
      const { startWorkload } = await import('../workload.js')
      const { target, breaker, rps, decision } = options.workload
      workload = startWorkload({
        breaker: mesh.breaker(breaker, decision),
        url: target,
        rps,
        ...(options.debug ? { log: (line: string) => io.stderr.write(`breaker-mesh: ${line}\n`) } : {}),
      })
    }
  } catch (err) {
    await mesh.stop()
    if (err instanceof RangeError || (err as { code?: unknown } | null)?.code === 'ERR_INVALID_BREAKER_NAME') {
      throw new UsageError(messageOf(err))
    }
    throw err
  }

  io.stdout.write(`ready ${mesh.peerId} ${mesh.addrs().join(' ')}\n`)
  io.stderr.write(`breaker-mesh: admin API at ${admin.url}\n`)

  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve()
    else io.signal.addEventListener('abort', () => resolve(), { once: true })
  })

  io.stderr.write('breaker-mesh: leaving the fleet (signal again to force)\n')
  const stop = async (): Promise<void> => {
    await workload?.stop()
    await mesh.stop() // closes the admin API too
  }
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), STOP_DEADLINE_MS)
    timer.unref()
  })
  const outcome = await Promise.race([stop().then(() => 'stopped' as const), deadline])
  clearTimeout(timer)
  if (outcome === 'timeout') {
    io.stderr.write(`breaker-mesh: graceful stop took longer than ${STOP_DEADLINE_MS / 1000}s, exiting anyway\n`)
    return 1
  }
  return 0
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
