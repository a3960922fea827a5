/**
 * The options of `createMesh()`: `MeshOptions` for applications, and
 * `CreateMeshOptions` with the fleet and network tuning tests and benchmarks
 * use. Defaults are in brackets; `resolveMeshOptions.ts` applies and checks
 * them.
 */
import type { FleetOptions } from '@breaker-mesh/core'
import type { HostLogger } from './log.js'
import type { P2PHostOptions } from './p2p/P2PHost.js'

/** Options of `createMesh()`. Every field is optional; defaults in brackets. */
export interface MeshOptions {
  /** Fleet name; only nodes of the same fleet share breakers ['default']. 1..64 chars of [A-Za-z0-9._-]. */
  fleet?: string
  /** Human name shown in views [hostname-pid]. */
  name?: string
  /** Where to listen, 'host:port'; port 0 picks a free port ['0.0.0.0:7946']. */
  listen?: string
  /** Seeds: 'host:port', a multiaddr (with or without /p2p/), or 'dns-name:port' resolved again periodically [[]]. */
  join?: string[]
  /** Discover peers on the local network by mDNS [true]. */
  mdns?: boolean
  /** SWIM timing profile: 'lan' (memberlist's LAN defaults) or 'local' (fast, for tests and loopback fleets) ['lan']. */
  profile?: 'lan' | 'local'
  /** How long createMesh() waits for the first sync with a reachable seed before resolving anyway, ms [5000]. */
  joinTimeoutMs?: number
  /**
   * ms a departed member's entries stay in vector clocks [3600000]. Lower
   * keeps records small under churn; it must exceed the longest partition
   * you expect to heal with concurrency detection intact.
   */
  vclockTtlMs?: number
  /**
   * ms a record that no node uses (closed, no override) is kept [3600000].
   * Lower frees table space sooner after names go out of use.
   */
  recordTtlMs?: number
  /**
   * ms a dead or left member is remembered (and reconnect attempts made) [profile:
   * lan 6 h, local 60 s]. Lower forgets departed instances sooner.
   */
  memberRetentionMs?: number
  /**
   * The fleet key guarding every connection [none]: swarm-key text as printed
   * by `breaker-mesh keygen` (a string, or a key file's bytes), or the 32 raw
   * key bytes. Nodes without this exact key get no connection. Required when
   * `listen` is not a loopback address, unless `insecure`.
   */
  fleetKey?: string | Uint8Array
  /**
   * Start the admin HTTP API with the node [not started]: `listen` as
   * host:port ['127.0.0.1:7947']; with `token`, every mutating request needs
   * `Authorization: Bearer <token>` (16..4096 visible ASCII characters).
   * A `token` is required when `listen` is not loopback, unless `insecure`.
   * `allowedHosts`: extra names clients may use for this node in `Host`
   * (a service name, a proxy), beside its own addresses, loopback and
   * `localhost`; other `Host` values get 403 (DNS-rebinding guard).
   */
  admin?: { listen?: string; token?: string; allowedHosts?: string[] } | false
  /**
   * Allow listening (p2p or admin) on a non-loopback address without a fleet
   * key or an admin token [false]. Anyone who can reach such a port can join
   * the fleet or steer its breakers.
   */
  insecure?: boolean
  /**
   * `false`: local mode, for application unit tests. The same API and breakers,
   * no sockets, libp2p not even loaded; starts in a few ms. `join` must be empty;
   * `listen` and `mdns` are ignored [true].
   */
  network?: boolean
  /**
   * Where the mesh logs (pino-shaped: `debug`/`info`/`warn`/`error(fields, msg)`).
   * Default: warnings as JSON lines on stderr, debug with `BREAKER_MESH_DEBUG`;
   * nothing is logged per call.
   */
  logger?: HostLogger
}

/** Options of `createMesh()` plus tuning for tests and benchmarks. */
export interface CreateMeshOptions extends MeshOptions {
  /** Fleet-layer tuning (probe claim timeout, vclock TTL, table size). */
  fleetOptions?: FleetOptions
  /** Network-layer tuning (frame limits, receive budgets, timeouts); see `defaultP2PHostOptions`. */
  p2pOptions?: Pick<
    P2PHostOptions,
    'partialFrameTimeoutMs' | 'peerBufferBytes' | 'totalBufferBytes' | 'turnBudgetMs' | 'inboxFrames' | 'sendTimeoutMs' | 'dialTimeoutMs'
  >
}
