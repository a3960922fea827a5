import type { Awareness } from './Awareness.js'
import type { Dissemination } from './Dissemination.js'
import { Introductions } from './Introductions.js'
import { MemberAdmission } from './MemberAdmission.js'
import type { MemberAdmissionOptions } from './MemberAdmission.js'
import type { Member } from './Member.js'
import { isLive, MemberTable } from './MemberTable.js'
import type { MemberEntry } from './MemberTable.js'
import { supersedes } from './precedence.js'
import { ProbeOrder } from './ProbeOrder.js'
import { Reconnects } from './Reconnects.js'
import { Suspicion } from './Suspicion.js'
import type { SwimConfig } from './SwimConfig.js'
import type { SwimEvents } from './SwimEvents.js'
import type { NodeId } from '../types.js'

/** Unconfirmed members pinged per probe interval (see `Introductions`). */
const INTRODUCTIONS_PER_ROUND = 8

export interface MemberViewInit extends Omit<MemberAdmissionOptions, 'self'> {
  /** This node as a member, alive at incarnation 0. */
  readonly selfMember: Member
  readonly config: SwimConfig
  readonly random: () => number
  readonly now: number
  readonly awareness: Awareness
  readonly news: Dissemination
  readonly events: SwimEvents
}

/**
 * One node's view of the members (the state half of `Swim`): what it hears is
 * applied with SWIM's precedence rules, news about itself is refuted, changes
 * are queued for dissemination and reported.
 *
 * - Suspicion: lasts `suspicionTimeout` shrinking with independent
 *   confirmations (distinct senders of the same suspect update, or our own
 *   failed probe); expiry → dead. A member hearing itself suspected, dead or
 *   left at ≥ its incarnation refutes with incarnation + 1 (and, as in
 *   Lifeguard, raises its own health score: maybe it is the slow one).
 * - Corrections: a node that sends us older news about a member than we hold
 *   gets our view in the reply, and we gossip it again. An epidemic that ran out
 *   of transmissions cannot leave a stale suspicion behind to expire into a
 *   false death.
 * - Confirmation: a member only others told us about is unconfirmed until we
 *   hear from it directly (a message whose transport sender it is) or reach
 *   it with an introduction ping (`Introductions`); until then it is listed
 *   but not probed, asked for help, gossiped to, counted in N or passed on.
 *   One that does not answer is forgotten.
 * - Bounds: at most `maxMembers` listed; ids checked by `isValidNodeId`;
 *   incarnations may not leap (`LeapBudget`); refusals go to `onDrop`.
 */
export class MemberView {
  readonly table = new MemberTable()
  /** The shuffled round-robin of probe targets. */
  readonly order: ProbeOrder
  private readonly self: NodeId
  private readonly config: SwimConfig
  private readonly awareness: Awareness
  private readonly news: Dissemination
  private readonly events: SwimEvents
  private readonly admission: MemberAdmission
  private readonly introductions = new Introductions(INTRODUCTIONS_PER_ROUND)
  private readonly reconnects: Reconnects
  private selfMember: Member
  private hasLeft = false
  private forgotten = 0

  constructor(init: MemberViewInit) {
    this.self = init.selfMember.id
    this.config = init.config
    this.awareness = init.awareness
    this.news = init.news
    this.events = init.events
    this.admission = new MemberAdmission({ ...init, self: this.self })
    this.reconnects = new Reconnects(init.config)
    this.order = new ProbeOrder(init.random)
    this.selfMember = init.selfMember
    this.table.set(this.selfMember, init.now)
    // Announce ourselves on the first messages we send.
    this.news.queueMember(this.selfMember, null)
  }

  /** This node as a member. */
  get me(): Member {
    return this.selfMember
  }

  /** Whether this node has left (see `leave`). */
  get left(): boolean {
    return this.hasLeft
  }

  /** Unconfirmed members forgotten because they did not answer their introduction ping. */
  get forgottenUnconfirmed(): number {
    return this.forgotten
  }

  /**
   * A member update from `from` (`sender` is the message's transport sender).
   * Returns our newer view of that member when the update was older, to answer
   * `from` with; that view is also queued again (its transmit count restarts).
   */
  absorb(member: Member, from: NodeId, now: number, sender: NodeId): Member | null {
    const newer = this.apply(member, from, now, member.id === sender)
    if (newer !== null && (!this.hasLeft || newer.id === this.self)) this.news.queueMember(newer, null)
    return newer
  }

