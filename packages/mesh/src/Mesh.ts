import './polyfill.js'
import { FleetNode, resolveSwimConfig } from '@breaker-mesh/core'
import type { BreakerChange, BreakerOptions, BreakerRecord, Member, MemberStatus, FleetOptions } from '@breaker-mesh/core'
import type { P2PHost, P2PHostOptions } from './p2p/P2PHost.js'
import { startAdminServer } from './admin/AdminServer.js'
import type { AdminServer } from './admin/AdminServer.js'
import { createLogger } from './log.js'
import type { Logger } from './log.js'
import { LocalHost } from './LocalHost.js'
import { MeshBreaker } from './MeshBreaker.js'
import { resolveCallPolicy } from './call/callOptions.js'
import type { MeshBreakerOptions } from './call/callOptions.js'
import { resolveMeshOptions } from './meshOptions.js'
import type { ResolvedMeshOptions } from './meshOptions.js'
import type { AdminTarget, MeshEvent, MeshOptions, MeshStats, MeshView } from './MeshApi.js'

const defaultLog = createLogger('mesh')

/** Options of `createMesh()` plus tuning for tests and benchmarks. */
export interface CreateMeshOptions extends MeshOptions {
  /** Fleet-layer tuning (probe claim timeout, vclock TTL, table size). */
  fleetOptions?: FleetOptions
  /** Network-layer tuning (frame limits, receive budgets, timeouts); see `defaultP2PHostOptions`. */
  p2pOptions?: Pick<
    P2PHostOptions,
    'partialFrameTimeoutMs' | 'peerBufferBytes' | 'totalBufferBytes' | 'turnBudgetMs' | 'inboxFrames' | 'sendTimeoutMs' | 'dialTimeoutMs'
  >
}

/**
 * A running member of the fleet: a libp2p node, SWIM membership and the
 * replicated breaker table. Create it with `createMesh()`.
 */
export class Mesh implements AdminTarget {
  private readonly breakers = new Map<string, MeshBreaker<unknown>>()
  private readonly log: Logger
  private readonly listeners = new Set<(event: MeshEvent) => void>()
  private readonly inflight = new Set<Promise<unknown>>()
  private readonly timer: NodeJS.Timeout
  private readonly seedTimer: NodeJS.Timeout
  private flushScheduled = false
  private stopping: Promise<void> | undefined
  private sendFailures = 0
  private aloneBySeeds = false
  /** The admin API started with `createMesh({ admin })`, if any. */
  admin: AdminServer | undefined
  /** When this node saw each member's status change, ms (performance.now()); for the view's `statusAgeMs`. */
  private readonly memberSince = new Map<string, number>()
  private readonly startedAt = performance.now()

  /** @internal use `createMesh()` */
  constructor(
    readonly options: ResolvedMeshOptions,
    private readonly host: P2PHost,
    readonly node: FleetNode,
    tickMs: number,
    reconnectMs: number,
  ) {
    this.log = options.logger === undefined ? defaultLog : createLogger('mesh', { target: options.logger })
    this.timer = setInterval(() => this.guard('tick', () => this.node.tick()), tickMs)
    this.timer.unref()
    // Serf-style reconnect, seed half: while any member is dead (a partition may
    // have healed) or nobody else is alive, dial the seeds again (DNS names are
    // resolved afresh); a new connection triggers a push-pull. Dead members
    // themselves are retried by the FleetNode.
    this.seedTimer = setInterval(() => this.redialSeeds(), reconnectMs)
    this.seedTimer.unref()
    node.onPending(() => this.scheduleFlush())
    node.onBreakerChange((change) => this.breakerChanged(change))
    node.onMemberChange((member, previous) => this.memberChanged(member, previous))
    node.onLocalOnly((name) =>
      this.log.rateLimited(`local-only:${name}`, 3_600_000, 'the fleet table is full: this breaker now runs on this node only', {
        breaker: name,
        maxRecords: node.options.maxRecords,
      }),
    )
  }

  /** This node's libp2p peer id. */
  get peerId(): string {
    return this.host.peerId
  }

  /** Multiaddrs this node listens on, with /p2p/<peer id>. */
  addrs(): string[] {
    return this.host.addrs()
  }

