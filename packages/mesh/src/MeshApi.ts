/**
 * The shapes the admin API, the CLI and other programs see. `MeshView` is the
 * `inspect --json` / `GET /v1/view` contract (docs/ARCHITECTURE.md): other
 * programs read it, so fields are only ever added.
 */
import type { BreakerState, Override, MemberStatus } from '@breaker-mesh/core'
import type { DurationSnapshot } from './call/DurationHistogram.js'
import type { HostLogger } from './log.js'

export interface MeshView {
  node: { id: string; name: string; fleet: string; addrs: string[] }
  members: Array<{
    id: string
    name: string
    status: MemberStatus
    incarnation: number
    addrs: string[]
    /** Extra fields (not in the minimal contract, allowed by it): */
    /** ms since this node saw the member's status change (or first heard of it), by this node's monotonic clock. */
    statusAgeMs: number
    /**
     * How this node knows the member now: `self`; `direct`, it holds an open
     * connection to it (probes and gossip reach it first-hand); `gossip`, no
     * connection, known only from other members' reports.
     */
    via: 'self' | 'direct' | 'gossip'
    /**
     * False for a member this node has only heard of from others and never
     * heard from itself: it is not probed, ranked as prober or passed on
     * until it answers (and is forgotten if it never does).
     */
    confirmed: boolean
  }>
  breakers: Array<{
    name: string
    state: BreakerState
    override: Override
    reason: string
    prober: string | null
    version: { lamport: number; origin: string; vclock: Record<string, number> }
    local: { calls: number; failures: number; slow: number }
    /** Extra fields (not in the minimal contract, allowed by it): */
    /** Origin's wall clock of this version, ms since epoch (display only). */
    wallTime: number
    /** True if the last merge of this breaker met a concurrent version (a conflict). */
    concurrent: boolean
    /**
     * True while this node runs the breaker on its own: its last change could
     * not be written to the fleet table (full of overrides and breakers in
     * use). Calls are still decided locally; the next change tries again.
     */
    localOnly: boolean
  }>
}

/** One server-sent event / `watch --json` line. */
export type MeshEvent =
  | {
      type: 'breaker'
      name: string
      state: BreakerState
      previous: BreakerState | null
      override: Override
      reason: string
      origin: string
      /** true if this node wrote the change, false if it learned it from a peer */
      local: boolean
      concurrent: boolean
      /** this node's wall clock when it applied the change (display only) */
      at: number
    }
  | {
      type: 'member'
      id: string
      name: string
      status: MemberStatus
      previous: MemberStatus | null
      incarnation: number
      at: number
    }

/** Counters for /metrics. Monotonic counters only grow. */
export interface MeshStats {
  breakers: Array<{
    name: string
    state: BreakerState
    transitions: number
    callsOk: number
    callsFailed: number
    rejections: number
    /** Operator override in force (absent: none known). */
    override?: Override
    /** This node's current window: calls, failures and slow calls in it. */
    window?: { calls: number; failures: number; slow: number }
    /** Calls that hit their timeout (also in callsFailed); absent for a breaker this node never called. */
    timeouts?: number
    /** Calls let through uncounted (`isFailure` said no, or the caller aborted). */
    ignored?: number
    /** Durations of the calls that ran, for the call-duration histogram. */
    durations?: DurationSnapshot
  }>
  gossip: {
    messagesIn: number
    messagesOut: number
    /** Malformed or unsupported messages dropped, by reason code. */
    dropped: Record<string, number>
    bytesIn: number
    bytesOut: number
  }
  conflicts: number
  /** The replicated table: records held, evicted when full, collected after their TTL, this node's Lamport clock. */
  table: { records: number; evicted: number; collected: number; lamport: number }
  /** Breakers running on this node alone (table full), and writes that could not be shared. */
  localOnly: { breakers: number; writes: number }
  /** Members heard of from others but not yet heard from. */
  unconfirmedMembers: number
  /** Connections refused before they reached the fleet, by reason: `fleet-key`, `foreign-fleet`. */
  refused: Record<string, number>
  /** Bytes of unfinished inbound frames held now (bounded by the receive budget). */
  receiveBufferBytes: number
  /** The most bytes of unfinished inbound frames this node held at once. */
  receiveBufferHighWaterBytes: number
  /** Age (ms, by the origin's wall clock vs ours — display only) of the most recently applied remote record. */
  lastPropagationAgeMs: number | null
}

/** What the admin HTTP server needs from a running mesh. `Mesh` implements it. */
export interface AdminTarget {
  view(): MeshView
  stats(): MeshStats
  /** Subscribe; returns an unsubscribe function. */
  onEvent(listener: (event: MeshEvent) => void): () => void
  /** Throw `InvalidBreakerNameError` (code 'ERR_INVALID_BREAKER_NAME') for a bad name. */
  forceOpen(name: string, reason?: string): void
  forceClose(name: string, reason?: string): void
  reset(name: string): void
  /** True once this node has synced with a peer, or is alone by configuration (for `GET /readyz`). */
  ready(): boolean
}

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
