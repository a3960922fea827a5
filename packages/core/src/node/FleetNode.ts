import type { Clock } from '../clock/Clock.js'
import { GoneMembers } from '../clock/VClockPruner.js'
import { CircuitBreaker } from '../breaker/CircuitBreaker.js'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import type { Transition } from '../breaker/CircuitBreaker.js'
import { BreakerTable } from '../table/BreakerTable.js'
import { assertBreakerName } from '../table/assertBreakerName.js'
import type { BreakerRecord, NodeId, RecordPayload } from '../table/BreakerRecord.js'
import { MAX_OPEN_COUNT, MAX_REASON_LENGTH } from '../table/BreakerRecord.js'
import { isLive } from '../membership/memberTable.js'
import { Swim } from '../membership/Swim.js'
import type { Outgoing } from '../membership/Swim.js'
import type { SwimConfig } from '../membership/SwimConfig.js'
import type { Member, MemberStatus } from '../membership/Member.js'
import { encodeMessage, decodeMessage } from '../wire/codec.js'
import { WireError } from '../wire/WireError.js'
import type { DeltaMessage, WireMessage } from '../wire/messages.js'
import { paginate } from '../wire/wireSize.js'
import { FleetBreaker } from './FleetBreaker.js'
import { FleetSync } from './FleetSync.js'
import { ProbeClaims } from './ProbeClaims.js'
import type { BreakerEntry } from './ProbeClaims.js'
import { resolveFleetOptions } from './FleetOptions.js'
import type { FleetOptions, ResolvedFleetOptions } from './FleetOptions.js'
import { RecordLifetime } from './recordLifetime.js'
import type { BreakerChange, Channel, FleetCounters, FleetNodeInit, FleetTransport } from './FleetTypes.js'

export type { Channel, FleetTransport, BreakerChange, FleetNodeInit, FleetCounters } from './FleetTypes.js'

type Listener<T extends unknown[]> = (...args: T) => void

function addListener<T extends unknown[]>(set: Set<Listener<T>>, listener: Listener<T>): () => void {
  set.add(listener)
  return () => set.delete(listener)
}

