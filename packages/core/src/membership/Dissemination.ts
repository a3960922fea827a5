import type { BreakerRecord, NodeId } from '../table/BreakerRecord.js'
import type { Update } from '../wire/messages.js'
import { MessageSize } from '../wire/wireSize.js'
import { BroadcastQueue } from './BroadcastQueue.js'
import type { Member } from './Member.js'

/** Most bytes of piggybacked updates on one SWIM message: a record wider than this travels by gossip and push-pull only. */
export const PIGGYBACK_BYTES = 64 * 1024

export interface DisseminationOptions {
  readonly self: NodeId
  readonly retransmitMult: number
  /** Most updates on one message. */
  readonly maxPiggyback: number
  /** Live member count, for the retransmit limit. */
  readonly clusterSize: () => number
}

/**
 * What rides on SWIM messages: our own news first (join, refutation, leave),
 * then member updates, then breaker records, each from a transmit-limited
 * queue (`BroadcastQueue`), at most `maxPiggyback` updates and
 * `PIGGYBACK_BYTES` bytes a message.
 */
export class Dissemination {
  private readonly self: NodeId
  private readonly maxPiggyback: number
  private readonly selfQueue: BroadcastQueue
  private readonly memberQueue: BroadcastQueue
  private readonly recordQueue: BroadcastQueue

  constructor(options: DisseminationOptions) {
    const { retransmitMult, clusterSize } = options
    this.self = options.self
    this.maxPiggyback = options.maxPiggyback
    this.selfQueue = new BroadcastQueue({ retransmitMult, clusterSize })
    this.memberQueue = new BroadcastQueue({ retransmitMult, clusterSize })
    this.recordQueue = new BroadcastQueue({
      retransmitMult,
      clusterSize,
      supersedes: (incoming, queued) =>
        incoming.kind !== 'record' || queued.kind !== 'record' || !recordIsNewer(queued.record, incoming.record),
    })
  }

  /** Updates waiting. */
  get size(): number {
    return this.selfQueue.size + this.memberQueue.size + this.recordQueue.size
  }

  /** Queue a member's view (ours in the self queue); `source` told us and does not need it back. */
  queueMember(member: Member, source: NodeId | null): void {
    const queue = member.id === this.self ? this.selfQueue : this.memberQueue
    queue.enqueue({ kind: 'member', member }, source)
  }

  /** Queue a record version, unless a newer one is queued or it could never fit a message. */
  queueRecord(record: BreakerRecord, source: NodeId | null): void {
    if (!fitsPiggyback(record)) return
    this.recordQueue.enqueue({ kind: 'record', record }, source)
  }

  /** `from` sent us this member view: it holds it, do not spend a transmission on it. */
  memberKnownBy(member: Member, from: NodeId): void {
    this.memberQueue.markKnown(BroadcastQueue.keyOf({ kind: 'member', member }), from)
  }

  /** `from` sent us this record version: if it is the one we queue, it holds it. */
  recordKnownBy(record: BreakerRecord, from: NodeId): void {
    const key = BroadcastQueue.keyOf({ kind: 'record', record })
    const queued = this.recordQueue.peek(key)
    if (queued?.kind === 'record' && queued.record.lamport === record.lamport && queued.record.origin === record.origin) {
      this.recordQueue.markKnown(key, from)
    }
  }

  /**
   * Updates for one message to `to`: `first` (our view of `to` when we hold it
   * suspect or dead, then corrections), our own news, member updates and
   * records. Nothing twice; within the count and byte budget.
   */
  updatesFor(to: NodeId, first: readonly Update[]): Update[] {
    const max = this.maxPiggyback
    const updates: Update[] = []
    const keys = new Set<string>()
    const size = new MessageSize(PIGGYBACK_BYTES)
    const add = (update: Update): void => {
      const key = BroadcastQueue.keyOf(update)
      if (updates.length < max && !keys.has(key) && size.addUpdate(update)) {
        keys.add(key)
        updates.push(update)
      }
    }
    for (const update of first) add(update)
    for (const update of this.selfQueue.take(max - updates.length, to)) add(update)
    if (updates.length < max) for (const update of this.memberQueue.take(max - updates.length, to)) add(update)
    if (updates.length < max) for (const update of this.recordQueue.take(max - updates.length, to)) add(update)
    return updates
  }
}

/** Whether record version `a` is newer than `b`, by (lamport, origin). */
function recordIsNewer(a: BreakerRecord, b: BreakerRecord): boolean {
  if (a.lamport !== b.lamport) return a.lamport > b.lamport
  return a.origin > b.origin
}

function fitsPiggyback(record: BreakerRecord): boolean {
  const size = new MessageSize(Infinity)
  size.addRecord(record)
  return size.bytes <= PIGGYBACK_BYTES
}
