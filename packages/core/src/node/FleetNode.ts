import type { Clock } from '../clock/Clock.js'
import { GoneMembers } from '../clock/VClockPruner.js'
import { CircuitBreaker } from '../breaker/CircuitBreaker.js'
import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import type { Transition } from '../breaker/CircuitBreaker.js'
import { BreakerTable } from '../table/BreakerTable.js'
import { InvalidBreakerNameError } from '../table/InvalidBreakerNameError.js'
import { rankProbers } from '../table/rendezvous.js'
import type { BreakerRecord, NodeId, RecordPayload } from '../table/BreakerRecord.js'
import { MAX_NAME_LENGTH, MAX_REASON_LENGTH } from '../table/BreakerRecord.js'
import { Swim } from '../membership/Swim.js'
import type { Outgoing } from '../membership/Swim.js'
import type { SwimConfig } from '../membership/SwimConfig.js'
import type { Member, MemberStatus } from '../membership/Member.js'
import { encodeMessage, decodeMessage } from '../wire/codec.js'
import { WireError } from '../wire/WireError.js'
import type { DeltaMessage, SyncRequestMessage, SyncResponseMessage, WireMessage } from '../wire/messages.js'
import { FleetBreaker } from './FleetBreaker.js'
import { entitledProber } from './probeChoice.js'
import { resolveFleetOptions } from './FleetOptions.js'
import type { FleetOptions, ResolvedFleetOptions } from './FleetOptions.js'

/** Point-to-point channels (libp2p protocols) and the gossip topic. */
export type Channel = 'swim' | 'sync' | 'gossip'

/**
 * What a FleetNode needs from the network. Both are fire-and-forget: a message
 * may be lost, and the protocol copes (SWIM retries, push-pull repairs).
 */
export interface FleetTransport {
  /** One message to one peer on the SWIM or sync channel; `addrs` are the peer's known addresses. */
  send(to: NodeId, channel: 'swim' | 'sync', bytes: Uint8Array, addrs: readonly string[]): void
  /** One message to the whole fleet on the records topic. */
  publish(bytes: Uint8Array): void
}

/** A breaker's record changed at this node (a local write or a merged remote version). */
export interface BreakerChange {
  readonly name: string
  readonly record: BreakerRecord
  readonly previous: BreakerRecord | undefined
  /** true if this node wrote it */
  readonly local: boolean
  /** true if the merge met a concurrent version (a conflict, resolved by Lamport LWW) */
  readonly concurrent: boolean
}

export interface FleetNodeInit {
  self: { id: NodeId; name: string; addrs: string[] }
  /** Monotonic clock for every timer. */
  clock: Clock
  /** Wall clock, ms since the epoch: stamped on records for display only, never used to order. */
  wallClock: () => number
  transport: FleetTransport
  swim: SwimConfig
  options?: FleetOptions
  random?: () => number
}

/** Message counters for metrics. */
export interface FleetCounters {
  messagesIn: number
  messagesOut: number
  bytesIn: number
  bytesOut: number
  /** dropped incoming messages by reason (a WireError code, 'wrong-channel', 'table-full') */
  dropped: Record<string, number>
}

