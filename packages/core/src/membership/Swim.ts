import { Awareness } from './Awareness.js'
import { Dissemination } from './Dissemination.js'
import type { Member } from './Member.js'
import type { MembershipDelegate } from './MembershipDelegate.js'
import { isLive } from './MemberTable.js'
import { MemberView } from './MemberView.js'
import { Prober } from './Prober.js'
import { sample } from './random.js'
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

const SEQ_MODULUS = 2 ** 32

/**
 * SWIM membership with Lifeguard's refinements, as a pure state machine: no
 * timers, no clock, no I/O. The runtime calls `tick(now)` often (about every
 * probeInterval / 10), passes every received message to `receive`, and sends
 * the `Outgoing` messages both return.
 *
 * The parts: `Prober` (probes, ping-reqs, suspicion of silent members, local
 * health awareness), `MemberView` (the member list: precedence, suspicion
 * timeouts, refutation, corrections, confirmation, bounds) and
 * `Dissemination` (what rides on every message). This class builds and
 * answers the messages and runs the gossip rounds.
 *
 * - Dissemination: member updates and the application's items ride on every
 *   ping, ack and ping-req (our own news, then members, then each delegate's
 *   items; never to a node known to hold the update already), and on gossip
 *   pings to `gossipNodes` random members every `gossipIntervalMs` while news
 *   is queued.
 * - Lifeguard's buddy system: a message to a member we hold suspect (or dead)
 *   carries that verdict first, so the member learns it at once and can refute;
 *   a member we just suspected is probed again in the next interval; and each
 *   suspicion pings its suspect once more halfway to its minimum timeout.
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
  private readonly news: Dissemination
  private readonly view: MemberView
  private readonly prober: Prober
  private readonly awareness: Awareness
  private readonly events = new SwimEvents()
  private readonly delegates = new Map<string, MembershipDelegate>()
  private nextGossipAt: number
  private seq = 0

  constructor(options: SwimOptions) {
    const { self, now } = options
    if (typeof self.id !== 'string' || self.id.length === 0) {
      throw new RangeError(`Swim self.id must be a non-empty string, got ${String(self.id)}`)
    }
    if (!Number.isFinite(now)) throw new RangeError(`Swim now must be a finite number, got ${String(now)}`)
    this.config = validateSwimConfig(options.config)
    this.random = options.random ?? Math.random
    this.awareness = new Awareness(this.config.awarenessMaxMultiplier)
    this.self = self.id
    this.news = new Dissemination({
      self: self.id,
      retransmitMult: this.config.retransmitMult,
      maxPiggyback: this.config.maxPiggyback,
      clusterSize: () => this.view.table.liveCount,
      measure: options.measure,
    })
    this.view = new MemberView({
      ...options,
      selfMember: { id: self.id, name: self.name, addrs: [...self.addrs], incarnation: 0, status: 'alive' },
      config: this.config,
      random: this.random,
      awareness: this.awareness,
      news: this.news,
      events: this.events,
    })
    const messages = {
      nextSeq: () => this.nextSeq(),
      ping: (seq: number, to: NodeId) => this.ping(seq, to),
      ack: (seq: number, to: NodeId) => this.ack(seq, to),
      pingReq: (seq: number, target: NodeId, to: NodeId): SwimMessage => ({ v: 1, type: 'ping-req', from: this.self, seq, target, updates: this.piggyback(to) }),
    }
    this.prober = new Prober(this.self, this.view, this.config, this.awareness, this.random, messages, now)
    // Stagger the first gossip round so a fleet started together does not gossip in lockstep.
    this.nextGossipAt = now + this.random() * this.config.gossipIntervalMs
  }

  /** Our own incarnation number. */
  get incarnation(): number {
    return this.view.me.incarnation
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
    return this.view.table.liveCount
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
    return Array.from(this.view.table.values(), (entry) => entry.member)
  }

  /** The members this node vouches for: the confirmed ones (what it sends in a push-pull). */
  sharedMembers(): Member[] {
    const out: Member[] = []
    for (const entry of this.view.table.values()) if (entry.confirmed) out.push(entry.member)
    return out
  }

  member(id: NodeId): Member | undefined {
    return this.view.table.get(id)?.member
  }

  /** Whether `id` is listed and confirmed (heard from directly). */
  isConfirmed(id: NodeId): boolean {
    return this.view.table.get(id)?.confirmed === true
  }

  /** Unconfirmed members listed now. */
  get unconfirmedCount(): number {
    return this.view.table.unconfirmedCount
  }

  /** Unconfirmed members forgotten because they did not answer their introduction ping. */
  get forgottenUnconfirmed(): number {
    return this.view.forgottenUnconfirmed
  }

  /** Confirmed alive and suspect members, self included (until it left): the probe and prober candidates. */
  aliveIds(): NodeId[] {
    return this.view.table.ids(isLive)
  }

  /** Run probes, ping-req and suspicion timeouts, gossip rounds and retention. Returns [] after `leave`. */
  tick(now: number): Outgoing[] {
    if (this.view.left) return []
    const out: Outgoing[] = []
    this.view.expireSuspicions(now, (id) => out.push({ to: id, message: this.ping(this.nextSeq(), id) }))
    this.prober.tick(now, out)
    for (const to of this.view.introductionsDue(now)) out.push({ to, message: this.ping(this.nextSeq(), to) })
    this.runGossip(now, out)
    this.prober.expireRelays(now)
    this.view.retain(now)
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
    this.view.heardFrom(sender, now)
    switch (message.type) {
      case 'ping':
        out.push({ to: from, message: this.ack(message.seq, from, corrections) })
        break
      case 'ack': {
        const relay = this.prober.acked(message.seq, from, now)
        if (relay !== undefined) out.push({ to: relay.requester, message: this.ack(relay.seq, relay.requester) })
        break
      }
      case 'ping-req':
        if (!this.view.left) this.prober.serve(message.target, from, message.seq, now, out)
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
    this.view.merge(members, now, source)
    this.events.flush()
  }

  /**
   * A valid message came from `id` itself (its transport sender): a listed,
   * unconfirmed member is confirmed now, and from then on probed, counted and
   * passed on like any other.
   */
  heardFrom(id: NodeId, now: number): void {
    this.view.heardFrom(id, now)
  }

  /**
   * Graceful leave: mark ourselves left at incarnation + 1 and return pings
   * carrying that news to `indirectChecks + 1` random live members. Afterwards
   * `tick` returns [] and ping-reqs are ignored, but pings are still acked
   * (spreading `left` further) until the runtime stops delivering.
   */
  leave(now: number): Outgoing[] {
    if (this.view.left) return []
    this.prober.stop()
    const update: MemberUpdate = { kind: 'member', member: this.view.leave(now) }
    const targets = sample(this.view.table.ids(isLive, [this.self]), this.config.indirectChecks + 1, this.random)
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
    return this.view.reconnectDue(now)
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

  // ---- messages ----------------------------------------------------------------

  /**
   * Apply the updates of a message from `from`: member updates to the view
   * (returning our newer views of the members it had stale news about, to
   * answer it with; see `MemberView.absorb`), application items to their
   * kind's delegate, in message order (an item of a kind no delegate is
   * registered for is ignored).
   */
  private absorb(updates: readonly Update[], from: NodeId, now: number, sender: NodeId): MemberUpdate[] {
    const corrections: MemberUpdate[] = []
    for (const update of updates) {
      if (!isMemberUpdate(update)) {
        this.delegates.get(update.kind)?.notify(update, from)
        continue
      }
      const newer = this.view.absorb(update.member, from, now, sender)
      if (newer !== null) corrections.push({ kind: 'member', member: newer })
    }
    return corrections
  }

  private runGossip(now: number, out: Outgoing[]): void {
    const { gossipIntervalMs: interval, gossipNodes } = this.config
    if (gossipNodes === 0 || now < this.nextGossipAt) return
    this.nextGossipAt += interval
    if (this.nextGossipAt <= now) this.nextGossipAt = now + interval
    if (this.news.urgent === 0) return
    for (const to of sample(this.view.table.ids(isLive, [this.self]), gossipNodes, this.random)) {
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
    const target = this.view.table.get(to)?.member
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
}
