import type { Clock } from '../clock/Clock.js'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import { BreakerTable } from '../table/BreakerTable.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import { Swim } from '../membership/Swim.js'
import type { Outgoing } from '../membership/Swim.js'
import type { Member } from '../membership/Member.js'
import { EventEmitter } from '../util/Event.js'
import type { Disposer } from '../util/Event.js'
import { encodeMessage, decodeMessage } from '../wire/codec.js'
import { WireError } from '../wire/WireError.js'
import type { DecodeStats } from '../wire/readMessage.js'
import type { OutgoingMessage, WireMessage } from '../wire/messages.js'
import { piggybackMeasure } from '../wire/MessageSize.js'
import type { FleetBreaker } from './FleetBreaker.js'
import { channelAccepts } from './channelAccepts.js'
import { FleetSync } from './FleetSync.js'
import { Housekeeping } from './Housekeeping.js'
import { LocalBreakers } from './LocalBreakers.js'
import { ProbeClaims } from './ProbeClaims.js'
import { RecordDelegate } from './RecordDelegate.js'
import { resolveFleetOptions } from './FleetOptions.js'
import type { ResolvedFleetOptions } from './FleetOptions.js'
import type { BreakerChange, FleetCounters, FleetNodeInit, FleetTransport } from './FleetTypes.js'
import type { Channel, DirectChannel, MemberStatus, NodeId } from '../types.js'

type MemberChange = readonly [member: Member, previous: MemberStatus | null]

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
 * push-pull); `FleetSync` runs push-pull; `LocalBreakers` turns local
 * transitions into record writes and merged records into local state;
 * `ProbeClaims` decides who may probe a half-open breaker; `Housekeeping`
 * prunes vector clocks and collects unused records.
 */
export class FleetNode {
  readonly id: NodeId
  readonly name: string
  readonly table: BreakerTable
  readonly swim: Swim
  readonly options: ResolvedFleetOptions
  readonly counters: FleetCounters = {
    messagesIn: 0,
    messagesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    dropped: Object.create(null) as Record<string, number>,
    localOnlyWrites: 0,
    recordsCollected: 0,
    listenerErrors: 0,
  }

  private readonly clock: Clock
  private readonly transport: FleetTransport
  private readonly countError = (): void => {
    this.counters.listenerErrors++
  }
  private readonly changed = new EventEmitter<BreakerChange>(this.countError)
  private readonly memberChanged = new EventEmitter<MemberChange>(this.countError)
  private readonly syncedWith = new EventEmitter<NodeId>(this.countError)
  private readonly pending = new EventEmitter<void>(this.countError)
  private readonly wentLocalOnly = new EventEmitter<string>(this.countError)
  private readonly records: RecordDelegate
  private readonly breakers: LocalBreakers
  private readonly sync: FleetSync
  private readonly claims: ProbeClaims
  private readonly housekeeping: Housekeeping
  private readonly decodeStats: DecodeStats = { skippedSections: 0 }
  private stopped = false

  constructor(init: FleetNodeInit) {
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
      onDrop: (record) => this.breakers.forget(record.name),
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
      publish: (message) => {
        const bytes = this.encode(message)
        this.transport.publish(bytes)
      },
      drop: (reason, count) => this.drop(reason, count),
    })
    this.swim.register(this.records)
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
    })
    this.sync = new FleetSync(
      {
        id: this.id,
        swim: this.swim,
        state: this.records,
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
      this.memberChanged.emit([member, previous])
    })
  }

  // ---- events -------------------------------------------------------------

  /** A breaker's version changed here. */
  onBreakerChange(listener: (change: BreakerChange) => void): Disposer {
    return this.changed.add(listener)
  }

  /** A member's status changed in this node's view. */
  onMemberChange(listener: (member: Member, previous: MemberStatus | null) => void): Disposer {
    return this.memberChanged.add(([member, previous]) => listener(member, previous))
  }

  /** A push-pull with `peer` completed: every part answered (the first one means this node has joined). */
  onSynced(listener: (peer: NodeId) => void): Disposer {
    return this.syncedWith.add(listener)
  }

  /** Breaker `name` just became local-only (its transition could not be shared: table full). Fired once per change. */
  onLocalOnly(listener: (name: string) => void): Disposer {
    return this.wentLocalOnly.add(listener)
  }

  /** Records wait to be gossiped: call `flush()` soon (same tick is fine; it coalesces). */
  onPending(listener: () => void): Disposer {
    return this.pending.add(listener)
  }

  // A listener that throws is counted (`counters.listenerErrors`) and stops neither the others nor the node.

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
   * Publish every record written since the last flush: one gossip message per
   * burst, split past `maxRecordsPerDelta` records or `maxMessageBytes`.
   */
  flush(): void {
    if (!this.stopped) this.records.flush()
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
          this.records.settle() // the piggybacked records, once the message's member changes are in
        }
        this.sendSwim(out)
        break
      }
      case 'delta':
        this.swim.heardFrom(sender, now)
        for (const record of message.records) this.records.merge(record)
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

  private drop(reason: string, count = 1): void {
    this.counters.dropped[reason] = (this.counters.dropped[reason] ?? 0) + count
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
