import { Awareness } from './Awareness.js'
import { Dissemination } from './Dissemination.js'
import { Introductions } from './Introductions.js'
import { MemberAdmission } from './MemberAdmission.js'
import type { Member } from './Member.js'
import type { MembershipDelegate } from './MembershipDelegate.js'
import { isLive, MemberTable } from './MemberTable.js'
import type { MemberEntry } from './MemberTable.js'
import { Reconnects } from './Reconnects.js'
import { supersedes } from './precedence.js'
import { ProbeOrder } from './ProbeOrder.js'
import { sample } from './random.js'
import { Relays } from './Relays.js'
import { Suspicion } from './Suspicion.js'
import { validateSwimConfig } from './SwimConfig.js'
import type { SwimConfig } from './SwimConfig.js'
import type { Outgoing, SwimOptions } from './SwimOptions.js'
import { SwimEvents } from './SwimEvents.js'
import type { MemberChangeListener } from './SwimEvents.js'
import { isMemberUpdate } from './SwimMessage.js'
import type { MemberUpdate, SwimMessage, Update } from './SwimMessage.js'
import type { Disposer } from '../util/Event.js'
import type { NodeId } from '../types.js'

export type { MemberChangeListener } from './SwimEvents.js'
export { DEFAULT_MAX_MEMBERS } from './MemberAdmission.js'
export { PIGGYBACK_BYTES } from './Dissemination.js'
export type { Outgoing, SwimOptions } from './SwimOptions.js'

/** Unconfirmed members pinged per probe interval (see `Introductions`). */
const INTRODUCTIONS_PER_ROUND = 8

/** The probe in flight. */
interface Probe {
  readonly target: NodeId
  readonly seq: number
  /** The target's incarnation when the probe started: a failure suspects that one. */
  readonly incarnation: number
  readonly startedAt: number
  /** Probe timeout and interval of this probe, ms, stretched by our health when it started. */
  readonly timeoutMs: number
  readonly intervalMs: number
  /** When the ping-reqs went out; null while waiting for the direct ack. */
  indirectAt: number | null
}

const SEQ_MODULUS = 2 ** 32

/**
 * SWIM membership with Lifeguard's refinements, as a pure state machine: no
 * timers, no clock, no I/O. The runtime calls `tick(now)` often (about every
 * probeInterval / 10), passes every received message to `receive`, and sends
 * the `Outgoing` messages both return.
 *
 * - Probing: each interval, ping the next member of a shuffled round-robin; no
 *   ack within `probeTimeoutMs` → ping-req to `indirectChecks` alive members,
 *   who ping the target and relay its ack; no ack by the end of the interval →
 *   suspect the target, and probe it again at once (see below).
 * - Suspicion: lasts `suspicionTimeout` shrinking with independent
 *   confirmations (distinct senders of the same suspect update, or our own
 *   failed probe); expiry → dead. A member hearing itself suspected, dead or
 *   left at ≥ its incarnation refutes with incarnation + 1.
 * - Dissemination: member updates and the application's items ride on every
 *   ping, ack and ping-req (`Dissemination`: our own news, then members, then
 *   each delegate's items; never to a node known to hold the update already),
 *   and on gossip pings to `gossipNodes` random members every
 *   `gossipIntervalMs` while news is queued.
 * - Lifeguard's buddy system: a message to a member we hold suspect (or dead)
 *   carries that verdict first, so the member learns it at once and can refute;
 *   a member we just suspected is probed again in the next interval; and each
 *   suspicion pings its suspect once more halfway to its minimum timeout.
 * - Corrections: a node that sends us older news about a member than we hold
 *   gets our view in the reply, and we gossip it again. An epidemic that ran out
 *   of transmissions cannot leave a stale suspicion behind to expire into a
 *   false death.
 * - Lifeguard's local health awareness (`Awareness`): a probe that gets no
 *   ack at all, or a suspicion of ourselves we must refute, raises our health
 *   score; a direct ack within the probe timeout lowers it. The probe
 *   interval, probe timeout and every suspicion timeout we start are
 *   multiplied by score + 1, so a node that is slow itself (event-loop
 *   stalls, overloaded host) stops accusing healthy members. Without nack
 *   messages in the wire format, a probe whose ack came late (after the
 *   timeout, before the end of the interval) leaves the score unchanged.
 *
 * - Confirmation: a member only others told us about is unconfirmed until we
 *   hear from it directly (a message whose transport sender it is) or reach
 *   it with an introduction ping (`Introductions`); until then it is listed
 *   but not probed, asked for help, gossiped to, counted in N, returned by
 *   `aliveIds` or passed on. One that does not answer is forgotten.
 * - Bounds: at most `maxMembers` listed; ids checked by `isValidNodeId`;
 *   incarnations may not leap (`LeapBudget`); refusals go to `onDrop`.
 *
 * Members that only appear as a message's `from` are not added; new members are
 * learned from alive updates and `mergeMembers`.
 *
 * Application items (breaker records, …) are opaque here: each kind has a
 * delegate (`register`, see `MembershipDelegate`) that queues its items for
 * piggyback and is notified of the ones that arrive. Swim never re-queues a
 * received item; the delegate decides (the record delegate re-queues the
 * versions that changed its table, which keeps the epidemic finite).
 */
