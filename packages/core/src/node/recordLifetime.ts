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
