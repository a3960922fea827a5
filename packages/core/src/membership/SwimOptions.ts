import type { LeapLimits } from '../clock/LeapBudget.js'
import type { PiggybackMeasureFactory } from './Dissemination.js'
import type { SwimConfig } from './SwimConfig.js'
import type { SwimMessage } from './SwimMessage.js'
import type { NodeId } from '../types.js'

/** A message `Swim` wants sent; the runtime delivers it (best effort, loss is fine). */
export interface Outgoing {
  readonly to: NodeId
  readonly message: SwimMessage
}

export interface SwimOptions {
  /** This node: its id (libp2p peer id), display name and listen addresses. */
  readonly self: { readonly id: NodeId; readonly name: string; readonly addrs: readonly string[] }
  /** Timing, from `resolveSwimConfig` (validated again here). */
  readonly config: SwimConfig
  /** Monotonic time of creation, ms. */
  readonly now: number
  /** Source of randomness in [0, 1) (probe order, helpers, gossip targets). Default `Math.random`. */
  readonly random?: () => number
  /**
   * Most members listed, self and dead or left ones included (default 1,024).
   * A new member past it is refused and counted (`member-cap`), unless it
   * reached us itself: then the oldest unconfirmed member, else the member
   * gone longest, makes room. Costs about 1 KB a member.
   */
  readonly maxMembers?: number
  /** Whether `id` can be a member's id (the runtime checks it is a peer id). Default: any. Refused: `bad-member-id`. */
  readonly isValidNodeId?: (id: NodeId) => boolean
  /** How far a member's incarnation may move forward at once and per second (see `LeapBudget`). Default 2^40, 2^16/s. */
  readonly incarnationLimits?: LeapLimits
  /** Called for each refused member update, with the reason (`bad-member-id`, `member-cap`, `incarnation-leap`). */
  readonly onDrop?: (reason: string) => void
  /**
   * How many bytes the updates of one message take once encoded, to keep them
   * within `PIGGYBACK_BYTES` (the fleet node passes the wire layer's
   * `piggybackMeasure`). Default: no byte limit, only `maxPiggyback`.
   */
  readonly measure?: PiggybackMeasureFactory
}