export class Swim {
  readonly self: NodeId
  private readonly config: SwimConfig
  private readonly random: () => number
  private readonly table = new MemberTable()
  private readonly order: ProbeOrder
  private readonly news: Dissemination
  private selfMember: Member
  private probe: Probe | null = null
  private reprobe: NodeId | null = null
  private nextProbeAt: number
  private nextGossipAt: number
  private seq = 0
  private readonly relays = new Relays()
  private hasLeft = false
  private readonly awareness: Awareness
  private readonly events = new SwimEvents()
  private readonly admission: MemberAdmission
  private readonly introductions = new Introductions(INTRODUCTIONS_PER_ROUND)
  private readonly reconnects: Reconnects
  private readonly delegates = new Map<string, MembershipDelegate>()
  private forgotten = 0

  constructor(options: SwimOptions) {
    const { self, now } = options
    if (typeof self.id !== 'string' || self.id.length === 0) {
      throw new RangeError(`Swim self.id must be a non-empty string, got ${String(self.id)}`)
    }
    if (!Number.isFinite(now)) throw new RangeError(`Swim now must be a finite number, got ${String(now)}`)
    this.config = validateSwimConfig(options.config)
    this.random = options.random ?? Math.random
    this.admission = new MemberAdmission({ ...options, self: self.id })
    this.reconnects = new Reconnects(this.config)
    this.awareness = new Awareness(this.config.awarenessMaxMultiplier)
    this.self = self.id
    this.order = new ProbeOrder(this.random)
    this.news = new Dissemination({
      self: self.id,
      retransmitMult: this.config.retransmitMult,
      maxPiggyback: this.config.maxPiggyback,
      clusterSize: () => this.table.liveCount,
      measure: options.measure,
    })
    this.selfMember = { id: self.id, name: self.name, addrs: [...self.addrs], incarnation: 0, status: 'alive' }
    this.table.set(this.selfMember, now)
    // Announce ourselves on the first messages we send.
    this.news.queueMember(this.selfMember, null)
    // Stagger the first probe and gossip round so a fleet started together does not probe in lockstep.
    this.nextProbeAt = now + this.random() * this.config.probeIntervalMs
    this.nextGossipAt = now + this.random() * this.config.gossipIntervalMs
  }

  /** Our own incarnation number. */
  get incarnation(): number {
    return this.selfMember.incarnation
  }

  /**
   * Our local health score (Lifeguard), integer in 0..awarenessMaxMultiplier − 1:
   * 0 is healthy; our probe timing and the suspicions we start are stretched by score + 1.
   */
  get healthScore(): number {
    return this.awareness.score
  }

