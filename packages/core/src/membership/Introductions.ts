import type { NodeId } from '../table/BreakerRecord.js'

/**
 * Pings to members this node was only told about (unconfirmed): the way it
 * reaches them directly. A member that answers (any message from it) is
 * confirmed; one that does not answer within an interval is forgotten, so a
 * member list full of phantoms (ids nobody runs) drains at `perRound` ids per
 * interval without ever being suspected, gossiped or ranked. Unlike SWIM
 * probes, introductions never delay the probing of confirmed members.
 */
export class Introductions {
  /** id → when its ping counts as unanswered, ms. */
  private readonly pending = new Map<NodeId, number>()
  private nextRoundAt = -Infinity

  /** @param perRound members pinged per round (one round per probe interval) */
  constructor(private readonly perRound: number) {}

  /** Ids pinged and not answered yet. */
  get size(): number {
    return this.pending.size
  }

  /**
   * At `now`: the ids whose ping went unanswered (`expired`, no longer
   * pending), and, once per `intervalMs`, up to `perRound` of `candidates`
   * (oldest first) to ping now, each pending until `now + intervalMs`.
   */
  due(now: number, intervalMs: number, candidates: () => NodeId[]): { ping: NodeId[]; expired: NodeId[] } {
    const expired: NodeId[] = []
    for (const [id, deadline] of this.pending) {
      if (now >= deadline) {
        this.pending.delete(id)
        expired.push(id)
      }
    }
    const ping: NodeId[] = []
    if (now >= this.nextRoundAt) {
      this.nextRoundAt = now + intervalMs
      for (const id of candidates()) {
        if (ping.length >= this.perRound) break
        if (this.pending.has(id) || expired.includes(id)) continue
        this.pending.set(id, now + intervalMs)
        ping.push(id)
      }
    }
    return { ping, expired }
  }

  /** `id` answered, or is no longer unconfirmed. */
  done(id: NodeId): void {
    this.pending.delete(id)
  }
}
