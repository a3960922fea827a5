import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { DigestEntry } from '../table/digest.js'
import type { Member } from '../membership/Member.js'
import type { Opinion } from '../table/Opinion.js'
import { MAX_UPDATES } from '../membership/SwimMessage.js'
import type { AckMessage, MemberUpdate, PingMessage, PingReqMessage, SwimMessage } from '../membership/SwimMessage.js'
import type { NodeId } from '../types.js'

export type { DigestEntry }
export type { MemberUpdate }
export type { Opinion }

/**
 * Version of the wire format. A message with another `v` is rejected as
 * `unsupported-version`. What bumps it and what does not: see `layout.ts`.
 */
export const PROTOCOL_VERSION = 1

/** A breaker record version piggybacked on a SWIM message (the record delegate's item kind). */
export interface RecordUpdate {
  readonly kind: 'record'
  readonly record: BreakerRecord
}

/** A per-node opinion piggybacked on a SWIM message (the opinion delegate's item kind). */
export interface OpinionUpdate {
  readonly kind: 'opinion'
  readonly opinion: Opinion
}

/** A piggybacked item as the wire carries it: a member's state, a breaker record version or an opinion. */
export type Update = MemberUpdate | RecordUpdate | OpinionUpdate

/** The SWIM messages with the item kinds this build knows (see `membership/SwimMessage.ts`). */
export type WirePing = PingMessage<RecordUpdate | OpinionUpdate>
export type WireAck = AckMessage<RecordUpdate | OpinionUpdate>
export type WirePingReq = PingReqMessage<RecordUpdate | OpinionUpdate>
export type WireSwimMessage = SwimMessage<RecordUpdate | OpinionUpdate>

/**
 * A gossip delta: breaker records that changed, and per-node opinions
 * (published on the records topic, or sent directly). `opinions` is absent
 * when there are none (the decoder leaves it out then).
 */
export interface DeltaMessage {
  readonly v: 1
  readonly type: 'delta'
  readonly from: NodeId
  readonly records: readonly BreakerRecord[]
  readonly opinions?: readonly Opinion[]
}


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
  /** The requester's fresh opinions (its own and those it holds), whatever the range; absent: none. */
  readonly opinions?: readonly Opinion[]
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
  /** The responder's fresh opinions (with the answers to part 0 only); absent: none. */
  readonly opinions?: readonly Opinion[]
}

export type SyncMessage = SyncRequestMessage | SyncResponseMessage
/** Every message this build decodes. */
export type WireMessage = WireSwimMessage | DeltaMessage | SyncMessage
/** Every message this build encodes: the SWIM messages may carry any item kind (one the wire does not know is refused with a `TypeError`). */
export type OutgoingMessage = SwimMessage | DeltaMessage | SyncMessage
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
  /** Most piggybacked updates on one SWIM message, member updates and items of every kind together. */
  maxUpdates: MAX_UPDATES,
  /** Most sections in one message, unknown ones included. */
  maxSections: 64,
  maxRecordsPerMessage: 10_000,
  /** Most opinions in one delta or sync message (piggybacked ones count as updates). */
  maxOpinionsPerMessage: 10_000,
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
