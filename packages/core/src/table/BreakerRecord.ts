import type { VClock } from '../clock/VectorClock.js'
import type { BreakerState, NodeId, Override } from '../types.js'

/** The fields a writer chooses; the version fields are stamped by the table. */
export interface RecordPayload {
  readonly state: BreakerState
  readonly override: Override
  /** How long 'open' lasts before a probe may start, already backed off. */
  readonly cooldownMs: number
  /** Consecutive opens, for exponential backoff of the cooldown. */
  readonly openCount: number
  /** Who holds the half-open probe claim. */
  readonly prober: NodeId | null
  /** Short human text, e.g. "failure rate 63% over 41 calls on n3". */
  readonly reason: string
}

/** One version of one breaker, as gossiped. */
export interface BreakerRecord extends RecordPayload {
  /** Breaker key: 1..128 of letters, digits and `. _ - : / @` (`isBreakerName`). */
  readonly name: string
  /** Who wrote this version. */
  readonly origin: NodeId
  /** Lamport timestamp of this version; with `origin`, the total order of versions. */
  readonly lamport: number
  /**
   * Versions seen, per writer. Detects concurrency only; never orders. Every
   * counter is at most `lamport` (each write raises the lamport above the
   * version it replaces), which the decoder enforces.
   */
  readonly vclock: VClock
  /** Origin's wall clock in ms since the epoch: for display only, never for ordering. */
  readonly wallTime: number
}

export const MAX_NAME_LENGTH = 128
export const MAX_REASON_LENGTH = 256
/**
 * Largest `openCount` written or accepted (2^32). It grows by one per re-open,
 * so no honest breaker gets near it; the bound keeps `openCount + 1` a safe
 * integer whatever a peer sends.
 */
export const MAX_OPEN_COUNT = 2 ** 32

/** A record's state with its override applied: what a node acting on it does. */
export function effectiveState(record: Pick<BreakerRecord, 'state' | 'override'>): BreakerState {
  if (record.override === 'forced-open') return 'open'
  if (record.override === 'forced-closed') return 'closed'
  return record.state
}
