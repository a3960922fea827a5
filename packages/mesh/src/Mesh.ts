import './polyfill.js'
import { EventEmitter, effectiveState } from '@breaker-mesh/core'
import type { BreakerChange, BreakerOptions, FleetNode, Member, MemberStatus } from '@breaker-mesh/core'
import type { AdminServer } from './admin/AdminServer.js'
import { resolveCallPolicy } from './call/callOptions.js'
import type { MeshBreakerOptions } from './call/callOptions.js'
import { createLogger } from './log.js'
import type { Logger } from './log.js'
import { MeshBreaker } from './MeshBreaker.js'
import { meshStats, meshView } from './meshSnapshots.js'
import type { SnapshotSource } from './meshSnapshots.js'
import type { AdminTarget, MeshEvent, MeshStats, MeshView } from './MeshView.js'
import type { P2PHost } from './p2p/P2PHost.js'
import type { ResolvedMeshOptions } from './resolveMeshOptions.js'
import { ISOLATED_REDIAL_MS, SeedRedialer, hasMembershipGap } from './SeedRedialer.js'
import type { SendTracker } from './SendTracker.js'

const defaultLog = createLogger('mesh')

/** @internal What `createMesh` builds a `Mesh` from. */
export interface MeshParts {
  options: ResolvedMeshOptions
  host: P2PHost
  node: FleetNode
  /** The node's sends in flight (its transport tracks them). */
  sends: SendTracker
  /** ms between fleet-node ticks. */
  tickMs: number
  /** SWIM's reconnect interval: how often a membership gap re-dials the seeds, ms. */
  reconnectMs: number
}

let nodeOf: (mesh: Mesh) => FleetNode

/** The logger of a mesh: the host application's if it gave one. */
export function meshLogger(options: ResolvedMeshOptions): Logger {
  return options.logger === undefined ? defaultLog : createLogger('mesh', { target: options.logger })
}

/**
 * A running member of the fleet: a libp2p node, SWIM membership and the
 * replicated breaker table. Create it with `createMesh()`.
 */
export class Mesh implements AdminTarget {
  static {
    nodeOf = (mesh) => mesh.#node
  }

  readonly #node: FleetNode
  readonly #host: P2PHost
  readonly #options: ResolvedMeshOptions
  readonly #sends: SendTracker
  readonly #redialer: SeedRedialer | undefined
  private readonly breakers = new Map<string, MeshBreaker<unknown>>()
  private readonly log: Logger
  private readonly events: EventEmitter<MeshEvent>
  private readonly timer: NodeJS.Timeout
  private flushScheduled = false
  private stopping: Promise<void> | undefined
  private aloneBySeeds = false
  /** The admin API started with `createMesh({ admin })`, if any. */
  admin: AdminServer | undefined
  /** When this node saw each member's status change, ms (performance.now()); for the view's `statusAgeMs`. */
  private readonly memberSince = new Map<string, number>()
  private readonly startedAt = performance.now()
  private readonly snapshots: SnapshotSource

  /** @internal use `createMesh()` */
  constructor(parts: MeshParts) {
    const { options, host, node } = parts
    this.#options = options
    this.#host = host
    this.#node = node
    this.#sends = parts.sends
    this.log = meshLogger(options)
    this.events = new EventEmitter<MeshEvent>((err) => this.log.warn('event listener threw', { err: String(err) }))
    this.timer = setInterval(() => this.guard('tick', () => node.tick()), parts.tickMs)
    this.timer.unref()
    this.#redialer =
      options.join.length === 0
        ? undefined
        : new SeedRedialer(host, {
            isolatedMs: ISOLATED_REDIAL_MS,
            membershipMs: parts.reconnectMs,
            membershipGap: () => hasMembershipGap(node.swim.members(), host.peerId, (id) => node.swim.isConfirmed(id)),
            aloneBySeeds: () => (this.aloneBySeeds = true),
            log: this.log,
          })
    this.snapshots = {
      node,
      host,
      sends: parts.sends,
      peerId: host.peerId,
      name: options.name,
      fleet: options.fleet,
      addrs: () => this.addrs(),
      callStats: (name) => this.breakers.get(name)?.callStats(),
      breakerNames: () => this.breakers.keys(),
      statusSince: (id) => this.memberSince.get(id) ?? this.startedAt,
    }
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
    return this.#host.peerId
  }


