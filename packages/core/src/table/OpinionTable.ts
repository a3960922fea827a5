import type { NodeId } from '../types.js'
import type { Opinion } from './Opinion.js'

/** An opinion as a node holds it: its age turned into a time on the holder's own monotonic clock. */
export interface HeldOpinion extends Omit<Opinion, 'ageMs'> {
  /** When the writer published it, on this node's monotonic clock (`now - ageMs` when it arrived). */
  readonly publishedAt: number
}

/**
 * The other members' opinions this node holds, one per (breaker, writer): a
 * higher `seq` replaces a lower one, and an opinion counts for `ttlMs` after
 * its writer published it, wherever it travelled meanwhile (its age comes
 * with it). Expired opinions are dropped by `expire`, so the table holds at
 * most the fresh opinions: writers × breakers they use.
 */
export class OpinionTable {
  private readonly byBreaker = new Map<string, Map<NodeId, HeldOpinion>>()
  private count = 0

  constructor(readonly ttlMs: number) {}

  /** Opinions held (fresh or not yet swept). */
  get size(): number {
    return this.count
  }

  /** Whether `held` still counts at `now`: published less than `ttlMs` ago. */
  isFresh(held: HeldOpinion, now: number): boolean {
    return now - held.publishedAt < this.ttlMs
  }

  /**
   * Keep `opinion` if it is fresh and newer than the one held from its writer
   * (a higher seq; or any seq when the held one has expired: the writer
   * restarted). Returns whether it was kept.
   */
  merge(opinion: Opinion, now: number): boolean {
    if (opinion.ageMs >= this.ttlMs) return false
    let ofBreaker = this.byBreaker.get(opinion.breaker)
    const held = ofBreaker?.get(opinion.node)
    if (held !== undefined && held.seq >= opinion.seq && this.isFresh(held, now)) return false
    const { breaker, node, verdict, calls, failures, slow, seq } = opinion
    if (ofBreaker === undefined) {
      ofBreaker = new Map()
      this.byBreaker.set(breaker, ofBreaker)
    }
    if (held === undefined) this.count++
    ofBreaker.set(node, { breaker, node, verdict, calls, failures, slow, seq, publishedAt: now - opinion.ageMs })
    return true
  }

  /** The opinions held of `breaker` (expired ones included until swept: check `isFresh`). */
  of(breaker: string): Iterable<HeldOpinion> {
    return this.byBreaker.get(breaker)?.values() ?? []
  }

  /** Every fresh opinion, with its age at `now` (what a push-pull sends). */
  fresh(now: number): Opinion[] {
    const out: Opinion[] = []
    for (const ofBreaker of this.byBreaker.values()) {
      for (const h of ofBreaker.values()) {
        if (!this.isFresh(h, now)) continue
        const { breaker, node, verdict, calls, failures, slow, seq } = h
        out.push({ breaker, node, verdict, calls, failures, slow, seq, ageMs: Math.max(0, Math.round(now - h.publishedAt)) })
      }
    }
    return out
  }

  /** Forget every opinion of writer `node` (it died or left); returns the breakers it had opinions of. */
  removeNode(node: NodeId): string[] {
    const touched: string[] = []
    for (const [breaker, ofBreaker] of this.byBreaker) {
      if (!ofBreaker.delete(node)) continue
      this.count--
      touched.push(breaker)
      if (ofBreaker.size === 0) this.byBreaker.delete(breaker)
    }
    return touched
  }

  /** Forget every opinion of `breaker` (it is no longer known here). */
  removeBreaker(breaker: string): void {
    const ofBreaker = this.byBreaker.get(breaker)
    if (ofBreaker === undefined) return
    this.count -= ofBreaker.size
    this.byBreaker.delete(breaker)
  }

  /** Drop the opinions that expired by `now`; returns the breakers that lost one. */
  expire(now: number): string[] {
    const touched: string[] = []
    for (const [breaker, ofBreaker] of this.byBreaker) {
      const before = ofBreaker.size
      for (const [node, h] of ofBreaker) if (!this.isFresh(h, now)) ofBreaker.delete(node)
      if (ofBreaker.size === before) continue
      this.count -= before - ofBreaker.size
      touched.push(breaker)
      if (ofBreaker.size === 0) this.byBreaker.delete(breaker)
    }
    return touched
  }
}
