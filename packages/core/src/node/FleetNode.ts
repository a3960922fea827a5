import type { Clock } from '../clock/Clock.js'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import { BreakerTable } from '../table/BreakerTable.js'
import { effectiveState, type BreakerRecord } from '../table/BreakerRecord.js'
import { Swim } from '../membership/Swim.js'
import type { Outgoing } from '../membership/Swim.js'
import { isLive } from '../membership/MemberTable.js'
import { encodeMessage, decodeMessage } from '../wire/codec.js'
import { WireError } from '../wire/WireError.js'
import type { DecodeStats } from '../wire/readMessage.js'
import type { OutgoingMessage, WireMessage } from '../wire/messages.js'
import { piggybackMeasure } from '../wire/MessageSize.js'
import type { FleetBreaker } from './FleetBreaker.js'
import { channelAccepts } from './channelAccepts.js'
import { deltaMessages } from './deltaMessages.js'
import { FleetDecisions } from './FleetDecisions.js'
import type { DecisionView } from './FleetDecisions.js'
import { FleetNodeEvents } from './FleetNodeEvents.js'
import { FleetSync } from './FleetSync.js'
import { Housekeeping } from './Housekeeping.js'
import { LocalBreakers } from './LocalBreakers.js'
import { OpinionDelegate } from './OpinionDelegate.js'
import { ProbeClaims } from './ProbeClaims.js'
import { RecordDelegate } from './RecordDelegate.js'
import { resolveFleetOptions } from './FleetOptions.js'
import type { ResolvedFleetOptions } from './FleetOptions.js'
import type { FleetNodeInit, FleetTransport } from './FleetTypes.js'
import type { Channel, DirectChannel, NodeId } from '../types.js'

/**
 * One member of the fleet, with no I/O of its own: SWIM membership, the
 * replicated breaker table, the local breakers, and the glue between them.
 * The runtime calls `tick()` every few tens of ms, `flush()` soon after
 * `onPending` fires, and `receive()` for every message; it sends what the
 * node hands to its `FleetTransport`. The same class runs in the libp2p mesh
 * and, in fake time, on `MemoryNetwork`.
 *
 * The parts: `Swim` (membership) carries the breaker records through the
 * `RecordDelegate` (piggyback, gossip deltas, merging, the record half of
 * push-pull) and the per-node opinions through the `OpinionDelegate`;
 * `FleetSync` runs push-pull for both; `LocalBreakers` turns local
 * transitions into record writes and merged records into local state;
 * `FleetDecisions` applies each breaker's decision policy (which local trips
 * open the fleet, isolation, this node's opinions); `ProbeClaims` decides
 * who may probe a half-open breaker; `Housekeeping` prunes vector clocks and
 * collects unused records. Events and counters: `FleetNodeEvents`.
 */
export class FleetNode extends FleetNodeEvents {
  readonly id: NodeId
  readonly name: string
  readonly table: BreakerTable
  readonly swim: Swim
  readonly options: ResolvedFleetOptions

  private readonly clock: Clock
  private readonly transport: FleetTransport
  private readonly records: RecordDelegate
  private readonly opinions: OpinionDelegate
  private readonly decisions: FleetDecisions
  private readonly breakers: LocalBreakers
  private readonly sync: FleetSync
  private readonly claims: ProbeClaims
  private readonly housekeeping: Housekeeping
  private readonly decodeStats: DecodeStats = { skippedSections: 0 }
  private stopped = false

