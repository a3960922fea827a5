import type { BreakerRecord, NodeId } from '../table/BreakerRecord.js'
import type { Member } from '../membership/Member.js'

/** Version of the wire format. A message with another `v` is rejected as `unsupported-version`. */
export const PROTOCOL_VERSION = 1

/** A piggybacked dissemination item: a member's state or a breaker record version. */
export type Update =
  | { readonly kind: 'member'; readonly member: Member }
  | { readonly kind: 'record'; readonly record: BreakerRecord }

/** SWIM direct probe. `from` is the sender's node id. */
export interface PingMessage {
  readonly v: 1
  readonly type: 'ping'
  readonly from: NodeId
  readonly seq: number
  readonly updates: readonly Update[]
}

/** Answer to a ping (also relayed back to the requester of a ping-req, with the requester's seq). */
export interface AckMessage {
  readonly v: 1
  readonly type: 'ack'
  readonly from: NodeId
  readonly seq: number
  readonly updates: readonly Update[]
}

/** Ask `from`'s peer to ping `target` on its behalf and relay the ack with `seq`. */
export interface PingReqMessage {
  readonly v: 1
  readonly type: 'ping-req'
  readonly from: NodeId
  readonly seq: number
  readonly target: NodeId
  readonly updates: readonly Update[]
}

/** A gossip delta: breaker records that changed (published on the records topic, or sent directly). */
export interface DeltaMessage {
  readonly v: 1
  readonly type: 'delta'
  readonly from: NodeId
  readonly records: readonly BreakerRecord[]
}

/** One table entry's version: [name, lamport, origin]. */
export type DigestEntry = readonly [name: string, lamport: number, origin: NodeId]

/**
 * Push-pull, first half: the sender's members and a digest of its table.
 * `join` is true on a node's first sync (the responder answers even if it
 * does not know the sender yet).
 */
export interface SyncRequestMessage {
  readonly v: 1
  readonly type: 'sync-req'
  readonly from: NodeId
  readonly join: boolean
  readonly members: readonly Member[]
  readonly digest: readonly DigestEntry[]
}

/**
 * Push-pull, second half: the responder's members, the records the requester
 * lacks or holds older, and the names the responder wants back (requester
 * answers those with a `delta` sent directly).
 */
export interface SyncResponseMessage {
  readonly v: 1
  readonly type: 'sync-res'
  readonly from: NodeId
  readonly members: readonly Member[]
  readonly records: readonly BreakerRecord[]
  readonly want: readonly string[]
}

export type SwimMessage = PingMessage | AckMessage | PingReqMessage
export type SyncMessage = SyncRequestMessage | SyncResponseMessage
export type WireMessage = SwimMessage | DeltaMessage | SyncMessage
export type WireMessageType = WireMessage['type']

/** Limits enforced by the decoder. */
export const WIRE_LIMITS = {
  /** Largest encoded message accepted, bytes. A full sync of a 10,000-breaker table fits. */
  maxMessageBytes: 8 * 1024 * 1024,
  maxUpdates: 256,
  maxRecordsPerMessage: 10_000,
  maxMembers: 4096,
  maxAddrsPerMember: 16,
  maxAddrLength: 256,
  maxIdLength: 128,
  maxNameLength: 128,
  maxReasonLength: 256,
  maxVClockEntries: 4096,
  maxWantNames: 10_000,
} as const
