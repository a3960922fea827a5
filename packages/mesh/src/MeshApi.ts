/**
 * The shapes the admin API, the CLI and other programs see. `MeshView` is the
 * `inspect --json` / `GET /v1/view` contract of DESIGN.md: change it only with the design.
 */
import type { BreakerState, Override, MemberStatus } from '@breaker-mesh/core'
import type { DurationSnapshot } from './call/DurationHistogram.js'
import type { HostLogger } from './log.js'

export interface MeshView {
  node: { id: string; name: string; fleet: string; addrs: string[] }
  members: Array<{ id: string; name: string; status: MemberStatus; incarnation: number; addrs: string[] }>
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
