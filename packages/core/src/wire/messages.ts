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
 * Push-pull, first half: the sender's members and a digest of its table, in
 * one or more parts (one message each, all under `maxMessageBytes`). The
 * digest is sorted by name and cut into contiguous name ranges; part `part`
 * carries the entries of the range (`after`, `through`]: names greater than
 * `after` ('' is before every name) up to and including `through` (null: to
 * the end). A range whose `through` is not greater than `after` is empty (a
 * part that only carries members). The responder answers each part on its
 * own: the records in that range the requester lacks or holds older, and the
 * names of that range it wants. `join` is true until the node's first
 * complete sync (the responder answers even if it does not know the sender yet).
 */
export interface SyncRequestMessage {
  readonly v: 1
  readonly type: 'sync-req'
  readonly from: NodeId
  readonly join: boolean
  readonly members: readonly Member[]
  readonly digest: readonly DigestEntry[]
  /** The requester's id for this push-pull, echoed in every answer. */
  readonly session: number
  /** This part's index, `0 ≤ part < parts`. */
  readonly part: number
  /** How many parts the request has (1..`WIRE_LIMITS.maxSyncParts`). */
  readonly parts: number
  /** Exclusive lower bound of this part's name range; '' for the start. */
  readonly after: string
  /** Inclusive upper bound of this part's name range; null for the end. */
  readonly through: string | null
}

/**
 * Push-pull, second half, for one part of a request: the responder's members
 * (with the answers to part 0 only), the records in the part's range the
 * requester lacks or holds older, and the names of the range the responder
 * wants back (the requester answers those with `delta`s sent directly). One
 * part's answer may take several messages, each saying how many there are,
 * so the requester knows when the whole push-pull is complete whatever order
 * they arrive in.
 */
export interface SyncResponseMessage {
  readonly v: 1
  readonly type: 'sync-res'
  readonly from: NodeId
  readonly members: readonly Member[]
  readonly records: readonly BreakerRecord[]
  readonly want: readonly string[]
  /** The request's `session`. */
  readonly session: number
  /** The request part this answers. */
  readonly part: number
  /** How many messages answer that part (1..`WIRE_LIMITS.maxSyncParts`), this one included. */
  readonly messages: number
}

export type SwimMessage = PingMessage | AckMessage | PingReqMessage
export type SyncMessage = SyncRequestMessage | SyncResponseMessage
export type WireMessage = SwimMessage | DeltaMessage | SyncMessage
export type WireMessageType = WireMessage['type']

/**
 * Limits enforced by the decoder (and honoured by every message a node builds).
 *
 * `maxMessageBytes` is the largest legitimate message: a delta of one record
 * at the limits (128-character name, 256-character reason of 3-byte UTF-8
 * characters, 4,096 vector-clock entries with distinct 128-character ids, each
 * id once in the message's id table) encodes to about 582 KB; a member at the
 * limits (16 addresses of 256 3-byte characters) to about 13 KB. Everything
 * that can hold many of these (sync requests and answers, gossip deltas,
 * answers to `want`, piggybacked updates) is cut into parts that fit, so a
 * 10,000-breaker table syncs in a handful of messages. The runtime's frame
 * limit should be this number.
 */
export const WIRE_LIMITS = {
  /** Largest encoded message accepted, bytes (640 KiB). */
  maxMessageBytes: 640 * 1024,
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
  /** Most parts of one sync request, and most messages answering one part. */
  maxSyncParts: 4096,
} as const