  /** See `Swim.mergeMembers` (without delivering the events). */
  merge(members: readonly Member[], now: number, source: NodeId | undefined): void {
    for (const member of members) {
      const current = this.table.get(member.id)?.member
      const firstHand = source === undefined || member.id === source
      if (member.status === 'dead' && member.id !== this.self && current !== undefined && isLive(current.status)) {
        this.apply({ ...member, status: 'suspect' }, null, now, firstHand)
      } else {
        this.apply(member, null, now, firstHand)
      }
    }
    if (source !== undefined) this.heardFrom(source, now)
  }

  /** See `Swim.heardFrom`. */
  heardFrom(id: NodeId, now: number): void {
    if (id === this.self || !this.table.confirm(id)) return
    this.introductions.done(id)
    const entry = this.table.get(id) as MemberEntry
    const member = entry.member
    if (member.status === 'suspect') entry.suspicion = this.newSuspicion(member, this.self, now)
    if (isLive(member.status)) this.order.add(id)
    if (member.status === 'dead') this.reconnects.died(entry, now)
    this.news.queueMember(member, id)
    this.events.memberChanged(member, null)
  }

  /** Mark ourselves left at incarnation + 1 (queued and reported); returns our new view. */
  leave(now: number): Member {
    this.hasLeft = true
    const previous = this.selfMember.status
    this.selfMember = { ...this.selfMember, incarnation: this.selfMember.incarnation + 1, status: 'left' }
    this.table.set(this.selfMember, now)
    this.news.queueMember(this.selfMember, null)
    this.events.memberChanged(this.selfMember, previous)
    return this.selfMember
  }

  /**
   * Our probe of `target` (at `incarnation`) got no ack at all: suspect it.
   * Returns true when an alive member became suspect (probe it again next).
   */
  suspectAfterProbe(target: NodeId, incarnation: number, now: number): boolean {
    const member = this.table.get(target)?.member
    if (member === undefined || !isLive(member.status) || member.incarnation > incarnation) return false
    const wasAlive = member.status === 'alive'
    this.apply({ ...member, status: 'suspect', incarnation }, this.self, now, false)
    return wasAlive && this.table.get(target)?.member.status === 'suspect'
  }

  /**
   * Declare dead the suspects whose time ran out. Before that, each suspicion
   * is checked once more: its suspect gets `recheck` (a ping on which the
   * suspicion rides first, as in the buddy system), and the suspicion is
   * queued again for gossip. A suspect that refuted meanwhile, or never heard
   * of its suspicion, answers with its newer incarnation, and peers that heard
   * the refutation correct us (see `absorb`). This catches the node the gossip
   * of a refutation happened to miss, which would otherwise declare a healthy
   * member dead.
   */
  expireSuspicions(now: number, recheck: (id: NodeId) => void): void {
    for (const id of this.table.suspects()) {
      const entry = this.table.get(id)
      const suspicion = entry?.suspicion
      if (entry === undefined || suspicion == null) continue
      if (now >= suspicion.deadline()) {
        this.apply({ ...entry.member, status: 'dead' }, this.self, now, false)
      } else if (!suspicion.rechecked && now >= suspicion.recheckAt) {
        suspicion.rechecked = true
        this.news.queueMember(entry.member, null)
        recheck(id)
      }
    }
  }

  /**
   * The unconfirmed members to ping now (a few per probe interval); forgets
   * those that answered none of their introduction pings (see `Introductions`).
   */
  introductionsDue(now: number): NodeId[] {
    if (this.table.unconfirmedCount === 0 && this.introductions.size === 0) return []
    const { ping, expired } = this.introductions.due(now, this.config.probeIntervalMs, () =>
      this.table.unconfirmed().filter((id) => isLive(this.table.get(id)?.member.status ?? 'left')),
    )
    for (const id of expired) {
      const entry = this.table.get(id)
      // A member others reported dead or left meanwhile stays listed as that, like any departed member.
      if (entry === undefined || entry.confirmed || !isLive(entry.member.status)) continue
      this.table.delete(id)
      this.forgotten++
    }
    return ping
  }

  /** Forget dead and left members listed for `deadMemberRetentionMs`. */
  retain(now: number): void {
    for (const id of this.table.gone()) {
      const entry = this.table.get(id)
      if (entry !== undefined && now >= entry.since + this.config.deadMemberRetentionMs) this.table.delete(id)
    }
  }

  /** See `Swim.reconnectDue`. */
  reconnectDue(now: number): Member[] {
    return this.reconnects.due(this.table, now)
  }