  constructor(init: FleetNodeInit) {
    super()
    this.id = init.self.id
    this.name = init.self.name
    this.clock = init.clock
    this.transport = init.transport
    const random = init.random ?? Math.random
    this.options = resolveFleetOptions(init.options ?? {}, init.swim)
    const now = this.clock.now()
    const limits = { maxLeap: this.options.maxClockLeap, leapPerSecond: this.options.clockLeapPerSecond }
    this.table = new BreakerTable({
      self: this.id,
      maxRecords: this.options.maxRecords,
      clockLimits: limits,
      canEvict: (record) => this.housekeeping.canEvict(record, this.clock.now()),
      onDrop: (record) => this.forget(record.name),
    })
    this.swim = new Swim({
      self: init.self,
      config: init.swim,
      now,
      random,
      maxMembers: this.options.maxMembers,
      isValidNodeId: init.isValidNodeId,
      incarnationLimits: limits,
      onDrop: (reason) => this.drop(reason),
      measure: piggybackMeasure,
    })
    this.records = new RecordDelegate({
      id: this.id,
      table: this.table,
      retransmitMult: init.swim.retransmitMult,
      maxRecordsPerDelta: this.options.maxRecordsPerDelta,
      clusterSize: () => this.swim.liveCount,
      now: () => this.clock.now(),
      wallClock: init.wallClock,
      follow: (record, at) => this.breakers.follow(record, at),
      changed: (change) => this.changed.emit(change),
      pending: () => this.pending.emit(),
      publish: (message) => this.transport.publish(this.encode(message)),
      drop: (reason, count) => this.drop(reason, count),
    })
    this.swim.register(this.records)
    this.opinions = new OpinionDelegate({
      id: this.id,
      retransmitMult: init.swim.retransmitMult,
      ttlMs: this.options.opinionTtlMs,
      clusterSize: () => this.swim.liveCount,
      now: () => this.clock.now(),
      isLiveMember: (id) => isLive(this.swim.member(id)?.status ?? 'dead'),
      knows: (name) => this.breakers.existing(name) !== undefined || this.table.get(name) !== undefined,
      changed: (name) => this.decisions.changed(name),
    })
    this.swim.register(this.opinions)
    this.claims = new ProbeClaims(this.id, this.table, this.swim, this.options.claimTimeoutMs)
    this.breakers = new LocalBreakers({
      id: this.id,
      name: this.name,
      table: this.table,
      clock: this.clock,
      wallClock: init.wallClock,
      claims: this.claims,
      share: (record) => this.records.share(record),
      changed: (change) => this.changed.emit(change),
      localOnly: (name) => this.wentLocalOnly.emit(name),
      countLocalOnlyWrite: () => this.counters.localOnlyWrites++,
      fleetReason: (name, t) => this.decisions.fleetReason(name, t, this.clock.now()),
      isolated: (name) => this.decisions.isolated(name),
    })
    this.decisions = new FleetDecisions({
      id: this.id,
      table: this.table,
      entries: this.breakers.entries,
      opinions: this.opinions,
      intervalMs: this.options.opinionIntervalMs,
      ttlMs: this.options.opinionTtlMs,
      isAlive: (id) => this.claims.isAlive(id),
      openFleet: (name, reason) => this.breakers.openFleet(name, reason),
      pending: () => this.pending.emit(),
    })
    this.sync = new FleetSync(
      {
        id: this.id,
        swim: this.swim,
        records: this.records,
        opinions: this.opinions,
        maxRecordsPerDelta: this.options.maxRecordsPerDelta,
        pushPullIntervalMs: init.swim.pushPullIntervalMs,
        send: (to, message, addrs) => this.send(to, 'sync', message, addrs),
        drop: (reason, count) => this.drop(reason, count),
        addrsOf: (id) => this.addrsOf(id),
        random,
      },
      now,
    )
    this.housekeeping = new Housekeeping(now, this.options, {
      table: this.table,
      swim: this.swim,
      entries: this.breakers.entries,
      isUnsent: (name) => this.records.isUnsent(name),
      collected: () => this.counters.recordsCollected++,
    })
    this.swim.onMemberChange((member, previous) => {
      this.claims.membersChanged()
      this.housekeeping.memberChanged(member, this.clock.now())
      if (member.status === 'dead' || member.status === 'left') this.opinions.memberGone(member.id)
      this.memberChanged.emit([member, previous])
    })
    // A change of the fleet's state restarts every window: opinions published before it no longer count.
    this.changed.add(({ name, record, previous }) => {
      if (previous === undefined || effectiveState(previous) !== effectiveState(record)) this.decisions.fleetStateChanged(name, this.clock.now())
    })
  }