  /** Confirmed alive and suspect members, self included (until it left): the N of retransmit limits and suspicion timeouts. */
  get liveCount(): number {
    return this.table.liveCount
  }

  /**
   * Carry one kind of application item (see `MembershipDelegate`): its queued
   * items ride on every message after the member updates, and the ones that
   * arrive go to its `notify`. Throws `RangeError` for the kind 'member', an
   * empty kind, or a kind already registered.
   */
  register(delegate: MembershipDelegate): void {
    const kind: unknown = delegate.kind
    if (typeof kind !== 'string' || kind === '' || kind === 'member' || this.delegates.has(kind)) {
      throw new RangeError(`Swim.register: delegate kind must be a new non-empty string other than 'member', got ${JSON.stringify(kind)}`)
    }
    this.delegates.set(kind, delegate)
    this.news.register(delegate)
  }

  /** Every listed member, self included (dead and left ones until they are forgotten, unconfirmed ones too). */
  members(): Member[] {
    return Array.from(this.table.values(), (entry) => entry.member)
  }

  /** The members this node vouches for: the confirmed ones (what it sends in a push-pull). */
  sharedMembers(): Member[] {
    const out: Member[] = []
    for (const entry of this.table.values()) if (entry.confirmed) out.push(entry.member)
    return out
  }

  member(id: NodeId): Member | undefined {
    return this.table.get(id)?.member
  }

  /** Whether `id` is listed and confirmed (heard from directly). */
  isConfirmed(id: NodeId): boolean {
    return this.table.get(id)?.confirmed === true
  }

  /** Unconfirmed members listed now. */
  get unconfirmedCount(): number {
    return this.table.unconfirmedCount
  }

  /** Unconfirmed members forgotten because they did not answer their introduction ping. */
  get forgottenUnconfirmed(): number {
    return this.forgotten
  }

  /** Confirmed alive and suspect members, self included (until it left): the probe and prober candidates. */
  aliveIds(): NodeId[] {
    return this.table.ids(isLive)
  }

  /** Run probes, ping-req and suspicion timeouts, gossip rounds and retention. Returns [] after `leave`. */
  tick(now: number): Outgoing[] {
    if (this.hasLeft) return []
    const out: Outgoing[] = []
    this.expireSuspicions(now, out)
    this.runProbe(now, out)
    this.runIntroductions(now, out)
    this.runGossip(now, out)
    this.relays.expire(now)
    for (const id of this.table.gone()) {
      const entry = this.table.get(id)
      if (entry !== undefined && now >= entry.since + this.config.deadMemberRetentionMs) this.table.delete(id)
    }
    this.events.flush() // deliver the events of this call, now that the state change is complete
    return out
  }

  /**
   * Handle one decoded message: apply its updates, answer pings, serve
   * ping-reqs, relay acks. `sender` is who the transport says sent it (an
   * authenticated peer id); it alone confirms members. Default
   * `message.from`, for callers whose transport vouches for it.
   */
  receive(message: SwimMessage, now: number, sender: NodeId = message.from): Outgoing[] {
    const from = message.from
    if (from === this.self) return []
    const out: Outgoing[] = []
    const corrections = this.absorb(message.updates, from, now, sender)
    this.heardFrom(sender, now)
    switch (message.type) {
      case 'ping':
        out.push({ to: from, message: this.ack(message.seq, from, corrections) })
        break
      case 'ack': {
        const p = this.probe
        if (p !== null && p.seq === message.seq) {
          this.probe = null
          // A direct ack in time is evidence of our own health; a relayed or late one is neutral.
          if (from === p.target && p.indirectAt === null && now < p.startedAt + p.timeoutMs) this.awareness.apply(-1)
        }
        const relay = this.relays.take(message.seq)
        if (relay !== undefined) {
          out.push({ to: relay.requester, message: this.ack(relay.seq, relay.requester) })
        }
        break
      }
      case 'ping-req':
        if (!this.hasLeft) this.serveIndirect(message.target, from, message.seq, now, out)
        break
    }
    this.events.flush()
    return out
  }

