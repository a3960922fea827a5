import type { NodeId } from '../types.js'

/** A ping sent for someone else's ping-req: its ack goes back to `requester` under `seq`. */
export interface Relay {
  readonly requester: NodeId
  /** The requester's probe seq. */
  readonly seq: number
  /** When to give up waiting for the target's ack, ms. */
  readonly expiresAt: number
}

/**
 * The ping-reqs a node serves, keyed by the seq of its own ping to the
 * target. Bounded: past `capacity` new ones are refused, so no peer can grow
 * our memory with ping-reqs.
 */
export class Relays {
  private readonly pending = new Map<number, Relay>()

  constructor(private readonly capacity = 1024) {}

  get size(): number {
    return this.pending.size
  }

  /** Remember `relay` under our ping's `ownSeq`; false (nothing stored) when full. */
  add(ownSeq: number, relay: Relay): boolean {
    if (this.pending.size >= this.capacity) return false
    this.pending.set(ownSeq, relay)
    return true
  }

  /** The relay our ping `ownSeq` serves, forgotten now that its ack came; undefined if none. */
  take(ownSeq: number): Relay | undefined {
    const relay = this.pending.get(ownSeq)
    if (relay !== undefined) this.pending.delete(ownSeq)
    return relay
  }

  /** Forget the relays whose target did not answer in time. */
  expire(now: number): void {
    for (const [seq, relay] of this.pending) if (now >= relay.expiresAt) this.pending.delete(seq)
  }
}
