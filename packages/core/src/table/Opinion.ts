import type { NodeId, Verdict } from '../types.js'

/**
 * One node's opinion of one breaker: a single-writer record keyed by
 * (`breaker`, `node`), which only `node` writes. It says whether the
 * writer's own trip rules find the dependency failing, and the window counts
 * they looked at. A fleet decides on the fresh opinions of its live members
 * (see `node/decideFleet.ts`).
 */
export interface Opinion {
  /** Breaker name (`isBreakerName`). */
  readonly breaker: string
  /** The writer. */
  readonly node: NodeId
  readonly verdict: Verdict
  /** The writer's window: calls, failed calls, slow calls (failures and slow ≤ calls). */
  readonly calls: number
  readonly failures: number
  readonly slow: number
  /** +1 per publication by the writer: a higher one replaces a lower one. */
  readonly seq: number
  /**
   * How old the opinion is, ms, as the sender knows it: 0 when the writer
   * publishes it, the time a relay held it added on each relay, so a stale
   * opinion is never young again (it expires after `opinionTtlMs` wherever it is).
   */
  readonly ageMs: number
}

/** Largest `seq` and `ageMs` written or accepted (2^48): far beyond any honest value, a safe integer after + 1. */
export const MAX_OPINION_NUMBER = 2 ** 48
