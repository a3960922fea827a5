import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { Opinion } from '../table/Opinion.js'
import { WIRE_LIMITS, type DeltaMessage } from '../wire/messages.js'
import { paginate } from '../wire/MessageSize.js'
import { Packer } from './Packer.js'
import type { NodeId } from '../types.js'

/**
 * `records` (and `opinions`) as delta messages from `from` that each fit one
 * message: at most `maxRecordsPerDelta` records, `maxOpinionsPerMessage`
 * opinions and `maxMessageBytes` bytes. The one place records are cut into
 * deltas (gossip flushes and answers to `want`); opinions ride in the same
 * messages as the records of the same flush, their own section after them.
 */
export function deltaMessages(from: NodeId, records: readonly BreakerRecord[], maxRecordsPerDelta: number, opinions: readonly Opinion[] = []): DeltaMessage[] {
  if (opinions.length === 0) {
    return paginate(records, (size, r) => size.addRecord(r), maxRecordsPerDelta).map((page) => ({ v: 1, type: 'delta', from, records: page }))
  }
  const packer = new Packer(from, WIRE_LIMITS.maxMessageBytes, () => ({ records: [] as BreakerRecord[], opinions: [] as Opinion[] }))
  packer.put(records, (p) => p.records, maxRecordsPerDelta, (size, r) => size.addRecord(r))
  packer.put(opinions, (p) => p.opinions, WIRE_LIMITS.maxOpinionsPerMessage, (size, o) => size.addOpinion(o))
  return packer
    .done()
    .filter((p) => p.records.length > 0 || p.opinions.length > 0)
    .map((p) => (p.opinions.length > 0 ? { v: 1, type: 'delta', from, records: p.records, opinions: p.opinions } : { v: 1, type: 'delta', from, records: p.records }))
}
