/**
 * The view contract: the shapes the admin API, the CLI and other programs see.
 * `MeshView` is the `inspect --json` / `GET /v1/view` contract, `MeshEvent`
 * one `/v1/events` / `watch --json` line, `MeshStats` the `/v1/stats` body
 * (docs/ARCHITECTURE.md, "Protocols"): other programs read them, so fields
 * are only ever added. `AdminTarget` is what the admin server needs of a mesh.
 */
import type { BreakerState, Decision, Override, MemberStatus, Verdict } from '@breaker-mesh/core'
import type { DurationSnapshot } from './call/DurationHistogram.js'

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
    /** The fleet's state (the record, overrides applied); `closed` for a breaker used here that no node wrote yet. See `isolated`. */
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
    /** How the fleet decides this breaker (its `decision` option on this node; `any` for a breaker this node does not use). */
    decision: Decision
    /**
     * True while this node fails fast on its own: its own trip rules fired
     * but the fleet's policy (`quorum`, `aggregate`) did not open it (the
     * fleet's `state` stays `closed`). It rejoins through its own half-open trial.
     */
    isolated: boolean
    /**
     * What the fresh opinions of the fleet say (this node's own included):
     * `failing` of the `fresh` counted opinions see the dependency failing;
     * `needed` failing ones open it (`quorum`; `aggregate`: the reporters
     * needed, `minReporting`; `any`: 1); `degraded`: fewer than
     * `minReporting` reporters, each node decides for itself.
     */
    fleet: { failing: number; fresh: number; needed: number; degraded: boolean }
    /** The fresh opinions behind `fleet`, this node's own first (`ageMs` 0): each member's verdict and window. */
    opinions: Array<{ node: string; verdict: Verdict; calls: number; failures: number; slow: number; ageMs: number }>
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
    /** The fleet's state (the record, overrides applied); `closed` for a breaker used here that no node wrote yet. See `isolated`. */
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
    /** This node fails fast on its own (see `MeshView` `isolated`). */
    isolated?: boolean
    /** Too few fresh reporters for the fleet to decide (see `MeshView` `fleet.degraded`). */
    degraded?: boolean
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
  /** Other members' per-node opinions held (bounded by live members × breakers in use). */
  opinionsHeld?: number
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