  /**
   * Apply one view of a member. `from`: who told us (its suspect update
   * confirms a suspicion and accuses in a new one); null for a merge, where
   * the partner's list is no independent evidence. `firstHand`: the member
   * itself sent it (a new member then starts confirmed). Returns our view when
   * it is newer than `incoming` (for a correction).
   */
  private apply(incoming: Member, from: NodeId | null, now: number, firstHand: boolean): Member | null {
    if (incoming.id === this.self) return this.refuteIfNeeded(incoming, now)
    const entry = this.table.get(incoming.id)
    if (entry === undefined) {
      // News of a member this node does not list: an alive one starts unconfirmed (or
      // confirmed, first-hand). A dead or left one is listed as such only when a confirmed
      // member says so (unconfirmed: never probed, dialled or passed on; gone after the
      // retention), so a member that died before this node reached it still shows dead
      // here, as everywhere; a suspicion of an unknown member is ignored.
      const vouched = from !== null && this.table.get(from)?.confirmed === true
      const listable = incoming.status === 'alive' || (vouched && (incoming.status === 'dead' || incoming.status === 'left'))
      const admitted = listable && this.admission.admitNew(this.table, incoming, firstHand, now, (id) => this.introductions.done(id))
      if (admitted) this.store(incoming, null, now, firstHand)
      return null
    }
    const current = entry.member
    if (supersedes(incoming, current)) {
      if (!this.admission.moveIncarnation(entry, incoming.incarnation, now)) return null
      this.store(incoming, from, now)
      return null
    }
    if (supersedes(current, incoming)) return current
    // The same view: `from` holds it already, and its suspect update may confirm ours.
    if (from === null) return null
    this.news.memberKnownBy(current, from)
    if (from !== incoming.id && incoming.status === 'suspect') entry.suspicion?.confirm(from)
    return null
  }

  /**
   * News about ourselves. A view that beats ours is outbid with a higher
   * incarnation; returns our view when the news was older (or just outbid), for
   * the correction. A view whose incarnation leaps too far is refused, not refuted.
   */
  private refuteIfNeeded(incoming: Member, now: number): Member | null {
    if (supersedes(incoming, this.selfMember)) {
      if (this.hasLeft) return null
      if (!this.admission.moveOwnIncarnation(this.selfMember.incarnation, incoming.incarnation, now)) return null
      const incarnation = Math.max(incoming.incarnation, this.selfMember.incarnation) + 1
      this.selfMember = { ...this.selfMember, incarnation, status: 'alive' }
      this.awareness.apply(1) // others could not hear from us in time: maybe we are the slow one
      this.table.set(this.selfMember, now)
      this.news.queueMember(this.selfMember, null)
      return null
    }
    return supersedes(this.selfMember, incoming) ? this.selfMember : null
  }

  /**
   * Store a winning view of another member, start or stop its suspicion, queue
   * it for gossip, report the change. An unconfirmed member's view is only
   * stored: no suspicion, probe, gossip or event until it is confirmed.
   */
  private store(member: Member, accuser: NodeId | null, now: number, firstHand = true): void {
    const previous = this.table.get(member.id)?.member
    const entry = this.table.set(member, now, firstHand)
    if (previous === undefined) this.admission.started(entry, now)
    if (!entry.confirmed) return
    entry.suspicion = member.status === 'suspect' ? this.newSuspicion(member, accuser ?? this.self, now) : null
    if (member.status === 'dead' && previous?.status !== 'dead') this.reconnects.died(entry, now)
    if (isLive(member.status) && (previous === undefined || !isLive(previous.status))) this.order.add(member.id)
    this.news.queueMember(member, accuser === this.self ? null : accuser)
    if (
      previous === undefined ||
      previous.status !== member.status ||
      previous.name !== member.name ||
      !sameAddrs(previous.addrs, member.addrs)
    ) {
      this.events.memberChanged(member, previous?.status ?? null)
    }
  }

  private newSuspicion(member: Member, accuser: NodeId, now: number): Suspicion {
    return new Suspicion({
      incarnation: member.incarnation,
      accuser,
      startedAt: now,
      suspicionMult: this.config.suspicionMult,
      suspicionMinFraction: this.config.suspicionMinFraction,
      // The suspicion timeout is a multiple of the interval: stretched by our health alike.
      probeIntervalMs: this.awareness.scale(this.config.probeIntervalMs),
      n: this.table.liveCount,
    })
  }
}

function sameAddrs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((addr, i) => addr === b[i])
}