  /**
   * Add or refresh members learned out of band (seed contact, push-pull), with
   * the precedence rules. Unknown members are added only when alive. As in
   * memberlist's push-pull merge, a member the list calls dead but we hold live
   * is suspected rather than declared dead at once, so a healthy member the
   * other side lost (a partition) gets its chance to refute. If the list says
   * we are suspect, dead or left at ≥ our incarnation, we refute.
   *
   * `source`: the transport sender of a push-pull list; only its own entry is
   * first-hand, every other new member stays unconfirmed. Omitted, the caller
   * vouches for every member (configured seeds, a test bootstrap).
   */
  mergeMembers(members: readonly Member[], now: number, source?: NodeId): void {
    for (const member of members) {
      const current = this.table.get(member.id)?.member
      const firstHand = source === undefined || member.id === source
      if (member.status === 'dead' && member.id !== this.self && current !== undefined && isLive(current.status)) {
        this.applyMember({ ...member, status: 'suspect' }, null, now, firstHand)
      } else {
        this.applyMember(member, null, now, firstHand)
      }
    }
    if (source !== undefined) this.heardFrom(source, now)
    this.events.flush()
  }

  /**
   * A valid message came from `id` itself (its transport sender): a listed,
   * unconfirmed member is confirmed now, and from then on probed, counted and
   * passed on like any other.
   */
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

  /**
   * Graceful leave: mark ourselves left at incarnation + 1 and return pings
   * carrying that news to `indirectChecks + 1` random live members. Afterwards
   * `tick` returns [] and ping-reqs are ignored, but pings are still acked
   * (spreading `left` further) until the runtime stops delivering.
   */
  leave(now: number): Outgoing[] {
    if (this.hasLeft) return []
    this.hasLeft = true
    this.probe = null
    this.reprobe = null
    const previous = this.selfMember.status
    this.selfMember = { ...this.selfMember, incarnation: this.selfMember.incarnation + 1, status: 'left' }
    this.table.set(this.selfMember, now)
    const update: MemberUpdate = { kind: 'member', member: this.selfMember }
    this.news.queueMember(this.selfMember, null)
    this.events.memberChanged(this.selfMember, previous)
    const targets = sample(this.table.ids(isLive, [this.self]), this.config.indirectChecks + 1, this.random)
    const out = targets.map((to) => ({ to, message: this.ping(this.nextSeq(), to, [update]) }))
    this.events.flush()
    return out
  }

  /**
   * Confirmed dead (not left) members still within `reconnectTimeoutMs` of
   * their death whose retry is due: the caller re-dials them and runs a
   * push-pull. Each member's retries back off (`reconnectIntervalMs`, doubling
   * to `reconnectMaxIntervalMs`), and at most `reconnectsPerInterval` are
   * returned per `reconnectIntervalMs`, the most overdue first.
   */
  reconnectDue(now: number): Member[] {
    return this.reconnects.due(this.table, now)
  }

  /**
   * Called when a member is first learned, changes status, or changes name or
   * addresses (not for a refutation that only raises the incarnation). Listeners
   * run after the state change is complete; an error thrown by one is rethrown
   * to the caller once all ran (the messages of that call are then lost).
   * Returns an unsubscribe function.
   */
  onMemberChange(listener: MemberChangeListener): Disposer {
    return this.events.onMemberChange(listener)
  }

  // ---- probing ---------------------------------------------------------------

