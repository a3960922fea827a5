import type { SwimConfig } from '../membership/SwimConfig.js'

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
   * Vector-clock entries of members dead or gone longer than this are pruned,
   * ms. Default 1 hour. Lower keeps records smaller under heavy churn; the
   * entries only detect concurrency, so pruning never changes a winner.
   */
  vclockTtlMs?: number
  /** Most breaker records the table holds; new names past it are refused and counted. Default 10,000. */
  maxRecords?: number
  /** Most records in one gossip delta; a larger burst is split. Default 256. */
  maxRecordsPerDelta?: number
}

export interface ResolvedFleetOptions {
  claimTimeoutMs: number
  vclockTtlMs: number
  maxRecords: number
  maxRecordsPerDelta: number
}

function positiveInt(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new RangeError(`${field} must be a positive integer, got ${String(value)}`)
  }
  return value
}

export function resolveFleetOptions(options: FleetOptions, swim: SwimConfig): ResolvedFleetOptions {
  return {
    claimTimeoutMs: positiveInt('claimTimeoutMs', options.claimTimeoutMs ?? Math.max(5_000, 4 * swim.probeIntervalMs)),
    vclockTtlMs: positiveInt('vclockTtlMs', options.vclockTtlMs ?? 3_600_000),
    maxRecords: positiveInt('maxRecords', options.maxRecords ?? 10_000),
    maxRecordsPerDelta: positiveInt('maxRecordsPerDelta', options.maxRecordsPerDelta ?? 256),
  }
}
