import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { DeltaMessage } from '../wire/messages.js'
import { paginate } from '../wire/MessageSize.js'
import type { NodeId } from '../types.js'

/**
 * `records` as delta messages from `from` that each fit one message: at
 * most `maxRecordsPerDelta` records and `maxMessageBytes` bytes. The one
 * place records are cut into deltas (gossip flushes and answers to `want`).
 */
export function deltaMessages(from: NodeId, records: readonly BreakerRecord[], maxRecordsPerDelta: number): DeltaMessage[] {
  return paginate(records, (size, r) => size.addRecord(r), maxRecordsPerDelta).map((page) => ({ v: 1, type: 'delta', from, records: page }))
}