  /**
   * One step of the probe in flight, then the next probe when due. Each probe
   * takes its timeout and interval from our health when it starts; the next
   * one is due an interval (stretched the same way) after this one was.
   */
  private runProbe(now: number, out: Outgoing[]): void {
    const p = this.probe
    if (p !== null) {
      const target = this.table.get(p.target)?.member
      if (target === undefined || !isLive(target.status)) {
        this.probe = null // learned meanwhile that it is dead or left
      } else if (p.indirectAt === null) {
        if (now >= p.startedAt + p.timeoutMs) {
          p.indirectAt = now
          this.sendPingReqs(p, out)
        }
      } else if (now >= Math.max(p.startedAt + p.intervalMs, p.indirectAt + p.intervalMs - p.timeoutMs)) {
        // The indirect probes always get their share of the interval, even after a late tick.
        this.probe = null
        this.awareness.apply(1) // no ack at all: maybe the target, maybe us
        this.suspectAfterProbe(p, now)
      }
    }
    if (this.probe !== null || now < this.nextProbeAt) return
    const intervalMs = this.awareness.scale(this.config.probeIntervalMs)
    this.nextProbeAt += intervalMs
    if (this.nextProbeAt <= now) this.nextProbeAt = now + intervalMs
    const target = this.nextTarget()
    if (target === undefined) return
    const seq = this.nextSeq()
    const incarnation = this.table.get(target)?.member.incarnation ?? 0
    const timeoutMs = this.awareness.scale(this.config.probeTimeoutMs)
    this.probe = { target, seq, incarnation, startedAt: now, timeoutMs, intervalMs, indirectAt: null }
    out.push({ to: target, message: this.ping(seq, target) })
  }

  private nextTarget(): NodeId | undefined {
    const again = this.reprobe
    this.reprobe = null
    if (again !== null && this.table.get(again)?.member.status === 'suspect') return again
    return this.order.next(
      (id) => {
        const status = this.table.get(id)?.member.status
        return id !== this.self && status !== undefined && isLive(status)
      },
      () => this.table.ids(isLive, [this.self]),
    )
  }

  private sendPingReqs(p: Probe, out: Outgoing[]): void {
    const candidates = this.table.ids((status) => status === 'alive', [this.self, p.target])
    for (const helper of sample(candidates, this.config.indirectChecks, this.random)) {
      out.push({
        to: helper,
        message: { v: 1, type: 'ping-req', from: this.self, seq: p.seq, target: p.target, updates: this.piggyback(helper) },
      })
    }
  }

  /**
   * Ping up to a few unconfirmed members each probe interval; forget those
   * that answered none of their introduction pings (see `Introductions`).
   */
  private runIntroductions(now: number, out: Outgoing[]): void {
    if (this.table.unconfirmedCount === 0 && this.introductions.size === 0) return
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
    for (const to of ping) out.push({ to, message: this.ping(this.nextSeq(), to) })
  }

  private suspectAfterProbe(p: Probe, now: number): void {
    const member = this.table.get(p.target)?.member
    if (member === undefined || !isLive(member.status) || member.incarnation > p.incarnation) return
    const wasAlive = member.status === 'alive'
    this.applyMember({ ...member, status: 'suspect', incarnation: p.incarnation }, this.self, now, false)
    if (wasAlive && this.table.get(p.target)?.member.status === 'suspect') this.reprobe = p.target
  }

  private serveIndirect(target: NodeId, requester: NodeId, seq: number, now: number, out: Outgoing[]): void {
    if (target === this.self) {
      out.push({ to: requester, message: this.ack(seq, requester) })
      return
    }
    const ownSeq = this.nextSeq()
    const expiresAt = now + this.awareness.scale(this.config.probeIntervalMs)
    if (!this.relays.add(ownSeq, { requester, seq, expiresAt })) return // full: a peer cannot grow our memory
    out.push({ to: target, message: this.ping(ownSeq, target) })
  }

  /**
   * Declare dead the suspects whose time ran out. Before that, each suspicion
   * is checked once more: a ping to the suspect (the suspicion rides first on
   * it, as in the buddy system), and the suspicion queued again for gossip. A
   * suspect that refuted meanwhile, or never heard of its suspicion, answers
   * with its newer incarnation, and peers that heard the refutation correct us
   * (see `absorb`). This catches the node the gossip of a refutation happened
   * to miss, which would otherwise declare a healthy member dead.
   */
  private expireSuspicions(now: number, out: Outgoing[]): void {
    for (const id of this.table.suspects()) {
      const entry = this.table.get(id)
      const suspicion = entry?.suspicion
      if (entry === undefined || suspicion == null) continue
      if (now >= suspicion.deadline()) {
        this.applyMember({ ...entry.member, status: 'dead' }, this.self, now, false)
      } else if (!suspicion.rechecked && now >= suspicion.recheckAt) {
        suspicion.rechecked = true
        this.news.queueMember(entry.member, null)
        out.push({ to: id, message: this.ping(this.nextSeq(), id) })
      }
    }
  }

