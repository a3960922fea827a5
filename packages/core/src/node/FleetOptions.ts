import { DEFAULT_LEAP_PER_SECOND, DEFAULT_MAX_LEAP, MAX_OBSERVED } from '../clock/LeapBudget.js'
import { DEFAULT_MAX_MEMBERS } from '../membership/Swim.js'
import type { SwimConfig } from '../membership/SwimConfig.js'
import { WIRE_LIMITS } from '../wire/messages.js'
import { integerAtLeast, integerIn, invalid, numberAtLeast } from '../util/validate.js'

/** Options of a `FleetNode`; see `resolveFleetOptions` for defaults. */
export interface FleetOptions {
  /**
   * How long a half-open probe claim (or an unclaimed, cooled-down open record)
   * stands before the next rendezvous choice may claim, ms. Default: 4 × the
   * SWIM probe interval, at least 5,000 ms (longer than a typical call timeout). Lower re-probes sooner after a
   * prober dies; too low lets a slow trial call be overtaken by a second one.
   */
  claimTimeoutMs?: number
  /**
   * Vector-clock entries of members dead or gone longer than this are pruned
   * (and the node forgets those ids), ms. Default 1 hour. Entries of ids that
   * are not members at all are pruned at the next pass (every minute at
   * most). Lower keeps records smaller under heavy churn; the entries only
   * detect concurrency, so pruning never changes a winner.
   */
  vclockTtlMs?: number
  /**
   * Most breaker records the table holds, default 10,000 (~0.5 KB each).
   * When full, a new name takes the place of the least recently changed
   * record that has no override and that this node has not used for
   * `recordTtlMs`; with none such, a remote one is refused (`table-full`) and
   * a local one stays local (`localOnly`).
   */
  maxRecords?: number
  /** Most records in one gossip delta; a larger burst is split (also by bytes). Default 256. */
  maxRecordsPerDelta?: number
  /**
   * Record TTL, ms. Default 1 hour. A record with no override that this node
   * has not used (no local call, no new version) for this long, and whose
   * cooldown is over, is collected: dropped from this node's table, its
   * version kept as a tombstone for another TTL so stale copies cannot bring
   * it back. A node that still uses the breaker keeps it, and its next change
   * reaches everyone again. Overrides are never collected (only `reset` ends
   * them). Lower frees room sooner after a flood of names; higher keeps idle
   * breakers visible in views longer.
   */
  recordTtlMs?: number
  /**
   * Most members listed, self and dead or left ones included. Default 1,024.
   * A new member past it is refused (`member-cap`) unless it reached this
   * node itself, when the oldest unconfirmed, else longest gone, member makes room.
   */
  maxMembers?: number
  /**
   * Largest forward leap of a Lamport timestamp or a member incarnation
   * accepted from a peer at once. Default 2^40. See `LeapBudget`.
   */
  maxClockLeap?: number
  /** Refill rate of the leap budget, units per second. Default 2^16 (65,536). See `LeapBudget`. */
  clockLeapPerSecond?: number
  /**
   * Per-node opinions (breakers whose `decision` is `quorum` or `aggregate`):
   * the shortest time between two publications of this node's opinion of one
   * breaker, ms. Default: the SWIM probe interval (lan 1,000, local 500). An
   * opinion is published when its verdict changes (at the next flush), when
   * its window counts changed and this long has passed, and, unchanged, every
   * `max(opinionIntervalMs, opinionTtlMs / 3)` while the breaker is in use
   * (so receivers can tell a silent writer from a steady one). Each
   * publication is ~40 bytes in the next gossip delta. Lower: fresher
   * counts for `aggregate`, more bytes; higher: cheaper, slower to react.
   */
  opinionIntervalMs?: number
  /**
   * How long an opinion counts after its writer published it, ms (its age
   * travels with it, so a relayed copy is not younger). Default 5 ×
   * `opinionIntervalMs` (lan 5 s, local 2.5 s); must be more than
   * `opinionIntervalMs`. An opinion of a dead or left member stops counting
   * at once. Lower drops a frozen or partitioned node's opinion sooner; too
   * low expires steady opinions between two keep-alives.
   */
  opinionTtlMs?: number
}

export interface ResolvedFleetOptions {
  claimTimeoutMs: number
  vclockTtlMs: number
  maxRecords: number
  maxRecordsPerDelta: number
  recordTtlMs: number
  maxMembers: number
  maxClockLeap: number
  clockLeapPerSecond: number
  opinionIntervalMs: number
  opinionTtlMs: number
}

/** Default `recordTtlMs`: 1 hour. */
export const DEFAULT_RECORD_TTL_MS = 3_600_000

/** Default `vclockTtlMs`: 1 hour. */
export const DEFAULT_VCLOCK_TTL_MS = 3_600_000

/** Fill in defaults and validate: a `RangeError` names the field and quotes the value. */
export function resolveFleetOptions(options: FleetOptions, swim: SwimConfig): ResolvedFleetOptions {
  const opinionIntervalMs = integerAtLeast('opinionIntervalMs', options.opinionIntervalMs, 1, Math.ceil(swim.probeIntervalMs))
  const opinionTtlMs = integerAtLeast('opinionTtlMs', options.opinionTtlMs, 1, 5 * opinionIntervalMs)
  if (opinionTtlMs <= opinionIntervalMs) throw invalid('opinionTtlMs', `an integer > opinionIntervalMs (${opinionIntervalMs})`, opinionTtlMs)
  return {
    opinionIntervalMs,
    opinionTtlMs,
    claimTimeoutMs: integerAtLeast('claimTimeoutMs', options.claimTimeoutMs, 1, Math.max(5_000, 4 * swim.probeIntervalMs)),
    vclockTtlMs: integerAtLeast('vclockTtlMs', options.vclockTtlMs, 1, DEFAULT_VCLOCK_TTL_MS),
    maxRecords: integerAtLeast('maxRecords', options.maxRecords, 1, 10_000),
    maxRecordsPerDelta: integerIn('maxRecordsPerDelta', options.maxRecordsPerDelta, 1, WIRE_LIMITS.maxRecordsPerMessage, 256),
    recordTtlMs: integerAtLeast('recordTtlMs', options.recordTtlMs, 1, DEFAULT_RECORD_TTL_MS),
    maxMembers: integerAtLeast('maxMembers', options.maxMembers, 1, DEFAULT_MAX_MEMBERS),
    maxClockLeap: integerIn('maxClockLeap', options.maxClockLeap, 1, MAX_OBSERVED, DEFAULT_MAX_LEAP),
    clockLeapPerSecond: numberAtLeast('clockLeapPerSecond', options.clockLeapPerSecond, 0, DEFAULT_LEAP_PER_SECOND),
  }
}
