import { BroadcastQueue } from './BroadcastQueue.js'
import type { Member } from './Member.js'
import type { BroadcastLimit, MembershipDelegate } from './MembershipDelegate.js'
import type { AppItem, MemberUpdate, Update } from './SwimMessage.js'
import type { NodeId } from '../types.js'

/** Most bytes of piggybacked updates on one SWIM message: an item wider than this travels by other means (gossip, push-pull). */
export const PIGGYBACK_BYTES = 64 * 1024

/**
 * Counts the encoded bytes of one message's piggybacked updates. The wire
 * layer knows the sizes (`piggybackMeasure` in `wire/MessageSize.ts`); the
 * fleet node passes it to `Swim`.
 */
export interface PiggybackMeasure {
  /** Whether `update` still fits; counts its bytes when it does. */
  add(update: Update): boolean
}

/** A fresh measure for one message whose updates may take `limitBytes`. */
export type PiggybackMeasureFactory = (limitBytes: number) => PiggybackMeasure

/** Without a measure only the count limit applies (member updates alone stay far below any message limit). */
const COUNT_ONLY: PiggybackMeasure = { add: () => true }

export interface DisseminationOptions {
  readonly self: NodeId
  readonly retransmitMult: number
  /** Most updates on one message. */
  readonly maxPiggyback: number
  /** Live member count, for the retransmit limit. */
  readonly clusterSize: () => number
  readonly measure?: PiggybackMeasureFactory
}

/**
 * What rides on SWIM messages: our own news first (join, refutation, leave),
 * then member updates, each from a transmit-limited queue
 * (`BroadcastQueue`), then the items of each registered delegate, at most
 * `maxPiggyback` updates and `PIGGYBACK_BYTES` bytes a message.
 */
export class Dissemination {
  private readonly self: NodeId
  private readonly maxPiggyback: number
  private readonly measure: PiggybackMeasureFactory
  private readonly selfQueue: BroadcastQueue<MemberUpdate>
  private readonly memberQueue: BroadcastQueue<MemberUpdate>
  private readonly delegates: MembershipDelegate[] = []

  constructor(options: DisseminationOptions) {
    const { retransmitMult, clusterSize } = options
    this.self = options.self
    this.maxPiggyback = options.maxPiggyback
    this.measure = options.measure ?? (() => COUNT_ONLY)
    this.selfQueue = new BroadcastQueue({ retransmitMult, clusterSize, key: memberKey })
    this.memberQueue = new BroadcastQueue({ retransmitMult, clusterSize, key: memberKey })
  }

  /** Add the delegate of one application item kind; its items follow the member updates, in registration order. */
  register(delegate: MembershipDelegate): void {
    this.delegates.push(delegate)
  }

  /** Updates waiting, the delegates' included. */
  get size(): number {
    let n = this.selfQueue.size + this.memberQueue.size
    for (const delegate of this.delegates) n += delegate.queued
    return n
  }

  /** Updates waiting that call for a gossip round: member news, and the items of delegates that want rounds. */
  get urgent(): number {
    let n = this.selfQueue.size + this.memberQueue.size
    for (const delegate of this.delegates) if (delegate.gossipRounds !== false) n += delegate.queued
    return n
  }

  /** Queue a member's view (ours in the self queue); `source` told us and does not need it back. */
  queueMember(member: Member, source: NodeId | null): void {
    const queue = member.id === this.self ? this.selfQueue : this.memberQueue
    queue.enqueue({ kind: 'member', member }, source)
  }

  /** `from` sent us this member view: it holds it, do not spend a transmission on it. */
  memberKnownBy(member: Member, from: NodeId): void {
    this.memberQueue.markKnown(member.id, from)
  }

  /**
   * Updates for one message to `to`: `first` (our view of `to` when we hold it
   * suspect or dead, then corrections), our own news, member updates, then
   * each delegate's items. Nothing twice; within the count and byte budget.
   */
  updatesFor(to: NodeId, first: readonly MemberUpdate[]): Update[] {
    const max = this.maxPiggyback
    const updates: Update[] = []
    const keys = new Set<string>()
    const size = this.measure(PIGGYBACK_BYTES)
    const add = (update: MemberUpdate): void => {
      const key = update.member.id
      if (updates.length < max && !keys.has(key) && size.add(update)) {
        keys.add(key)
        updates.push(update)
      }
    }
    for (const update of first) add(update)
    for (const update of this.selfQueue.take(max - updates.length, to)) add(update)
    if (updates.length < max) for (const update of this.memberQueue.take(max - updates.length, to)) add(update)
    for (const delegate of this.delegates) {
      if (updates.length >= max) break
      if (delegate.queued === 0) continue
      const limit: BroadcastLimit = { to, count: max - updates.length, fits: (item: AppItem) => size.add(item) }
      for (const item of delegate.broadcasts(limit)) if (updates.length < max) updates.push(item)
    }
    return updates
  }
}

function memberKey(update: MemberUpdate): string {
  return update.member.id
}
