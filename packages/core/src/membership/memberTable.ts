import type { NodeId } from '../table/BreakerRecord.js'
import type { Member, MemberStatus } from './Member.js'
import type { Suspicion } from './suspicion.js'

/** Alive and suspect members are live: probed, counted in N, candidates for helpers and gossip. */
export function isLive(status: MemberStatus): boolean {
  return status === 'alive' || status === 'suspect'
}

/** What one node keeps about one member. */
export interface MemberEntry {
  member: Member
  /** When `member.status` last changed, ms (monotonic). */
  since: number
  /** The running suspicion while the member is suspect. */
  suspicion: Suspicion | null
  /** Dead members: when `reconnectDue` returns it next, ms. */
  reconnectAt: number
}

/**
 * The member list with the indexes the protocol needs on every tick: the live
 * count, the suspects (suspicion expiry) and the dead or left ones (reconnect,
 * retention), so a tick never scans the whole list.
 */
export class MemberTable {
  private readonly entries = new Map<NodeId, MemberEntry>()
  private readonly suspectIds = new Set<NodeId>()
  private readonly goneIds = new Set<NodeId>()
  private live = 0

  get(id: NodeId): MemberEntry | undefined {
    return this.entries.get(id)
  }

  values(): IterableIterator<MemberEntry> {
    return this.entries.values()
  }

  /** Alive + suspect members, self included while it is alive. */
  get liveCount(): number {
    return this.live
  }

  /** Ids of the suspect members (a copy: safe to change the table while iterating). */
  suspects(): NodeId[] {
    return [...this.suspectIds]
  }

  /** Ids of the dead and left members (a copy). */
  gone(): NodeId[] {
    return [...this.goneIds]
  }

  /** Ids of the members whose status passes `accept`, `except` left out. */
  ids(accept: (status: MemberStatus) => boolean, except: readonly NodeId[] = []): NodeId[] {
    const out: NodeId[] = []
    for (const [id, entry] of this.entries) {
      if (accept(entry.member.status) && !except.includes(id)) out.push(id)
    }
    return out
  }

  /** Store a member's new view; returns its entry (`since` moves only when the status changes). */
  set(member: Member, now: number): MemberEntry {
    const entry = this.entries.get(member.id)
    if (entry === undefined) {
      const created: MemberEntry = { member, since: now, suspicion: null, reconnectAt: Infinity }
      this.entries.set(member.id, created)
      this.index(member, +1)
      return created
    }
    if (entry.member.status !== member.status) {
      this.index(entry.member, -1)
      this.index(member, +1)
      entry.since = now
    }
    entry.member = member
    return entry
  }

  /** Forget a member. */
  delete(id: NodeId): void {
    const entry = this.entries.get(id)
    if (entry === undefined) return
    this.index(entry.member, -1)
    this.entries.delete(id)
  }

  private index(member: Member, sign: 1 | -1): void {
    if (isLive(member.status)) this.live += sign
    const set = member.status === 'suspect' ? this.suspectIds : isLive(member.status) ? null : this.goneIds
    if (set === null) return
    if (sign > 0) set.add(member.id)
    else set.delete(member.id)
  }
}