  /** Wall-clock age (ms) of the most recently merged remote version when it arrived; display only. */
  get lastPropagationAgeMs(): number | null {
    return this.records.lastPropagationAgeMs
  }

  /** Gone members whose vector-clock entries are still kept (forgotten once pruned, after `vclockTtlMs`). */
  get goneTracked(): number {
    return this.housekeeping.goneTracked
  }

  /** True once a push-pull completed. */
  get synced(): boolean {
    return this.sync.synced
  }

  /** The local handles that are local-only now (see `FleetBreaker.localOnly`): not in the table, or not up to date there. */
  localOnlyBreakers(): FleetBreaker[] {
    return this.breakers.localOnly()
  }

  // ---- breakers -----------------------------------------------------------

  /**
   * The local handle on breaker `name`, created with `options` the first time
   * (later calls return the same handle; their options are ignored). Throws
   * `InvalidBreakerNameError` for a name that is not 1..128 characters of
   * letters, digits and `. _ - : / @`, `RangeError` for bad options.
   */
  breaker(name: string, options?: BreakerOptions): FleetBreaker {
    return this.breakers.breaker(name, options)
  }

  /** The handle if `breaker(name)` was called on this node. */
  existingBreaker(name: string): FleetBreaker | undefined {
    return this.breakers.existing(name)
  }

  /**
   * Operator override: open `name` on every node until `reset`. When the
   * table is full, the least recently changed record with no override that
   * this node does not use makes room; with none, throws `TableFullError`.
   */
  forceOpen(name: string, reason = 'forced open by operator'): BreakerRecord {
    return this.breakers.writeOverride(name, 'forced-open', reason)
  }

  /** Operator override: close `name` on every node until `reset`. */
  forceClose(name: string, reason = 'forced closed by operator'): BreakerRecord {
    return this.breakers.writeOverride(name, 'forced-closed', reason)
  }

  /** Clear an override; the breaker starts closed with fresh windows. */
  reset(name: string, reason = 'reset by operator'): BreakerRecord {
    return this.breakers.reset(name, reason)
  }

  /** Local window counts of a breaker, if it is used on this node. */
  localTotals(name: string): { calls: number; failures: number; slow: number } {
    return this.breakers.totals(name)
  }

  /**
   * How breaker `name` is decided here: its `decision` (`any` for a breaker
   * this node does not use), whether this node is isolated, what the fresh
   * opinions of the fleet say, and those opinions (this node's own first).
   */
  decision(name: string): DecisionView {
    return this.decisions.view(name, this.clock.now())
  }

  /** Other members' opinions held now (fresh or not yet swept): bounded by live members × breakers in use. */
  get opinionsHeld(): number {
    return this.opinions.table.size
  }

  /**
   * Publish every record written since the last flush and this node's
   * opinions that are due: one gossip message per burst, split past
   * `maxRecordsPerDelta` records or `maxMessageBytes`.
   */
  flush(): void {
    if (this.stopped) return
    const records = this.records.takeUnsent()
    const opinions = this.decisions.due(this.clock.now())
    if (records.length === 0 && opinions.length === 0) return
    this.counters.opinionsPublished += opinions.length
    for (const message of deltaMessages(this.id, records, this.options.maxRecordsPerDelta, opinions)) this.transport.publish(this.encode(message))
  }

  // ---- time -----------------------------------------------------------------

  /** Run timers: SWIM probes and suspicion, stale probe claims, push-pull, reconnects, pruning, collection, gossip flush. */
  tick(): void {
    if (this.stopped) return
    const now = this.clock.now()
    this.sendSwim(this.swim.tick(now))
    this.claims.releaseStale(this.breakers.entries, now)
    this.sync.tick(now)
    this.housekeeping.tick(now)
    this.decisions.tick(now)
    this.flush()
  }