/**
 * One member of the fleet, with no I/O of its own: SWIM membership, the
 * replicated breaker table, the local breakers, and the glue between them.
 * The runtime calls `tick()` every few tens of ms, `flush()` soon after
 * `onPending` fires, and `receive()` for every message; it sends what the
 * node hands to its `FleetTransport`. The same class runs in the libp2p mesh
 * and, in fake time, on `MemoryNetwork`.
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
  /** Wall-clock age (ms) of the most recently merged remote version when it arrived; display only. */
  lastPropagationAgeMs: number | null = null

  private readonly clock: Clock
  private readonly wallClock: () => number
  private readonly transport: FleetTransport
  private readonly random: () => number
  private readonly swimConfig: SwimConfig
  private readonly entries = new Map<string, BreakerEntry>()
  private readonly pending = new Map<string, BreakerRecord>()
  private readonly gone = new GoneMembers()
  private readonly changeListeners = new Set<Listener<[BreakerChange]>>()
  private readonly memberListeners = new Set<Listener<[Member, MemberStatus | null]>>()
  private readonly syncListeners = new Set<Listener<[NodeId]>>()
  private readonly pendingListeners = new Set<Listener<[]>>()
  private readonly localOnlyListeners = new Set<Listener<[string]>>()
  private readonly sync: FleetSync
  private readonly lifetime: RecordLifetime
  private readonly claims: ProbeClaims
  private nextPushPullAt: number
  private nextPruneAt: number
  private nextCollectAt: number
  private stopped = false

  constructor(init: FleetNodeInit) {
    this.id = init.self.id
    this.name = init.self.name
    this.clock = init.clock
    this.wallClock = init.wallClock
    this.transport = init.transport
    this.random = init.random ?? Math.random
    this.swimConfig = init.swim
    this.options = resolveFleetOptions(init.options ?? {}, init.swim)
    const now = this.clock.now()
    const limits = { maxLeap: this.options.maxClockLeap, leapPerSecond: this.options.clockLeapPerSecond }
    this.lifetime = new RecordLifetime(this.options.recordTtlMs, {
      learnedAt: (name) => this.entries.get(name)?.learnedAt,
      lastUsedAt: (name) => this.entries.get(name)?.breaker?.lastUsedAt,
      isPending: (name) => this.pending.has(name),
    })
    this.table = new BreakerTable({
      self: this.id,
      maxRecords: this.options.maxRecords,
      clockLimits: limits,
      canEvict: (record) => this.lifetime.canEvict(record, this.clock.now()),
      onDrop: (record) => this.recordDropped(record),
    })
    this.swim = new Swim({
      self: init.self,
      config: init.swim,
      now,
      random: this.random,
      maxMembers: this.options.maxMembers,
      isValidNodeId: init.isValidNodeId,
      incarnationLimits: limits,
      onDrop: (reason) => this.drop(reason),
    })
    this.claims = new ProbeClaims(this.id, this.table, this.swim, this.options.claimTimeoutMs)
    this.sync = new FleetSync({
      id: this.id,
      table: this.table,
      swim: this.swim,
      maxRecordsPerDelta: this.options.maxRecordsPerDelta,
      send: (to, message, addrs) => this.send(to, 'sync', message, addrs),
      merge: (record) => this.mergeRemote(record),
      drop: (reason, count) => this.drop(reason, count),
      addrsOf: (id) => this.addrsOf(id),
      random: this.random,
    })
    // Stagger the first push-pull so a fleet started together does not sync in lockstep.
    this.nextPushPullAt = now + init.swim.pushPullIntervalMs * (0.5 + this.random() / 2)
    this.nextPruneAt = now + Math.min(60_000, this.options.vclockTtlMs)
    this.nextCollectAt = now + this.lifetime.sweepEveryMs
    this.swim.onRecord((record) => this.mergeRemote(record))
    this.swim.onMemberChange((member, previous) => this.memberChanged(member, previous))
  }

  // ---- events -------------------------------------------------------------

  /** A breaker's version changed here. */
  onBreakerChange(listener: (change: BreakerChange) => void): () => void {
    return addListener(this.changeListeners, listener)
  }

  /** A member's status changed in this node's view. */
  onMemberChange(listener: (member: Member, previous: MemberStatus | null) => void): () => void {
    return addListener(this.memberListeners, listener)
  }

  /** A push-pull with `peer` completed: every part answered (the first one means this node has joined). */
  onSynced(listener: (peer: NodeId) => void): () => void {
    return addListener(this.syncListeners, listener)
  }

  /** Breaker `name` just became local-only (its transition could not be shared: table full). Fired once per change. */
  onLocalOnly(listener: (name: string) => void): () => void {
    return addListener(this.localOnlyListeners, listener)
  }

  /** Records wait to be gossiped: call `flush()` soon (same tick is fine; it coalesces). */
  onPending(listener: () => void): () => void {
    return addListener(this.pendingListeners, listener)
  }

  /** Gone members whose vector-clock entries are still kept (forgotten once pruned, after `vclockTtlMs`). */
  get goneTracked(): number {
    return this.gone.size
  }

  /** True once a push-pull completed. */
  get synced(): boolean {
    return this.sync.synced
  }

  /** The local handles that are local-only now (see `FleetBreaker.localOnly`): not in the table, or not up to date there. */
  localOnlyBreakers(): FleetBreaker[] {
    const out: FleetBreaker[] = []
    for (const entry of this.entries.values()) if (entry.breaker?.localOnly) out.push(entry.breaker)
    return out
  }

  // ---- breakers -----------------------------------------------------------

  /**
   * The local handle on breaker `name`, created with `options` the first time
   * (later calls return the same handle; their options are ignored). Throws
   * `InvalidBreakerNameError` for a name that is not 1..128 characters of
   * letters, digits and `. _ - : / @`, `RangeError` for bad options.
   */
  breaker(name: string, options?: BreakerOptions): FleetBreaker {
    assertBreakerName(name)
    const existing = this.entries.get(name)?.breaker
    if (existing) return existing
    const entry = this.entry(name)
    const local = new CircuitBreaker(options, {
      claimProbe: (now) => this.claims.mayClaim(name, this.entry(name), now),
      onTransition: (t) => this.localTransition(name, t),
    })
    const handle = new FleetBreaker(name, local, this.clock)
    entry.breaker = handle
    const record = this.table.get(name)
    if (record) this.applyToLocal(record, entry, this.clock.now())
    return handle
  }

  /** The handle if `breaker(name)` was called on this node. */
  existingBreaker(name: string): FleetBreaker | undefined {
    return this.entries.get(name)?.breaker
  }

  /**
   * Operator override: open `name` on every node until `reset`. When the
   * table is full, the least recently changed record with no override that
   * this node does not use makes room; with none, throws `TableFullError`.
   */
  forceOpen(name: string, reason = 'forced open by operator'): BreakerRecord {
    return this.writeOverride(name, 'forced-open', reason)
  }

  /** Operator override: close `name` on every node until `reset`. */
  forceClose(name: string, reason = 'forced closed by operator'): BreakerRecord {
    return this.writeOverride(name, 'forced-closed', reason)
  }

  /** Clear an override; the breaker starts closed with fresh windows. */
  reset(name: string, reason = 'reset by operator'): BreakerRecord {
    assertBreakerName(name)
    const current = this.table.get(name)
    return this.writeLocal(name, {
      state: 'closed',
      override: null,
      cooldownMs: current?.cooldownMs ?? 0,
      openCount: 0,
      prober: null,
      reason: this.reasonText(reason),
    })
  }

  private writeOverride(name: string, override: 'forced-open' | 'forced-closed', reason: string): BreakerRecord {
    assertBreakerName(name)
    const current = this.table.get(name)
    return this.writeLocal(name, {
      state: override === 'forced-open' ? 'open' : 'closed',
      override,
      cooldownMs: current?.cooldownMs ?? 0,
      openCount: current?.openCount ?? 0,
      prober: null,
      reason: this.reasonText(reason),
    })
  }

  private reasonText(reason: string): string {
    const text = `${reason} on ${this.name}`
    return text.length > MAX_REASON_LENGTH ? text.slice(0, MAX_REASON_LENGTH) : text
  }

  private entry(name: string): BreakerEntry {
    let entry = this.entries.get(name)
    if (!entry) {
      entry = { learnedAt: this.clock.now(), breaker: undefined, rankVersion: -1, ranked: [] }
      this.entries.set(name, entry)
    }
    return entry
  }

  /**
   * The local breaker moved (trip, probe claim, probe result): publish it as
   * a new version. Runs inside `tryAcquire`/`record`, so it never throws: a
   * version that cannot be written (the table full of overrides and breakers
   * in use) leaves the breaker local-only, counted and announced once.
   */
  private localTransition(name: string, t: Transition): void {
    const entry = this.entry(name)
    const handle = entry.breaker
    if (handle) handle.counters.transitions++
    const current = this.table.get(name)
    try {
      this.writeLocal(
        name,
        {
          state: t.to,
          override: current?.override ?? null,
          cooldownMs: t.cooldownMs,
          openCount: Math.min(t.openCount, MAX_OPEN_COUNT),
          prober: t.to === 'half-open' ? this.id : null,
          reason: this.reasonText(t.reason),
        },
        false,
      )
      handle?.setShared(true)
    } catch {
      this.counters.localOnlyWrites++
      if (handle && !handle.localOnly) {
        handle.setShared(false)
        this.emit(this.localOnlyListeners, name)
      }
    }
  }

  private writeLocal(name: string, payload: RecordPayload, applyLocal = true): BreakerRecord {
    const previous = this.table.get(name)
    const now = this.clock.now()
    const record = this.table.write(name, payload, this.wallClock(), now)
    const entry = this.entry(name)
    entry.learnedAt = now
    if (applyLocal) this.applyToLocal(record, entry, now)
    this.disseminate(record)
    this.emitChange({ name, record, previous, local: true, concurrent: false })
    return record
  }

  /** Make the local breaker follow a merged record. */
  private applyToLocal(record: BreakerRecord, entry: BreakerEntry, now: number): void {
    const local = entry.breaker?.local
    if (!local) return
    local.apply(
      {
        state: record.state,
        override: record.override,
        cooldownMs: record.cooldownMs,
        openCount: record.openCount,
        probing: record.state === 'half-open' && record.prober === this.id,
      },
      now,
    )
  }

  // ---- merging and dissemination ------------------------------------------

  private mergeRemote(incoming: BreakerRecord): void {
    const now = this.clock.now()
    const result = this.table.merge(incoming, now)
    if (result.rejected) {
      if (result.rejected !== 'collected') this.drop(result.rejected)
      return
    }
    if (!result.changed) return
    const record = result.record
    const previous = result.previous
    const versionChanged = !previous || previous.lamport !== record.lamport || previous.origin !== record.origin
    // Re-disseminate by piggyback (a second path beside gossipsub; bounded by the retransmit limit).
    this.swim.enqueueRecord(record)
    if (!versionChanged) return
    const entry = this.entry(record.name)
    entry.learnedAt = now
    this.applyToLocal(record, entry, now)
    if (record.origin !== this.id) {
      this.lastPropagationAgeMs = Math.max(0, this.wallClock() - record.wallTime)
    }
    this.emitChange({ name: record.name, record, previous, local: false, concurrent: result.concurrent })
  }

  private disseminate(record: BreakerRecord): void {
    this.swim.enqueueRecord(record)
    const wasEmpty = this.pending.size === 0
    this.pending.set(record.name, record)
    if (wasEmpty) for (const listener of this.pendingListeners) listener()
  }

  /**
   * Publish every record written since the last flush: one gossip message per
   * burst, split past `maxRecordsPerDelta` records or `maxMessageBytes`.
   */
  flush(): void {
    if (this.pending.size === 0 || this.stopped) return
    const records = [...this.pending.values()]
    this.pending.clear()
    for (const page of paginate(records, (size, r) => size.addRecord(r), this.options.maxRecordsPerDelta)) {
      const message: DeltaMessage = { v: 1, type: 'delta', from: this.id, records: page }
      const bytes = encodeMessage(message)
      this.countOut(bytes)
      this.transport.publish(bytes)
    }
  }

  /** Tell the change listeners; one that throws is counted and does not stop the others (or the breaker call). */
  private emitChange(change: BreakerChange): void {
    this.emit(this.changeListeners, change)
  }

  private emit<T extends unknown[]>(listeners: Set<Listener<T>>, ...args: T): void {
    for (const listener of listeners) {
      try {
        listener(...args)
      } catch {
        this.counters.listenerErrors++
      }
    }
  }

  // ---- record lifetime ---------------------------------------------------------

  /** The table dropped a record (collected or evicted): forget what only served it. */
  private recordDropped(record: BreakerRecord): void {
    const entry = this.entries.get(record.name)
    if (entry && !entry.breaker) this.entries.delete(record.name)
  }

  /** Collect the records unused here for the record TTL (see `RecordLifetime`), and expire old tombstones. */
  private collect(now: number): void {
    for (const name of this.lifetime.sweep(this.table.records(), now)) {
      this.table.remove(name, now)
      this.counters.recordsCollected++
    }
    this.table.expireTombstones(now, this.lifetime.ttlMs)
  }

  // ---- membership -----------------------------------------------------------

  private memberChanged(member: Member, previous: MemberStatus | null): void {
    this.claims.membersChanged()
    const now = this.clock.now()
    if (member.status === 'dead' || member.status === 'left') this.gone.markGone(member.id, now)
    else this.gone.markBack(member.id)
    for (const listener of this.memberListeners) listener(member, previous)
  }

  /** A transport connection to `peer` came up (discovery, seed, inbound): push-pull with it. */
  peerConnected(peer: NodeId, addrs: readonly string[] = []): void {
    if (this.stopped || peer === this.id) return
    this.sync.request(peer, addrs.length > 0 ? addrs : this.addrsOf(peer), this.clock.now())
  }

  private addrsOf(id: NodeId): readonly string[] {
    return this.swim.member(id)?.addrs ?? []
  }

  // ---- time -----------------------------------------------------------------

  /** Run timers: SWIM probes and suspicion, stale probe claims, push-pull, reconnects, pruning, collection, gossip flush. */
  tick(): void {
    if (this.stopped) return
    const now = this.clock.now()
    this.sendSwim(this.swim.tick(now))
    this.claims.releaseStale(this.entries, now)
    if (now >= this.nextPushPullAt) {
      this.nextPushPullAt = now + this.swimConfig.pushPullIntervalMs
      const peer = this.randomAlivePeer()
      if (peer) this.sync.request(peer, this.addrsOf(peer), now)
    }
    for (const member of this.swim.reconnectDue(now)) this.sync.request(member.id, member.addrs, now)
    this.sync.expire(now)
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + Math.min(60_000, this.options.vclockTtlMs)
      this.pruneVClocks(now)
    }
    if (now >= this.nextCollectAt) {
      this.nextCollectAt = now + this.lifetime.sweepEveryMs
      this.collect(now)
    }
    this.flush()
  }

  /**
   * Drop vector-clock entries of ids that are no longer worth tracking: gone
   * (dead or left) for `vclockTtlMs`, or not members at all. The gone ids
   * pruned are then forgotten, so neither the records nor `GoneMembers` grow
   * with churn.
   */
  private pruneVClocks(now: number): void {
    const ttl = this.options.vclockTtlMs
    const expired = this.gone.expired(now, ttl)
    this.table.pruneVClocks((id) => {
      if (expired.has(id)) return false
      if (this.gone.has(id)) return true
      const status = this.swim.member(id)?.status
      return status !== undefined && isLive(status)
    })
    this.gone.forget(now, ttl)
  }

  private randomAlivePeer(): NodeId | undefined {
    const peers = this.swim.aliveIds().filter((id) => id !== this.id)
    if (peers.length === 0) return undefined
    return peers[Math.floor(this.random() * peers.length)]
  }

  // ---- messages ---------------------------------------------------------------

  /**
   * One message from the network. Never throws: a malformed message is dropped
   * and counted. `from` is the transport's authenticated sender (the Noise
   * peer id): a direct (swim/sync) message must name it as its own `from`,
   * or it is dropped as `sender-mismatch`, so no member can speak for another
   * in SWIM or sync; it alone confirms a member (see `Swim.heardFrom`), and
   * sync answers go to it. Gossip arrives from whichever neighbour forwarded
   * it; records inside name their writer (`origin`).
   */
  receive(from: NodeId, channel: Channel, bytes: Uint8Array): void {
    if (this.stopped) return
    this.counters.messagesIn++
    this.counters.bytesIn += bytes.byteLength
    const message = decodeMessage(bytes)
    if (message instanceof WireError) {
      this.drop(message.code)
      return
    }
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
      case 'ping-req':
        this.sendSwim(this.swim.receive(message, now, sender))
        break
      case 'delta':
        this.swim.heardFrom(sender, now)
        for (const record of message.records) this.mergeRemote(record)
        break
      case 'sync-req':
        this.sync.answer(message, sender, now)
        break
      case 'sync-res':
        if (this.sync.receiveAnswer(message, sender, now)) this.emit(this.syncListeners, sender)
        break
    }
  }

  private sendSwim(out: readonly Outgoing[]): void {
    for (const o of out) this.send(o.to, 'swim', o.message, this.addrsOf(o.to))
  }

  private send(to: NodeId, channel: 'swim' | 'sync', message: WireMessage, addrs: readonly string[]): void {
    if (to === this.id) return
    const bytes = encodeMessage(message)
    this.countOut(bytes)
    this.transport.send(to, channel, bytes, addrs)
  }

  private countOut(bytes: Uint8Array): void {
    this.counters.messagesOut++
    this.counters.bytesOut += bytes.byteLength
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

  /** Local window counts of a breaker, if it is used on this node. */
  localTotals(name: string): { calls: number; failures: number; slow: number } {
    const local = this.entries.get(name)?.breaker?.local
    return local ? local.totals(this.clock.now()) : { calls: 0, failures: 0, slow: 0 }
  }
}

function channelAccepts(channel: Channel, message: WireMessage): boolean {
  switch (message.type) {
    case 'ping':
    case 'ack':
    case 'ping-req':
      return channel === 'swim'
    case 'delta':
      return channel === 'gossip' || channel === 'sync'
    case 'sync-req':
    case 'sync-res':
      return channel === 'sync'
  }
}