  /**
   * The fleet-wide breaker `name` (1..128 characters of letters, digits and
   * `._-:/@`; anything else throws `InvalidBreakerNameError`), created with
   * `options` on first use (later calls return the same breaker). Options are
   * the trip rules (`BreakerOptions`) plus the call policy (`isFailure`,
   * `isResultFailure`, `isFailureStatus`, `timeoutMs`, `fallback`,
   * `fallbackOnFailure`), all validated: a bad one throws a `RangeError` naming the field.
   */
  breaker<F = never>(name: string, options?: MeshBreakerOptions<F>): MeshBreaker<F> {
    let breaker = this.breakers.get(name)
    if (!breaker) {
      const log = this.log
      const onListenerError = (err: unknown): void => log.warn('breaker listener threw', { breaker: name, err: String(err) })
      resolveCallPolicy(options) // a bad call policy throws before the fleet node registers the breaker
      const created = new MeshBreaker<F>(this.node.breaker(name, options as BreakerOptions | undefined), () => performance.now(), options, onListenerError)
      breaker = created as MeshBreaker<unknown>
      this.breakers.set(name, breaker)
    }
    return breaker as MeshBreaker<F>
  }

  /**
   * Ready to serve (`GET /readyz`): synced with a peer at least once, or alone
   * by configuration (no seeds and no mDNS), or every seed turned out to be
   * this node itself (the first pod behind a headless service).
   */
  ready(): boolean {
    if (this.node.synced) return true
    const o = this.options
    if (o.join.length === 0 && !o.mdns) return true
    return this.aloneBySeeds
  }

  /** @internal set by createMesh when a seed round reached only this node. */
  markAloneBySeeds(): void {
    this.aloneBySeeds = true
  }

  /** This node's view of the fleet: the `inspect --json` shape. */
  view(): MeshView {
    const table = this.node.table
    const now = performance.now()
    const connected = new Set(this.host.connectedPeers())
    return {
      node: { id: this.peerId, name: this.options.name, fleet: this.options.fleet, addrs: this.addrs() },
      members: this.node.swim.members().map((m) => ({
        id: m.id,
        name: m.name,
        status: m.status,
        incarnation: m.incarnation,
        addrs: [...m.addrs],
        statusAgeMs: Math.round(now - (this.memberSince.get(m.id) ?? this.startedAt)),
        via: m.id === this.peerId ? 'self' : connected.has(m.id) ? 'direct' : 'gossip',
        confirmed: this.node.swim.isConfirmed(m.id),
      })),
      breakers: [
        ...table.snapshot().map((r) => ({
          name: r.name,
          state: effectiveState(r),
          override: r.override,
          reason: r.reason,
          prober: r.prober,
          version: { lamport: r.lamport, origin: r.origin, vclock: { ...r.vclock } },
          local: this.node.localTotals(r.name),
          wallTime: r.wallTime,
          concurrent: table.isConcurrent(r.name),
          localOnly: this.node.existingBreaker(r.name)?.localOnly ?? false,
        })),
        // Breakers this node runs alone because the table had no room: no record to show.
        ...this.node
          .localOnlyBreakers()
          .filter((b) => table.get(b.name) === undefined)
          .map((b) => ({
            name: b.name,
            state: b.state,
            override: b.override,
            reason: 'running on this node only: the fleet table is full',
            prober: null,
            version: { lamport: 0, origin: this.peerId, vclock: {} },
            local: this.node.localTotals(b.name),
            wallTime: 0,
            concurrent: false,
            localOnly: true,
          })),
      ],
    }
  }

  stats(): MeshStats {
    const c = this.node.counters
    const records = this.node.table.snapshot()
    // Breakers in the table, then those used here that never changed state (no record yet).
    const names = [...records.map((r) => r.name), ...[...this.breakers.keys()].filter((n) => !this.node.table.get(n))]
    return {
      breakers: names.map((name) => {
        const record = this.node.table.get(name)
        const handle = this.node.existingBreaker(name)
        const counters = handle?.counters
        const calls = this.breakers.get(name)?.callStats()
        return {
          name,
          state: record ? effectiveState(record) : (handle?.state ?? 'closed'),
          override: record?.override ?? null,
          transitions: counters?.transitions ?? 0,
          callsOk: counters?.callsOk ?? 0,
          callsFailed: counters?.callsFailed ?? 0,
          rejections: counters?.rejections ?? 0,
          window: this.node.localTotals(name),
          ...(calls === undefined ? {} : { timeouts: calls.timeouts, ignored: calls.ignored, durations: calls.durations }),
        }
      }),
      gossip: {
        messagesIn: c.messagesIn,
        messagesOut: c.messagesOut,
        dropped: { ...c.dropped, ...this.host.dropped(), ...(this.sendFailures > 0 ? { 'send-failed': this.sendFailures } : {}) },
        bytesIn: c.bytesIn,
        bytesOut: c.bytesOut,
      },
      conflicts: this.node.table.conflicts,
      table: {
        records: this.node.table.size,
        evicted: this.node.table.evicted,
        collected: c.recordsCollected,
        lamport: this.node.table.lamport,
      },
      localOnly: { breakers: this.node.localOnlyBreakers().length, writes: c.localOnlyWrites },
      unconfirmedMembers: this.node.swim.unconfirmedCount,
      refused: { ...this.host.refusals() },
      receiveBufferBytes: this.host.bufferedBytes().now,
      receiveBufferHighWaterBytes: this.host.bufferedBytes().highWater,
      lastPropagationAgeMs: this.node.lastPropagationAgeMs,
    }
  }

