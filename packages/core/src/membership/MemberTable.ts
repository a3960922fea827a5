import type { LeapBudget } from '../clock/LeapBudget.js'
import type { Member } from './Member.js'
import type { Suspicion } from './Suspicion.js'
import type { MemberStatus, NodeId } from '../types.js'

/** Alive and suspect members are live: probed, counted in N, candidates for helpers and gossip (once confirmed). */
export function isLive(status: MemberStatus): boolean {
  return status === 'alive' || status === 'suspect'
}

/** What one node keeps about one member. */
export interface MemberEntry {
  member: Member
  /** When `member.status` last changed, ms (monotonic). */
  since: number
  /** The running suspicion while the member is suspect (confirmed members only). */
  suspicion: Suspicion | null
  /**
   * Whether this node has heard from the member itself (a message whose
   * transport sender it was), or was told of it out of band (a seed, a test
   * bootstrap). A member only others told us about stays unconfirmed: listed,
   * but never probed as a SWIM target, asked to help, gossiped to, counted in
   * N, ranked as a prober or passed on, until it answers a ping.
   */
  confirmed: boolean
  /** Dead members: when `reconnectDue` may return it next, ms. */
  reconnectAt: number
  /** Dead members: retries so far (the wait doubles with each). */
  reconnectAttempts: number
  /** Leap budget of this member's incarnation (see `LeapBudget`); created on first use. */
  incarnations: LeapBudget | null
}

/**
 * The member list with the indexes the protocol needs on every tick: the live
 * count, the suspects (suspicion expiry), the dead or left ones (reconnect,
 * retention) and the unconfirmed ones (introductions, eviction), so a tick
 * never scans the whole list.
 */
export class MemberTable {
  private readonly entries = new Map<NodeId, MemberEntry>()
  private readonly suspectIds = new Set<NodeId>()
  /** In the order they went (a Set keeps insertion order). */
  private readonly goneIds = new Set<NodeId>()
  /** In the order they were learned. */
  private readonly unconfirmedIds = new Set<NodeId>()
  private live = 0

  get(id: NodeId): MemberEntry | undefined {
    return this.entries.get(id)
  }

  values(): IterableIterator<MemberEntry> {
    return this.entries.values()
  }

  /** Members listed, self included. */
  get size(): number {
    return this.entries.size
  }

  /** Confirmed alive + suspect members, self included while it is alive. */
  get liveCount(): number {
    return this.live
  }

  /** Unconfirmed members listed. */
  get unconfirmedCount(): number {
    return this.unconfirmedIds.size
  }

  /** Ids of the suspect members (a copy: safe to change the table while iterating). */
  suspects(): NodeId[] {
    return [...this.suspectIds]
  }

  /** Ids of the dead and left members (a copy). */
  gone(): NodeId[] {
    return [...this.goneIds]
  }

  /** Ids of the unconfirmed members, oldest first (a copy). */
  unconfirmed(): NodeId[] {
    return [...this.unconfirmedIds]
  }

  /** Ids of the confirmed members whose status passes `accept`, `except` left out. */
  ids(accept: (status: MemberStatus) => boolean, except: readonly NodeId[] = []): NodeId[] {
    const out: NodeId[] = []
    for (const [id, entry] of this.entries) {
      if (entry.confirmed && accept(entry.member.status) && !except.includes(id)) out.push(id)
    }
    return out
  }

  /**
   * Store a member's new view; returns its entry (`since` moves only when the
   * status changes). `confirmed` applies to a new entry only.
   */
  set(member: Member, now: number, confirmed = true): MemberEntry {
    const entry = this.entries.get(member.id)
    if (entry === undefined) {
      const created: MemberEntry = {
        member,
        since: now,
        suspicion: null,
        confirmed,
        reconnectAt: Infinity,
        reconnectAttempts: 0,
        incarnations: null,
      }
      this.entries.set(member.id, created)
      if (!confirmed) this.unconfirmedIds.add(member.id)
      this.index(created, +1)
      return created
    }
    if (entry.member.status !== member.status) {
      this.index(entry, -1)
      entry.member = member
      this.index(entry, +1)
      entry.since = now
    }
    entry.member = member
    return entry
  }

  /** Mark `id` confirmed; returns false when it is unknown or was already. */
  confirm(id: NodeId): boolean {
    const entry = this.entries.get(id)
    if (entry === undefined || entry.confirmed) return false
    this.index(entry, -1)
    entry.confirmed = true
    this.unconfirmedIds.delete(id)
    this.index(entry, +1)
    return true
  }

  /**
   * The member to drop to make room for a member heard first-hand: the oldest
   * unconfirmed one, else the one gone longest (left before dead). Never `keep`.
   */
  evictable(keep: NodeId): NodeId | undefined {
    for (const id of this.unconfirmedIds) if (id !== keep) return id
    let dead: NodeId | undefined
    for (const id of this.goneIds) {
      if (id === keep) continue
      if (this.entries.get(id)?.member.status === 'left') return id
      dead ??= id
    }
    return dead
  }

  /** Forget a member. */
  delete(id: NodeId): void {
    const entry = this.entries.get(id)
    if (entry === undefined) return
    this.index(entry, -1)
    this.entries.delete(id)
    this.unconfirmedIds.delete(id)
  }

  private index(entry: MemberEntry, sign: 1 | -1): void {
    const { member } = entry
    if (isLive(member.status) && entry.confirmed) this.live += sign
    const set = member.status === 'suspect' ? this.suspectIds : isLive(member.status) ? null : this.goneIds
    if (set === null) return
    if (sign > 0) set.add(member.id)
    else set.delete(member.id)
  }
}
