import type { Clock } from '../clock/Clock.js'
import type { SwimConfig } from '../membership/SwimConfig.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { FleetOptions } from './FleetOptions.js'
import type { DirectChannel, NodeId } from '../types.js'

/**
 * What a FleetNode needs from the network. Both are fire-and-forget: a message
 * may be lost, and the protocol copes (SWIM retries, push-pull repairs).
 */
export interface FleetTransport {
  /** One message to one peer on the SWIM or sync channel; `addrs` are the peer's known addresses. */
  send(to: NodeId, channel: DirectChannel, bytes: Uint8Array, addrs: readonly string[]): void
  /** One message to the whole fleet on the records topic. */
  publish(bytes: Uint8Array): void
}

/** A breaker's record changed at this node (a local write or a merged remote version). */
export interface BreakerChange {
  readonly name: string
  readonly record: BreakerRecord
  readonly previous: BreakerRecord | undefined
  /** true if this node wrote it */
  readonly local: boolean
  /** true if the merge met a concurrent version (a conflict, resolved by Lamport LWW) */
  readonly concurrent: boolean
}

export interface FleetNodeInit {
  self: { id: NodeId; name: string; addrs: string[] }
  /** Monotonic clock for every timer. */
  clock: Clock
  /** Wall clock, ms since the epoch: stamped on records for display only, never used to order. */
  wallClock: () => number
  transport: FleetTransport
  swim: SwimConfig
  options?: FleetOptions
  random?: () => number
  /**
   * Whether `id` can be a member: the runtime passes a libp2p peer-id check.
   * A member update naming anything else is dropped (`bad-member-id`).
   * Default: every id.
   */
  isValidNodeId?: (id: NodeId) => boolean
}

/** Message counters for metrics. */
export interface FleetCounters {
  messagesIn: number
  messagesOut: number
  bytesIn: number
  bytesOut: number
  /**
   * Dropped incoming messages, records and member updates, by reason: a
   * `WireError` code (`bad-name`, `bad-field`, `too-large`, …), `wrong-channel`,
   * `sender-mismatch`, `table-full`, `clock-leap`, `incarnation-leap`,
   * `bad-member-id`, `member-cap`, `sync-rate`; `unsendable` for a sync this
   * node could not send; and `unknown-section` for each section of a kind this
   * build does not know (a newer peer's), skipped while the rest of its message
   * was used: expected during a rolling upgrade, a sign of a mixed fleet otherwise.
   */
  dropped: Record<string, number>
  /** Local transitions that could not be written to the table (full): the breaker stayed local-only. */
  localOnlyWrites: number
  /** Records collected after `recordTtlMs` unused (evictions to make room are `table.evicted`). */
  recordsCollected: number
  /** This node's opinions published (gossip deltas; see `FleetOptions.opinionIntervalMs`). */
  opinionsPublished: number
  /** Errors thrown by the node's listeners (`onBreakerChange`, `onMemberChange`, …): caught and counted, they break neither a breaker call nor the node. */
  listenerErrors: number
}