  /** Multiaddrs this node listens on, with /p2p/<peer id>. */
  addrs(): string[] {
    return this.#host.addrs()
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
      const created = new MeshBreaker<F>(this.#node.breaker(name, options as BreakerOptions | undefined), () => performance.now(), options, onListenerError)
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
    if (this.#node.synced) return true
    const o = this.#options
    if (o.join.length === 0 && !o.mdns) return true
    return this.aloneBySeeds
  }

  /**
   * @internal for `createMesh`: join the start-up seed round and, if it reached
   * a peer, wait for the first push-pull sync, `joinTimeoutMs` at most. Without
   * seeds (or with `joinTimeoutMs: 0`) it returns at once.
   */
  async joinFleet(): Promise<void> {
    const redialer = this.#redialer
    if (redialer === undefined || this.#options.joinTimeoutMs <= 0) return
    const node = this.#node
    let resolveSynced!: () => void
    const synced = new Promise<void>((r) => (resolveSynced = r))
    const off = node.onSynced(() => resolveSynced())
    const reached = await redialer.dialNow()
    if (reached.length > 0 && !node.synced) {
      let timeout: NodeJS.Timeout | undefined
      await Promise.race([synced, new Promise<void>((r) => (timeout = setTimeout(r, this.#options.joinTimeoutMs)))])
      clearTimeout(timeout)
    }
    off()
    this.log.debug('joined', { seedsReached: reached.length, synced: node.synced })
  }

  /** This node's view of the fleet: the `inspect --json` shape. */
  view(): MeshView {
    return meshView(this.snapshots)
  }

  stats(): MeshStats {
    return meshStats(this.snapshots)
  }

  /** Subscribe to breaker and member changes; returns the unsubscribe function. A listener that throws is logged. */
  onEvent(listener: (event: MeshEvent) => void): () => void {
    return this.events.add(listener)
  }

  forceOpen(name: string, reason?: string): void {
    this.#node.forceOpen(name, reason)
  }

  forceClose(name: string, reason?: string): void {
    this.#node.forceClose(name, reason)
  }

  /** Clear the override of `name` fleet-wide (and close it); `reason` is shown with the change. */
  reset(name: string, reason?: string): void {
    this.#node.reset(name, reason)
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
    this.#redialer?.stop()
    this.guard('leave', () => this.#node.leave())
    // Let the `left` messages leave the socket before the connections close.
    await this.#sends.drain(1000)
    await Promise.all([this.#host.stop(), this.admin?.close()])
    this.log.info('mesh stopped', { id: this.peerId })
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return
    this.flushScheduled = true
    setImmediate(() => {
      this.flushScheduled = false
      this.guard('flush', () => this.#node.flush())
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
      this.#host.hangUp(member.id).catch((err: unknown) => this.log.debug('hang up failed', { peer: member.id, err: String(err) }))
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
    const members = this.#node.swim.members()
    if (this.memberSince.size > members.length + 64) {
      const known = new Set(members.map((m) => m.id))
      for (const key of this.memberSince.keys()) if (!known.has(key)) this.memberSince.delete(key)
    }
  }

  private emit(event: MeshEvent): void {
    this.events.emit(event)
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.log.warn(`${what} failed`, { err: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    }
  }
}


/** @internal The fleet node of a mesh (for tests and benchmarks: `@breaker-mesh/mesh/testing`). */
export function fleetNodeOf(mesh: Mesh): FleetNode {
  return nodeOf(mesh)
}
