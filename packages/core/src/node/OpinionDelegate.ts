import { BroadcastQueue } from '../membership/BroadcastQueue.js'
import type { BroadcastLimit, MembershipDelegate } from '../membership/MembershipDelegate.js'
import type { Opinion } from '../table/Opinion.js'
import { MAX_OPINION_NUMBER } from '../table/Opinion.js'
import { OpinionTable } from '../table/OpinionTable.js'
import type { OpinionUpdate } from '../wire/messages.js'
import type { OpinionCounts } from './decideFleet.js'
import type { PushPullSnapshot } from './FleetSync.js'
import type { NodeId } from '../types.js'

/** What the opinion delegate needs from its node. */
export interface OpinionDelegateHost {
  readonly id: NodeId
  readonly retransmitMult: number
  /** How long an opinion counts after its writer published it, ms (`FleetOptions.opinionTtlMs`). */
  readonly ttlMs: number
  /** Live member count, for the piggyback retransmit limit. */
  clusterSize(): number
  /** Monotonic ms. */
  now(): number
  /** Whether opinions written by `node` may be held: a member this node knows, alive or suspect. */
  isLiveMember(node: NodeId): boolean
  /** Whether this node keeps anything of `breaker` (a local handle or a record): opinions of other names are not held. */
  knows(breaker: string): boolean
  /** The opinions held of `breaker` changed (one arrived, expired or was dropped). */
  changed(breaker: string): void
}

/** This node's last publication of its opinion of one breaker. */
export interface PublishedOpinion {
  readonly opinion: Opinion
  /** When, on this node's monotonic clock. */
  readonly at: number
}

/**
 * Per-node opinions as an application of membership and push-pull, the
 * second record kind beside the breaker records (`RecordDelegate`): this
 * node's own opinions (published by `FleetDecisions` in its gossip deltas;
 * the failing ones and verdict changes also piggybacked here on SWIM
 * messages a few times each), the other members' opinions it holds
 * (`OpinionTable`), and push-pull: each side's own opinions, and every
 * fresh opinion held for a node that joins. Only the writer piggybacks its
 * opinions, which keeps SWIM messages small however many breakers a fleet uses.
 *
 * An opinion's age travels with it: relays send `now - publishedAt`, so a
 * stale opinion is never young again. Opinions of members that are not live
 * here, of names this node keeps nothing of, or past `ttlMs`, are not held;
 * a dead or left member's are dropped at once (`memberGone`).
 */
export class OpinionDelegate implements MembershipDelegate<OpinionUpdate>, PushPullSnapshot<Opinion> {
  readonly kind = 'opinion'
  readonly table: OpinionTable
  private readonly host: OpinionDelegateHost
  private readonly piggyback: BroadcastQueue<OpinionUpdate>
  private readonly own = new Map<string, PublishedOpinion>()
  /** Per breaker, the highest seq of this node's own opinions seen from peers (a restart under the same id). */
  private readonly ownSeen = new Map<string, number>()
  private arrived: Opinion[] = []

  constructor(host: OpinionDelegateHost) {
    this.host = host
    this.table = new OpinionTable(host.ttlMs)
    this.piggyback = new BroadcastQueue<OpinionUpdate>({
      retransmitMult: host.retransmitMult,
      clusterSize: () => host.clusterSize(),
      key: (u) => u.opinion.breaker,
    })
  }

  // ---- this node's opinions ---------------------------------------------------------

  /** This node's last published opinion of `breaker`, if any. */
  published(breaker: string): PublishedOpinion | undefined {
    return this.own.get(breaker)
  }

