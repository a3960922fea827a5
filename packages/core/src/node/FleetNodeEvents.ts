import type { Member } from '../membership/Member.js'
import { EventEmitter } from '../util/Event.js'
import type { Disposer } from '../util/Event.js'
import type { BreakerChange, FleetCounters } from './FleetTypes.js'
import type { MemberStatus, NodeId } from '../types.js'

type MemberChange = readonly [member: Member, previous: MemberStatus | null]

/**
 * A fleet node's events and counters (the half of `FleetNode` that the
 * runtime subscribes to and reads for metrics). A listener that throws is
 * counted (`counters.listenerErrors`) and stops neither the others nor the node.
 */
export abstract class FleetNodeEvents {
  readonly counters: FleetCounters = {
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    dropped: Object.create(null) as Record<string, number>,
    localOnlyWrites: 0,
    recordsCollected: 0,
    opinionsPublished: 0,
    listenerErrors: 0,
  }

  private readonly countError = (): void => {
    this.counters.listenerErrors++
  }
  protected readonly changed = new EventEmitter<BreakerChange>(this.countError)
  protected readonly memberChanged = new EventEmitter<MemberChange>(this.countError)
  protected readonly syncedWith = new EventEmitter<NodeId>(this.countError)
  protected readonly pending = new EventEmitter<void>(this.countError)
  protected readonly wentLocalOnly = new EventEmitter<string>(this.countError)

  /** A breaker's version changed here. */
  onBreakerChange(listener: (change: BreakerChange) => void): Disposer {
    return this.changed.add(listener)
  }

  /** A member's status changed in this node's view. */
  onMemberChange(listener: (member: Member, previous: MemberStatus | null) => void): Disposer {
    return this.memberChanged.add(([member, previous]) => listener(member, previous))
  }

  /** A push-pull with `peer` completed: every part answered (the first one means this node has joined). */
  onSynced(listener: (peer: NodeId) => void): Disposer {
    return this.syncedWith.add(listener)
  }

  /** Breaker `name` just became local-only (its transition could not be shared: table full). Fired once per change. */
  onLocalOnly(listener: (name: string) => void): Disposer {
    return this.wentLocalOnly.add(listener)
  }

  /** Records or opinions wait to be gossiped: call `flush()` soon (same tick is fine; it coalesces). */
  onPending(listener: () => void): Disposer {
    return this.pending.add(listener)
  }

  /** Count `count` dropped messages, records or updates under `reason` (`counters.dropped`). */
  protected drop(reason: string, count = 1): void {
    this.counters.dropped[reason] = (this.counters.dropped[reason] ?? 0) + count
  }
}
