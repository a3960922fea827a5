import type { NodeId } from '../types.js'

/** Introduction pings a member gets (one per interval) before it is forgotten. */
export const INTRODUCTION_ATTEMPTS = 3

/**
 * Pings to members this node was only told about (unconfirmed): the way it
 * reaches them directly. A member that answers (any message from it) is
 * confirmed; one that answers none of `attempts` pings, one per interval, is
 * forgotten, so a member list full of phantoms (ids nobody runs) drains
 * without them ever being suspected, gossiped or ranked, while a real member
 * on a slow host (an answer later than one interval) still gets in. Unlike
 * SWIM probes, introductions never delay the probing of confirmed members.
 */
export class Introductions {
  /** id → pings sent so far and when the last one counts as unanswered, ms. */
  private readonly pending = new Map<NodeId, { sent: number; deadline: number }>()
  private nextRoundAt = -Infinity

  /**
   * @param perRound members pinged per round (one round per probe interval)
   * @param attempts pings before a member that never answers is forgotten
   */
  constructor(
    private readonly perRound: number,
    private readonly attempts = INTRODUCTION_ATTEMPTS,
  ) {}

  /** Ids pinged and not answered yet. */
  get size(): number {
    return this.pending.size
  }

  /**
   * At `now`: the ids whose last ping went unanswered (`expired`, no longer
   * pending), and, once per `intervalMs`, up to `perRound` ids to ping now:
   * those still owed another attempt first, then new `candidates` (oldest
   * first), each pending until `now + intervalMs`.
   */
  due(now: number, intervalMs: number, candidates: () => NodeId[]): { ping: NodeId[]; expired: NodeId[] } {
    const expired: NodeId[] = []
    const retry: NodeId[] = []
    if (now >= this.nextRoundAt) {
      for (const [id, p] of this.pending) {
        if (now < p.deadline) continue
        if (p.sent >= this.attempts) {
          this.pending.delete(id)
          expired.push(id)
        } else {
          retry.push(id)
        }
      }
    }
    const ping: NodeId[] = []
    if (now >= this.nextRoundAt) {
      this.nextRoundAt = now + intervalMs
      for (const id of retry) {
        if (ping.length >= this.perRound) break
        const p = this.pending.get(id)!
        p.sent++
        p.deadline = now + intervalMs
        ping.push(id)
      }
      for (const id of candidates()) {
        if (ping.length >= this.perRound) break
        if (this.pending.has(id) || expired.includes(id)) continue
        this.pending.set(id, { sent: 1, deadline: now + intervalMs })
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