  /**
   * Publish this node's opinion of `breaker` now, with a new seq; returns it,
   * for the next gossip delta. A failing opinion, and one whose verdict
   * changed, is also piggybacked on SWIM messages (a second path for what
   * decides; count updates of a healthy one travel by gossip only, so they
   * never keep SWIM's gossip rounds busy).
   */
  publish(breaker: string, counts: OpinionCounts, now: number): Opinion {
    const previous = this.own.get(breaker)?.opinion
    const last = Math.max(previous?.seq ?? 0, this.ownSeen.get(breaker) ?? 0)
    const seq = Math.min(MAX_OPINION_NUMBER, last + 1)
    const opinion: Opinion = { breaker, node: this.host.id, verdict: counts.verdict, calls: counts.calls, failures: counts.failures, slow: counts.slow, seq, ageMs: 0 }
    this.own.set(breaker, { opinion, at: now })
    if (opinion.verdict === 'failing' || (previous !== undefined && previous.verdict !== opinion.verdict)) this.piggyback.enqueue({ kind: 'opinion', opinion }, null)
    return opinion
  }

  // ---- piggyback (MembershipDelegate) ------------------------------------------------

  get queued(): number {
    return this.piggyback.size
  }

  broadcasts(limit: BroadcastLimit): OpinionUpdate[] {
    const now = this.host.now()
    const out: OpinionUpdate[] = []
    for (const update of this.piggyback.take(limit.count, limit.to)) {
      const at = this.own.get(update.opinion.breaker)?.at ?? now
      const aged: OpinionUpdate = { kind: 'opinion', opinion: { ...update.opinion, ageMs: ageOf(at, now) } }
      if (limit.fits(aged)) out.push(aged)
    }
    return out
  }

  /** An opinion arrived piggybacked; it is merged by `settle`, once the message's member changes are in. */
  notify(item: OpinionUpdate, _from: NodeId): void {
    this.arrived.push(item.opinion)
  }

  /** Merge the opinions that arrived piggybacked since the last call. */
  settle(): void {
    if (this.arrived.length === 0) return
    const arrived = this.arrived
    this.arrived = []
    for (const opinion of arrived) this.merge(opinion)
  }

  // ---- merging ---------------------------------------------------------------------

  /** One opinion from a peer (piggybacked, gossiped or synced). */
  merge(opinion: Opinion): void {
    const { host } = this
    if (opinion.node === host.id) {
      // Our own, from before a restart under the same id: publish above it from now on.
      if (opinion.seq > (this.ownSeen.get(opinion.breaker) ?? 0) && host.knows(opinion.breaker)) this.ownSeen.set(opinion.breaker, opinion.seq)
      return
    }
    if (!host.isLiveMember(opinion.node) || !host.knows(opinion.breaker)) return
    if (this.table.merge(opinion, host.now())) host.changed(opinion.breaker)
  }

  // ---- push-pull (PushPullSnapshot) -----------------------------------------------------

  /**
   * This node's fresh opinions, with their age now; with `relay`, every fresh
   * opinion it holds of others too (for a node that joins: it learns the
   * fleet's opinions at once, each as old as it is). A periodic push-pull
   * carries only the sides' own: every writer renews its opinions by gossip
   * within a keep-alive, and relaying all of them (members × breakers) on
   * every push-pull would be the largest cost of opinions.
   */
  localState(relay = false): Opinion[] {
    const now = this.host.now()
    const out = relay ? this.table.fresh(now) : []
    for (const { opinion, at } of this.own.values()) {
      const ageMs = ageOf(at, now)
      if (ageMs < this.host.ttlMs) out.push({ ...opinion, ageMs })
    }
    return out
  }

  mergeRemoteState(opinions: readonly Opinion[]): void {
    for (const opinion of opinions) this.merge(opinion)
  }

  // ---- lifetime ----------------------------------------------------------------------

  /** A member died or left: its opinions stop counting at once. */
  memberGone(node: NodeId): void {
    for (const breaker of this.table.removeNode(node)) this.host.changed(breaker)
  }

  /** This node keeps nothing of `breaker` any more. */
  forget(breaker: string): void {
    this.table.removeBreaker(breaker)
  }

  /** Drop the opinions that expired. */
  expire(now: number): void {
    for (const breaker of this.table.expire(now)) this.host.changed(breaker)
  }
}

function ageOf(at: number, now: number): number {
  return Math.min(MAX_OPINION_NUMBER, Math.max(0, Math.round(now - at)))
}