  onEvent(listener: (event: MeshEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  forceOpen(name: string, reason?: string): void {
    this.node.forceOpen(name, reason)
  }

  forceClose(name: string, reason?: string): void {
    this.node.forceClose(name, reason)
  }

  reset(name: string): void {
    this.node.reset(name)
  }

  /**
   * Leave the fleet gracefully: every other node marks this one `left` (not
   * dead) within a probe interval or two. Idempotent.
   */
  stop(): Promise<void> {
    this.stopping ??= this.doStop()
    return this.stopping
  }

  private async doStop(): Promise<void> {
    clearInterval(this.timer)
    clearInterval(this.seedTimer)
    this.guard('leave', () => this.node.leave())
    // Let the `left` messages leave the socket before the connections close.
    await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, 1000).unref())])
    await Promise.all([this.host.stop(), this.admin?.close()])
    this.log.info('mesh stopped', { id: this.peerId })
  }

  /** @internal transport for the FleetNode */
  track(promise: Promise<unknown>): void {
    const p = promise.catch((err: unknown) => {
      this.sendFailures++
      this.log.debug('send failed', { err: String(err) })
    })
    this.inflight.add(p)
    void p.finally(() => this.inflight.delete(p))
  }

  private redialSeeds(): void {
    if (this.options.join.length === 0) return
    const members = this.node.swim.members()
    // Only members this node once heard from: a dead phantom is no reason to dial.
    const someoneDead = members.some((m) => m.status === 'dead' && this.node.swim.isConfirmed(m.id))
    const alone = !members.some((m) => m.id !== this.peerId && (m.status === 'alive' || m.status === 'suspect'))
    if (someoneDead || alone) {
      this.host.dialSeeds().then(
        (reached) => {
          if (reached.length === 0 && this.host.seedsAllSelf()) this.markAloneBySeeds()
        },
        (err: unknown) => this.log.debug('seed re-dial failed', { err: String(err) }),
      )
    }
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      this.guard('flush', () => this.node.flush())
    })
  }

  private breakerChanged(change: BreakerChange): void {
    const previous = change.previous ? effectiveState(change.previous) : null
    const state = effectiveState(change.record)
    const breaker = this.breakers.get(change.name)
    if (breaker && previous !== state) {
      breaker.emit({
        name: change.name,
        state,
        previous: previous ?? 'closed',
        reason: change.record.reason,
        origin: change.record.origin,
        local: change.local,
      })
    }
    this.emit({
      type: 'breaker',
      name: change.name,
      state,
      previous,
      override: change.record.override,
      reason: change.record.reason,
      origin: change.record.origin,
      local: change.local,
      concurrent: change.concurrent,
      at: Date.now(),
    })
  }

  private memberChanged(member: Member, previous: MemberStatus | null): void {
    if (member.status !== previous) this.noteMemberSince(member.id)
    if (member.status === 'dead' && member.id !== this.peerId) {
      // Drop the connection to a member declared dead. Over a partition its TCP
      // connection would otherwise linger, retransmitting with exponential
      // backoff, and deliver nothing for seconds after the network heals; closed,
      // the reconnect loop dials afresh and the first dial after the heal works.
      this.host.hangUp(member.id).catch((err: unknown) => this.log.debug('hang up failed', { peer: member.id, err: String(err) }))
    }
    this.emit({
      type: 'member',
      id: member.id,
      name: member.name,
      status: member.status,
      previous,
      incarnation: member.incarnation,
      at: Date.now(),
    })
  }

  private noteMemberSince(id: string): void {
    this.memberSince.set(id, performance.now())
    // Members long dead are dropped from the SWIM table (a rolling deploy brings new ids): forget them here too.
    const members = this.node.swim.members()
    if (this.memberSince.size > members.length + 64) {
      const known = new Set(members.map((m) => m.id))
      for (const key of this.memberSince.keys()) if (!known.has(key)) this.memberSince.delete(key)
    }
  }

  private emit(event: MeshEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch (err) {
        this.log.warn('event listener threw', { err: String(err) })
      }
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.log.warn(`${what} failed`, { err: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    }
  }
}

function effectiveState(record: BreakerRecord): BreakerRecord['state'] {
  if (record.override === 'forced-open') return 'open'
  if (record.override === 'forced-closed') return 'closed'
  return record.state
}

