import type { BreakerRecord } from '../table/BreakerRecord.js'

/**
 * Whether a record is old enough to collect, given when this node learned its
 * current version (`learnedAt`, monotonic ms): it has no override (overrides
 * stay until `reset`), its version is at least `ttlMs` old here, and, when it
 * is open or half-open, its cooldown is over too (such a breaker would be
 * probed by the next call anyway). The caller also keeps records it uses
 * itself and records still waiting to be gossiped.
 *
 * Collection is per node: each node drops what it has not used for the TTL.
 * A record no node uses is collected everywhere within a TTL (plus the sweep
 * period) of its last change; a node that still uses it keeps it, and its next
 * change reaches the others again. For a node that does not use a breaker, a
 * record with no override is the same as none.
 */
export function collectible(record: BreakerRecord, learnedAt: number, now: number, ttlMs: number): boolean {
  if (record.override !== null) return false
  const wait = record.state === 'closed' ? ttlMs : ttlMs + record.cooldownMs
  return now - learnedAt >= wait
}

/** What `RecordLifetime` reads from its node, per breaker name. */
export interface RecordUse {
  /** When this node learned the current version, monotonic ms (undefined: unknown). */
  learnedAt(name: string): number | undefined
  /** When this node's own handle on the breaker was last used (undefined: no handle). */
  lastUsedAt(name: string): number | undefined
  /** Whether the record waits to be gossiped. */
  isPending(name: string): boolean
}

/**
 * Which records a node may let go: on a sweep, those `collectible` and not in
 * use here; when the table is full, any record with no override that is not
 * in use here and not waiting to be gossiped (see `BreakerTableOptions.canEvict`).
 * "In use" means a local handle used within the TTL.
 */
export class RecordLifetime {
  constructor(
    readonly ttlMs: number,
    private readonly use: RecordUse,
  ) {}

  /** How often to sweep, ms: a quarter of the TTL, at most a minute. */
  get sweepEveryMs(): number {
    return Math.min(60_000, Math.max(1, Math.floor(this.ttlMs / 4)))
  }

  inUse(name: string, now: number): boolean {
    const last = this.use.lastUsedAt(name)
    return last !== undefined && now - last < this.ttlMs
  }

  canEvict(record: BreakerRecord, now: number): boolean {
    return record.override === null && !this.use.isPending(record.name) && !this.inUse(record.name, now)
  }

  /** The names to collect now. */
  sweep(records: Iterable<BreakerRecord>, now: number): string[] {
    const out: string[] = []
    for (const record of records) {
      const { name } = record
      if (!collectible(record, this.use.learnedAt(name) ?? -Infinity, now, this.ttlMs)) continue
      if (!this.use.isPending(name) && !this.inUse(name, now)) out.push(name)
    }
    return out
  }
}
