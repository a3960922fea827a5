import type { AppItem } from './SwimMessage.js'
import type { NodeId } from '../types.js'

/**
 * The room one outgoing SWIM message has left for a delegate's items (the
 * idea of memberlist's `GetBroadcasts(overhead, limit)`).
 */
export interface BroadcastLimit {
  /** The member the message goes to: leave out what it is known to hold already. */
  readonly to: NodeId
  /** Most items the delegate may return (what the message's `maxPiggyback` count has left). */
  readonly count: number
  /**
   * Whether `item` fits the message's byte budget (`PIGGYBACK_BYTES`, shared
   * with the member updates before it); counts its bytes when it does. An item
   * that does not fit must not be returned.
   */
  fits(item: AppItem): boolean
}

/**
 * How an application rides on membership, as memberlist's `Delegate` /
 * `Broadcast` do: membership carries the application's items on its messages
 * and hands over what arrives, without knowing what the items are. One
 * delegate per item kind (`Swim.register`); the breaker records are one
 * (`node/RecordDelegate.ts`), and a later kind is one more.
 *
 * Membership calls `broadcasts` for every message it sends (probes, acks,
 * ping-reqs, gossip rounds), after its own member updates, and `notify` for
 * every item of this kind in a message it receives, in message order, while
 * it applies that message (before it answers it).
 */
export interface MembershipDelegate<I extends AppItem = AppItem> {
  /** The item kind this delegate owns: unique per `Swim`, and never 'member'. */
  readonly kind: I['kind']
  /** Items waiting to be piggybacked. */
  readonly queued: number
  /**
   * Whether this delegate's waiting items start SWIM gossip rounds (extra
   * pings to `gossipNodes` members every `gossipIntervalMs`) [true]. False for
   * items that have a dissemination path of their own (the breaker records go
   * by gossipsub): they then ride only on messages membership sends anyway
   * (probes, acks, ping-reqs, rounds started by member news), as a repair path,
   * and cost no extra message.
   */
  readonly gossipRounds?: boolean
  /**
   * The items to piggyback on one message, within `limit`: at most
   * `limit.count`, each one accepted by `limit.fits`. Each returned item
   * counts as one transmission of it.
   */
  broadcasts(limit: BroadcastLimit): I[]
  /** An item of this kind arrived piggybacked from member `from`. */
  notify(item: I, from: NodeId): void
}