interface Entry {
  /** When this node learned the current version, monotonic ms. */
  learnedAt: number
  breaker: FleetBreaker | undefined
  rankVersion: number
  ranked: NodeId[]
}

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
  readonly counters: FleetCounters = { messagesIn: 0, messagesOut: 0, bytesIn: 0, bytesOut: 0, dropped: Object.create(null) }
  /** Wall-clock age (ms) of the most recently merged remote version when it arrived; display only. */
  lastPropagationAgeMs: number | null = null

  private readonly clock: Clock
  private readonly wallClock: () => number
  private readonly transport: FleetTransport
  private readonly random: () => number
  private readonly swimConfig: SwimConfig
  private readonly entries = new Map<string, Entry>()
  private readonly pending = new Map<string, BreakerRecord>()
  private readonly gone = new GoneMembers()
  private readonly changeListeners = new Set<Listener<[BreakerChange]>>()
  private readonly memberListeners = new Set<Listener<[Member, MemberStatus | null]>>()
  private readonly syncListeners = new Set<Listener<[NodeId]>>()
  private readonly pendingListeners = new Set<Listener<[]>>()
  private membersVersion = 0
  private nextPushPullAt: number
  private nextPruneAt: number
  private syncedOnce = false
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
    this.table = new BreakerTable({ self: this.id, maxRecords: this.options.maxRecords })
    this.swim = new Swim({ self: init.self, config: init.swim, now, random: this.random })
    // Stagger the first push-pull so a fleet started together does not sync in lockstep.
    this.nextPushPullAt = now + init.swim.pushPullIntervalMs * (0.5 + this.random() / 2)
    this.nextPruneAt = now + Math.min(60_000, this.options.vclockTtlMs)
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

  /** A push-pull answer from `peer` was merged (the first one means this node has joined). */
  onSynced(listener: (peer: NodeId) => void): () => void {
    return addListener(this.syncListeners, listener)
  }

  /** Records wait to be gossiped: call `flush()` soon (same tick is fine; it coalesces). */
  onPending(listener: () => void): () => void {
    return addListener(this.pendingListeners, listener)
  }

  /** True once a push-pull answer has been merged. */
  get synced(): boolean {
    return this.syncedOnce
  }

  // ---- breakers -----------------------------------------------------------

  /**
   * The local handle on breaker `name`, created with `options` the first time
   * (later calls return the same handle; their options are ignored). Throws
   * `InvalidBreakerNameError` for a name that is empty or longer than 128 chars.
   */
  breaker(name: string, options?: BreakerOptions): FleetBreaker {
    validateName(name)
    const entry = this.entry(name)
    if (entry.breaker) return entry.breaker
    const local = new CircuitBreaker(options, {
      claimProbe: (now) => this.claimProbe(name, now),
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

  /** Operator override: open `name` on every node until `reset`. */
  forceOpen(name: string, reason = 'forced open by operator'): BreakerRecord {
    return this.writeOverride(name, 'forced-open', reason)
  }

  /** Operator override: close `name` on every node until `reset`. */
  forceClose(name: string, reason = 'forced closed by operator'): BreakerRecord {
    return this.writeOverride(name, 'forced-closed', reason)
  }

  /** Clear an override; the breaker starts closed with fresh windows. */
  reset(name: string, reason = 'reset by operator'): BreakerRecord {
    validateName(name)
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
    validateName(name)
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

  private entry(name: string): Entry {
    let entry = this.entries.get(name)
    if (!entry) {
      entry = { learnedAt: this.clock.now(), breaker: undefined, rankVersion: -1, ranked: [] }
      this.entries.set(name, entry)
    }
    return entry
  }

  /** The local breaker moved (trip, probe claim, probe result): publish it as a new version. */
  private localTransition(name: string, t: Transition): void {
    const entry = this.entry(name)
    if (entry.breaker) entry.breaker.counters.transitions++
    const current = this.table.get(name)
    this.writeLocal(
      name,
      {
        state: t.to,
        override: current?.override ?? null,
        cooldownMs: t.cooldownMs,
        openCount: t.openCount,
        prober: t.to === 'half-open' ? this.id : null,
        reason: this.reasonText(t.reason),
      },
      false,
    )
  }

  private writeLocal(name: string, payload: RecordPayload, applyLocal = true): BreakerRecord {
    const previous = this.table.get(name)
    const record = this.table.write(name, payload, this.wallClock())
    const entry = this.entry(name)
    const now = this.clock.now()
    entry.learnedAt = now
    if (applyLocal) this.applyToLocal(record, entry, now)
    this.disseminate(record)
    this.emitChange({ name, record, previous, local: true, concurrent: false })
    return record
  }

  /** Half-open claim hook of the local breaker: only the entitled prober of this view claims. */
  private claimProbe(name: string, now: number): boolean {
    const record = this.table.get(name)
    if (!record) return true // never shared yet: a plain local breaker
    const entry = this.entry(name)
    if (entry.rankVersion !== this.membersVersion) {
      entry.ranked = rankProbers(name, this.swim.aliveIds())
      entry.rankVersion = this.membersVersion
    }
    const chosen = entitledProber(record, entry.learnedAt, now, entry.ranked, (id) => this.isAlive(id), this.options.claimTimeoutMs)
    return chosen === this.id
  }

  private isAlive(id: NodeId): boolean {
    if (id === this.id) return true
    const status = this.swim.member(id)?.status
    return status === 'alive' || status === 'suspect'
  }

  /** Make the local breaker follow a merged record. */
  private applyToLocal(record: BreakerRecord, entry: Entry, now: number): void {
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
    const result = this.table.merge(incoming)
    if (result.rejected) {
      this.drop(result.rejected)
      return
    }
    if (!result.changed) return
    const record = result.record
    const previous = result.previous
    const versionChanged = !previous || previous.lamport !== record.lamport || previous.origin !== record.origin
    // Re-disseminate by piggyback (a second path beside gossipsub; bounded by the retransmit limit).
    this.swim.enqueueRecord(record)
    if (!versionChanged) return
    const now = this.clock.now()
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

  /** Publish every record written since the last flush: one gossip message per burst (split past the size bound). */
  flush(): void {
    if (this.pending.size === 0 || this.stopped) return
    const records = [...this.pending.values()]
    this.pending.clear()
    for (let i = 0; i < records.length; i += this.options.maxRecordsPerDelta) {
      const message: DeltaMessage = { v: 1, type: 'delta', from: this.id, records: records.slice(i, i + this.options.maxRecordsPerDelta) }
      const bytes = encodeMessage(message)
      this.countOut(bytes)
      this.transport.publish(bytes)
    }
  }

  private emitChange(change: BreakerChange): void {
    for (const listener of this.changeListeners) listener(change)
  }

  // ---- membership -----------------------------------------------------------

  private memberChanged(member: Member, previous: MemberStatus | null): void {
    this.membersVersion++
    const now = this.clock.now()
    if (member.status === 'dead' || member.status === 'left') this.gone.markGone(member.id, now)
    else this.gone.markBack(member.id)
    for (const listener of this.memberListeners) listener(member, previous)
  }

  /** A transport connection to `peer` came up (discovery, seed, inbound): push-pull with it. */
  peerConnected(peer: NodeId, addrs: readonly string[] = []): void {
    if (this.stopped || peer === this.id) return
    this.sendSyncRequest(peer, addrs.length > 0 ? addrs : this.addrsOf(peer))
  }

  private addrsOf(id: NodeId): readonly string[] {
    return this.swim.member(id)?.addrs ?? []
  }

  // ---- time -----------------------------------------------------------------

  /** Run timers: SWIM probes and suspicion, stale probe claims, push-pull, reconnects, pruning, gossip flush. */
  tick(): void {
    if (this.stopped) return
    const now = this.clock.now()
    this.sendSwim(this.swim.tick(now))
    this.releaseStaleClaims(now)
    if (now >= this.nextPushPullAt) {
      this.nextPushPullAt = now + this.swimConfig.pushPullIntervalMs
      const peer = this.randomAlivePeer()
      if (peer) this.sendSyncRequest(peer, this.addrsOf(peer))
    }
    for (const member of this.swim.reconnectDue(now)) this.sendSyncRequest(member.id, member.addrs)
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + Math.min(60_000, this.options.vclockTtlMs)
      const expired = this.gone.expired(now, this.options.vclockTtlMs)
      if (expired.size > 0) this.table.pruneVClocks((id) => !expired.has(id))
    }
    this.flush()
  }

  /**
   * A half-open claim by a prober that died or went silent: let the local
   * breaker fall back to 'open' with its cooldown over, so the next call asks
   * `claimProbe`, which admits only the next rendezvous choice.
   */
  private releaseStaleClaims(now: number): void {
    for (const [name, entry] of this.entries) {
      const local = entry.breaker?.local
      if (!local || local.state !== 'half-open') continue
      const record = this.table.get(name)
      if (!record || record.state !== 'half-open' || record.prober === this.id) continue
      const stale = record.prober === null || !this.isAlive(record.prober) || now - entry.learnedAt >= this.options.claimTimeoutMs
      if (stale) {
        local.apply({ state: 'open', override: record.override, cooldownMs: 0, openCount: record.openCount, probing: false }, now)
      }
    }
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
   * in SWIM or sync. Gossip arrives from whichever neighbour forwarded it;
   * records inside name their writer (`origin`).
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
    this.handle(message)
  }

  private handle(message: WireMessage): void {
    const now = this.clock.now()
    switch (message.type) {
      case 'ping':
      case 'ack':
      case 'ping-req':
        this.sendSwim(this.swim.receive(message, now))
        break
      case 'delta':
        for (const record of message.records) this.mergeRemote(record)
        break
      case 'sync-req':
        this.handleSyncRequest(message, now)
        break
      case 'sync-res':
        this.handleSyncResponse(message, now)
        break
    }
  }

  private sendSyncRequest(to: NodeId, addrs: readonly string[]): void {
    const message: SyncRequestMessage = {
      v: 1,
      type: 'sync-req',
      from: this.id,
      join: !this.syncedOnce,
      members: this.swim.members(),
      digest: this.table.digest(),
    }
    this.send(to, 'sync', message, addrs)
  }

  private handleSyncRequest(message: SyncRequestMessage, now: number): void {
    this.swim.mergeMembers(message.members, now)
    const answer: SyncResponseMessage = {
      v: 1,
      type: 'sync-res',
      from: this.id,
      members: this.swim.members(),
      records: this.table.newerThan(message.digest),
      want: this.table.wants(message.digest),
    }
    const sender = message.members.find((m) => m.id === message.from)
    this.send(message.from, 'sync', answer, sender?.addrs ?? this.addrsOf(message.from))
  }

  private handleSyncResponse(message: SyncResponseMessage, now: number): void {
    this.swim.mergeMembers(message.members, now)
    for (const record of message.records) this.mergeRemote(record)
    if (message.want.length > 0) {
      const records: BreakerRecord[] = []
      for (const name of message.want) {
        const record = this.table.get(name)
        if (record) records.push(record)
      }
      for (let i = 0; i < records.length; i += this.options.maxRecordsPerDelta) {
        const delta: DeltaMessage = { v: 1, type: 'delta', from: this.id, records: records.slice(i, i + this.options.maxRecordsPerDelta) }
        this.send(message.from, 'sync', delta, this.addrsOf(message.from))
      }
    }
    this.syncedOnce = true
    for (const listener of this.syncListeners) listener(message.from)
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

  private drop(reason: string): void {
    this.counters.dropped[reason] = (this.counters.dropped[reason] ?? 0) + 1
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

function validateName(name: string): void {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new InvalidBreakerNameError(name)
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