  /** A transport connection to `peer` came up (discovery, seed, inbound): push-pull with it. */
  peerConnected(peer: NodeId, addrs: readonly string[] = []): void {
    if (this.stopped || peer === this.id) return
    this.sync.request(peer, addrs.length > 0 ? addrs : this.addrsOf(peer), this.clock.now())
  }

  // ---- messages ---------------------------------------------------------------

  /**
   * One message from the network. Never throws: a malformed message is dropped
   * and counted. `from` is the transport's authenticated sender (the Noise
   * peer id): a direct (swim/sync) message must name it as its own `from`,
   * or it is dropped as `sender-mismatch`, so no member can speak for another
   * in SWIM or sync; it alone confirms a member (see `Swim.heardFrom`), and
   * sync answers go to it. Gossip arrives from whichever neighbour forwarded
   * it; records inside name their writer (`origin`). Sections of a kind this
   * build does not know (a newer peer's) are skipped and counted as
   * `unknown-section`; the rest of the message is used.
   */
  receive(from: NodeId, channel: Channel, bytes: Uint8Array): void {
    if (this.stopped) return
    this.counters.messagesIn++
    this.counters.bytesIn += bytes.byteLength
    const message = decodeMessage(bytes, this.decodeStats)
    if (message instanceof WireError) {
      this.drop(message.code)
      return
    }
    if (this.decodeStats.skippedSections > 0) this.drop('unknown-section', this.decodeStats.skippedSections)
    if (!channelAccepts(channel, message)) {
      this.drop('wrong-channel')
      return
    }
    if (channel !== 'gossip' && message.from !== from) {
      this.drop('sender-mismatch')
      return
    }
    this.handle(message, from)
  }

  private handle(message: WireMessage, sender: NodeId): void {
    const now = this.clock.now()
    switch (message.type) {
      case 'ping':
      case 'ack':
      case 'ping-req': {
        let out: Outgoing[]
        try {
          out = this.swim.receive(message, now, sender)
        } finally {
          // the piggybacked records and opinions, once the message's member changes are in
          this.records.settle()
          this.opinions.settle()
        }
        this.sendSwim(out)
        break
      }
      case 'delta':
        this.swim.heardFrom(sender, now)
        for (const record of message.records) this.records.merge(record)
        if (message.opinions !== undefined) this.opinions.mergeRemoteState(message.opinions)
        break
      case 'sync-req':
        this.sync.answer(message, sender, now)
        break
      case 'sync-res':
        if (this.sync.receiveAnswer(message, sender, now)) this.syncedWith.emit(sender)
        break
    }
  }

  private addrsOf(id: NodeId): readonly string[] {
    return this.swim.member(id)?.addrs ?? []
  }

  private sendSwim(out: readonly Outgoing[]): void {
    for (const o of out) this.send(o.to, 'swim', o.message, this.addrsOf(o.to))
  }

  private send(to: NodeId, channel: DirectChannel, message: OutgoingMessage, addrs: readonly string[]): void {
    if (to === this.id) return
    this.transport.send(to, channel, this.encode(message), addrs)
  }

  private encode(message: OutgoingMessage): Uint8Array {
    const bytes = encodeMessage(message)
    this.counters.messagesOut++
    this.counters.bytesOut += bytes.byteLength
    return bytes
  }

  /** The table dropped `name` (collected or evicted): forget what only served it. */
  private forget(name: string): void {
    this.breakers.forget(name)
    if (this.breakers.existing(name) !== undefined) return
    this.opinions.forget(name)
    this.decisions.forget(name)
  }

  // ---- lifecycle ------------------------------------------------------------

  /** Graceful leave: tell the fleet this node is `left`, flush pending gossip; afterwards the node is inert. */
  leave(): void {
    if (this.stopped) return
    this.flush()
    this.sendSwim(this.swim.leave(this.clock.now()))
    this.stopped = true
  }

  /** Stop without telling anyone (a crash, in tests). */
  halt(): void {
    this.stopped = true
  }
}