  // ---- dissemination ---------------------------------------------------------

  private runGossip(now: number, out: Outgoing[]): void {
    const { gossipIntervalMs: interval, gossipNodes } = this.config
    if (gossipNodes === 0 || now < this.nextGossipAt) return
    this.nextGossipAt += interval
    if (this.nextGossipAt <= now) this.nextGossipAt = now + interval
    if (this.news.size === 0) return
    for (const to of sample(this.table.ids(isLive, [this.self]), gossipNodes, this.random)) {
      const updates = this.piggyback(to)
      if (updates.length === 0) break
      out.push({ to, message: { v: 1, type: 'ping', from: this.self, seq: this.nextSeq(), updates } })
    }
  }

  /**
   * Updates for one message to `to`: what we hold against `to` when it is
   * suspect or dead (buddy system: it can refute at once), then `lead`
   * (corrections), then the queued news (see `Dissemination`).
   */
  private piggyback(to: NodeId, lead: readonly MemberUpdate[] = []): Update[] {
    const target = this.table.get(to)?.member
    const first = target?.status === 'suspect' || target?.status === 'dead' ? [{ kind: 'member' as const, member: target }, ...lead] : lead
    return this.news.updatesFor(to, first)
  }

  private ping(seq: number, to: NodeId, lead?: readonly MemberUpdate[]): SwimMessage {
    return { v: 1, type: 'ping', from: this.self, seq, updates: this.piggyback(to, lead) }
  }

  private ack(seq: number, to: NodeId, lead?: readonly MemberUpdate[]): SwimMessage {
    return { v: 1, type: 'ack', from: this.self, seq, updates: this.piggyback(to, lead) }
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) % SEQ_MODULUS
    return this.seq
  }

  // ---- member state ----------------------------------------------------------

  /**
   * Apply the updates of a message from `from`. Returns our newer views of the
   * members it had stale news about, to answer it with; those views are also
   * queued again (their transmit count restarts). Without this, an epidemic
   * that ran out of transmissions can leave a few nodes with a stale suspicion
   * that expires into a false death; with it, anyone still spreading old news
   * is corrected by the first node it meets that knows better.
   *
   * Application items go to their kind's delegate, in message order (an item
   * of a kind no delegate is registered for is ignored).
   */
  private absorb(updates: readonly Update[], from: NodeId, now: number, sender: NodeId): MemberUpdate[] {
    const corrections: MemberUpdate[] = []
    for (const update of updates) {
      if (!isMemberUpdate(update)) {
        this.delegates.get(update.kind)?.notify(update, from)
        continue
      }
      const newer = this.applyMember(update.member, from, now, update.member.id === sender)
      if (newer !== null) {
        corrections.push({ kind: 'member', member: newer })
        if (!this.hasLeft || newer.id === this.self) this.news.queueMember(newer, null)
      }
    }
    return corrections
  }

  /**
   * Apply one view of a member. `from`: who told us (its suspect update
   * confirms a suspicion and accuses in a new one); null for a merge, where
   * the partner's list is no independent evidence. `firstHand`: the member
   * itself sent it (a new member then starts confirmed).
   */
  private applyMember(incoming: Member, from: NodeId | null, now: number, firstHand: boolean): Member | null {
    if (incoming.id === this.self) return this.refuteIfNeeded(incoming, now)
    const entry = this.table.get(incoming.id)
    if (entry === undefined) {
      const admitted = incoming.status === 'alive' && this.admission.admitNew(this.table, incoming, firstHand, now, (id) => this.introductions.done(id))
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
