import type { Member } from './Member.js'
import type { NodeId } from '../types.js'

/**
 * The SWIM messages as membership speaks them, before any encoding (the wire
 * layer, `wire/`, turns them into bytes). Besides member updates they carry
 * application items (`AppItem`) that membership never looks inside: each is
 * handed to the delegate registered for its `kind` (see `MembershipDelegate`).
 */

/** Most updates (member updates and application items together) one SWIM message carries; the decoder refuses more. */
export const MAX_UPDATES = 256

/** One member's state, piggybacked. */
export interface MemberUpdate {
  readonly kind: 'member'
  readonly member: Member
}

/**
 * An application item riding on SWIM messages (a breaker record, for
 * instance). Membership only reads `kind`, to route it to its delegate.
 */
export interface AppItem {
  readonly kind: string
}

/** What a SWIM message piggybacks: member updates, then application items of type `I`. */
export type Update<I extends AppItem = AppItem> = MemberUpdate | I

/** Whether `update` is a member update (an application item never has kind 'member'). */
export function isMemberUpdate(update: Update): update is MemberUpdate {
  return update.kind === 'member'
}

/** SWIM direct probe. `from` is the sender's node id. */
export interface PingMessage<I extends AppItem = AppItem> {
  readonly v: 1
  readonly type: 'ping'
  readonly from: NodeId
  readonly seq: number
  readonly updates: readonly Update<I>[]
}

/** Answer to a ping (also relayed back to the requester of a ping-req, with the requester's seq). */
export interface AckMessage<I extends AppItem = AppItem> {
  readonly v: 1
  readonly type: 'ack'
  readonly from: NodeId
  readonly seq: number
  readonly updates: readonly Update<I>[]
}

/** Ask `from`'s peer to ping `target` on its behalf and relay the ack with `seq`. */
export interface PingReqMessage<I extends AppItem = AppItem> {
  readonly v: 1
  readonly type: 'ping-req'
  readonly from: NodeId
  readonly seq: number
  readonly target: NodeId
  readonly updates: readonly Update<I>[]
}

export type SwimMessage<I extends AppItem = AppItem> = PingMessage<I> | AckMessage<I> | PingReqMessage<I>
