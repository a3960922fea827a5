import { compareVClocks, mergeVClocks, vclockCovers } from '../clock/VectorClock.js'
import type { BreakerRecord } from './BreakerRecord.js'
import { compareVersions } from './compareVersions.js'

export interface RecordMerge {
  /** The join of both versions. Is `local` itself when nothing changed. */
  readonly record: BreakerRecord
  /** Whether `record` differs from `local` (payload, version or vclock). */
  readonly changed: boolean
  /** Whether the two versions were written without either seeing the other. */
  readonly concurrent: boolean
  /** Whose payload `record` carries (`local` when both are the same version). */
  readonly winner: 'local' | 'incoming'
}

/**
 * Merge one version of a breaker into the local one: the join of the two.
 * The payload (every field but `vclock`) is that of the newer version by
 * `(lamport, origin)` (see `compareVersions`); the vclock is the pointwise
 * maximum of both. Commutative, associative and idempotent on the whole
 * record, so any delivery order, duplication or retransmission converges.
 *
 * Both records must have the same `name` (a `RangeError` otherwise).
 */
export function mergeRecords(local: BreakerRecord | undefined, incoming: BreakerRecord): RecordMerge {
  if (!local) return { record: incoming, changed: true, concurrent: false, winner: 'incoming' }
  if (local.name !== incoming.name) {
    throw new RangeError(`mergeRecords: names differ ("${local.name}" and "${incoming.name}")`)
  }
  const concurrent = compareVClocks(local.vclock, incoming.vclock) === 'concurrent'
  const winner = compareVersions(local, incoming) >= 0 ? 'local' : 'incoming'
  const [base, other] = winner === 'local' ? [local, incoming] : [incoming, local]
  const record = vclockCovers(base.vclock, other.vclock)
    ? base
    : { ...base, vclock: mergeVClocks(base.vclock, other.vclock) }
  return { record, changed: record !== local, concurrent, winner }
}