/**
 * Start a member of the fleet. Listens, discovers peers (mDNS, seeds), and —
 * when any seed is reachable — resolves only after the first push-pull sync,
 * so a new instance never makes a call on stale breaker state.
 */
export async function createMesh(options: CreateMeshOptions = {}): Promise<Mesh> {
  const resolved = resolveMeshOptions(options)
  const log = resolved.logger === undefined ? defaultLog : createLogger('mesh', { target: resolved.logger })
  const swim = resolveSwimConfig({
    profile: resolved.profile,
    ...(resolved.memberRetentionMs === undefined ? {} : { deadMemberRetentionMs: resolved.memberRetentionMs }),
  })
  const network = resolved.network ? await startNetworkHost(resolved, options.p2pOptions) : undefined
  const host: P2PHost = network?.host ?? new LocalHost()
  let mesh: Mesh | undefined
  const node = new FleetNode({
    self: { id: host.peerId, name: resolved.name, addrs: host.addrs() },
    clock: { now: () => performance.now() },
    wallClock: () => Date.now(),
    swim,
    options: {
      ...(resolved.vclockTtlMs === undefined ? {} : { vclockTtlMs: resolved.vclockTtlMs }),
      ...(resolved.recordTtlMs === undefined ? {} : { recordTtlMs: resolved.recordTtlMs }),
      ...options.fleetOptions,
    },
    ...(network === undefined ? {} : { isValidNodeId: network.isValidNodeId }),
    transport: {
      send: (to, channel, bytes, addrs) => mesh?.track(host.send(to, channel, bytes, addrs)),
      publish: (bytes) => mesh?.track(host.publish(bytes)),
    },
  })
  mesh = new Mesh(resolved, host, node, Math.max(10, Math.floor(swim.probeIntervalMs / 10)), swim.reconnectIntervalMs)
  host.onMessage((from, channel, bytes) => {
    try {
      node.receive(from, channel, bytes)
    } catch (err) {
      log.warn('message handler failed', { from, channel, err: String(err) })
    }
  })
  host.onPeerConnected((peer, addrs) => node.peerConnected(peer, addrs))
  // Connections that came up while the host was starting (mDNS is quick).
  for (const peer of host.connectedPeers()) node.peerConnected(peer)

  if (resolved.join.length > 0 && resolved.joinTimeoutMs > 0) {
    let resolveSynced!: () => void
    const synced = new Promise<void>((r) => (resolveSynced = r))
    const off = node.onSynced(() => resolveSynced())
    const reached = await host.dialSeeds().catch(() => [] as string[])
    if (reached.length === 0 && host.seedsAllSelf()) mesh.markAloneBySeeds()
    if (reached.length > 0 && !node.synced) {
      let timeout: NodeJS.Timeout | undefined
      await Promise.race([synced, new Promise<void>((r) => (timeout = setTimeout(r, resolved.joinTimeoutMs)))])
      clearTimeout(timeout)
    }
    off()
    log.debug('joined', { seedsReached: reached.length, synced: node.synced })
  }
  if (resolved.admin !== undefined) {
    try {
      mesh.admin = await startAdminServer(mesh, {
        host: resolved.admin.listen.host,
        port: resolved.admin.listen.port,
        ...(resolved.admin.token === undefined ? {} : { token: resolved.admin.token }),
        ...(resolved.admin.allowedHosts === undefined ? {} : { allowedHosts: resolved.admin.allowedHosts }),
      })
    } catch (err) {
      await mesh.stop()
      const where = `${resolved.admin.listen.host}:${resolved.admin.listen.port}`
      throw new Error(`cannot start the admin API on ${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err })
    }
  }
  log.info('mesh started', { id: host.peerId, fleet: resolved.fleet, name: resolved.name, network: resolved.network, addrs: host.addrs() })
  return mesh
}

/** The libp2p host and its peer-id check, imported on demand: local mode never loads libp2p. */
async function startNetworkHost(
  resolved: ResolvedMeshOptions,
  tuning: CreateMeshOptions['p2pOptions'],
): Promise<{ host: P2PHost; isValidNodeId: (id: string) => boolean }> {
  const [{ createP2PHost }, { isPeerId }] = await Promise.all([import('./p2p/P2PHost.js'), import('./p2p/isPeerId.js')])
  const host = await createP2PHost({
    fleet: resolved.fleet,
    listen: resolved.listen,
    seeds: resolved.join,
    mdns: resolved.mdns,
    ...(resolved.fleetKey === undefined ? {} : { fleetKey: resolved.fleetKey }),
    ...tuning,
  })
  return { host, isValidNodeId: isPeerId }
}
