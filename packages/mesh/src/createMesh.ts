/**
 * `createMesh()`: resolve the options, start the host (libp2p, or none in
 * local mode), build the fleet node and the `Mesh` around it, join the fleet
 * and start the admin API. `createMeshWith(host, options)` does the same over
 * a host the caller made (the in-memory test host of
 * `@breaker-mesh/mesh/testing`).
 */
import './polyfill.js'
import { FleetNode, resolveSwimConfig } from '@breaker-mesh/core'
import type { FleetOptions } from '@breaker-mesh/core'
import { startAdminServer } from './admin/index.js'
import { LocalHost } from './LocalHost.js'
import { Mesh, meshLogger } from './Mesh.js'
import type { CreateMeshOptions } from './MeshOptions.js'
import type { P2PHost } from './p2p/P2PHost.js'
import { resolveMeshOptions } from './resolveMeshOptions.js'
import type { ResolvedMeshOptions } from './resolveMeshOptions.js'
import { SendTracker } from './SendTracker.js'

/**
 * Start a member of the fleet. Listens, discovers peers (mDNS, seeds), and —
 * when any seed is reachable — resolves only after the first push-pull sync,
 * so a new instance never makes a call on stale breaker state.
 */
export async function createMesh(options: CreateMeshOptions = {}): Promise<Mesh> {
  const resolved = resolveMeshOptions(options)
  if (!resolved.network) return startMesh(resolved, new LocalHost(), options.fleetOptions, undefined)
  // Imported on demand: local mode never loads libp2p.
  const { createP2PHost, isPeerId } = await import('./p2p/index.js')
  const host = await createP2PHost({
    fleet: resolved.fleet,
    listen: resolved.listen,
    seeds: resolved.join,
    mdns: resolved.mdns,
    ...(resolved.fleetKey === undefined ? {} : { fleetKey: resolved.fleetKey }),
    ...options.p2pOptions,
  })
  return startMesh(resolved, host, options.fleetOptions, isPeerId)
}

/**
 * @internal `createMesh` over a host the caller made and started (for
 * in-process tests; exported by `@breaker-mesh/mesh/testing`). The options
 * are resolved and checked as `createMesh` does; `listen`, `mdns`, `fleetKey`
 * and `p2pOptions` are the host's business and unused here, `join` only says
 * whether the mesh dials seeds (`host.dialSeeds()`) and waits for a sync. The
 * mesh owns the host from now on: `mesh.stop()` stops it.
 */
export async function createMeshWith(host: P2PHost, options: CreateMeshOptions = {}): Promise<Mesh> {
  let resolved: ResolvedMeshOptions
  try {
    resolved = resolveMeshOptions(options)
  } catch (err) {
    await host.stop()
    throw err
  }
  return startMesh(resolved, host, options.fleetOptions, undefined)
}

async function startMesh(
  resolved: ResolvedMeshOptions,
  host: P2PHost,
  fleetOptions: FleetOptions | undefined,
  isValidNodeId: ((id: string) => boolean) | undefined,
): Promise<Mesh> {
  const log = meshLogger(resolved)
  const swim = resolveSwimConfig({
    profile: resolved.profile,
    ...(resolved.memberRetentionMs === undefined ? {} : { deadMemberRetentionMs: resolved.memberRetentionMs }),
  })
  const sends = new SendTracker(log)
  const node = new FleetNode({
    self: { id: host.peerId, name: resolved.name, addrs: host.addrs() },
    clock: { now: () => performance.now() },
    wallClock: () => Date.now(),
    swim,
    options: {
      ...(resolved.vclockTtlMs === undefined ? {} : { vclockTtlMs: resolved.vclockTtlMs }),
      ...(resolved.recordTtlMs === undefined ? {} : { recordTtlMs: resolved.recordTtlMs }),
      ...fleetOptions,
    },
    ...(isValidNodeId === undefined ? {} : { isValidNodeId }),
    transport: {
      send: (to, channel, bytes, addrs) => sends.track(host.send(to, channel, bytes, addrs)),
      publish: (bytes) => sends.track(host.publish(bytes)),
    },
  })
  const mesh = new Mesh({ options: resolved, host, node, sends, tickMs: Math.max(10, Math.floor(swim.probeIntervalMs / 10)), reconnectMs: swim.reconnectIntervalMs })
  host.onMessage((from, channel, bytes) => {
    try {
      node.receive(from, channel, bytes)
    } catch (err) {
      log.warn('message handler failed', { from, channel, err: String(err) })
    }
  })
  host.onPeerConnected((peer, addrs) => node.peerConnected(peer, addrs))
  // Connections that came up while the host was starting (mDNS is quick).
  for (const peer of host.connectedPeers()) node.peerConnected(peer)

  await mesh.joinFleet()
  if (resolved.admin !== undefined) {
    try {
      mesh.admin = await startAdminServer(mesh, {
        host: resolved.admin.listen.host,
        port: resolved.admin.listen.port,
        ...(resolved.admin.token === undefined ? {} : { token: resolved.admin.token }),
        ...(resolved.admin.allowedHosts === undefined ? {} : { allowedHosts: resolved.admin.allowedHosts }),
      })
    } catch (err) {
      await mesh.stop()
      const where = `${resolved.admin.listen.host}:${resolved.admin.listen.port}`
      throw new Error(`cannot start the admin API on ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
  }
  log.info('mesh started', { id: host.peerId, fleet: resolved.fleet, name: resolved.name, network: resolved.network, addrs: host.addrs() })
  return mesh
}
