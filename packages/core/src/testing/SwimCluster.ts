import type { Member } from '../membership/Member.js'
import { Swim } from '../membership/Swim.js'
import type { Outgoing } from '../membership/Swim.js'
import type { SwimConfig } from '../membership/SwimConfig.js'
import type { SwimMessage } from '../membership/SwimMessage.js'
import type { SyncRequestMessage, SyncResponseMessage } from '../wire/messages.js'
import { piggybackMeasure } from '../wire/MessageSize.js'
import { FakeClock } from './FakeClock.js'
import { MemoryNetwork } from './MemoryNetwork.js'
import type { LinkConditions } from './MemoryNetwork.js'
import { seededRandom } from './seededRandom.js'
import type { MemberStatus, NodeId } from '../types.js'

/** What the simulated fleet sends: SWIM messages and the member half of push-pull. */
export type ClusterMessage = SwimMessage | SyncRequestMessage | SyncResponseMessage

export interface SwimClusterOptions {
  /** Nodes started at once, named `n0`, `n1`, … (integer ≥ 0). */
  readonly size: number
  readonly config: SwimConfig
  /** Seeds every PRNG of the simulation (default 1): same seed, same run. */
  readonly seed?: number
  /** Every node's `tick` runs this often, ms (default probeInterval / 10, within 10..20). */
  readonly tickMs?: number
  /** Network conditions (default: 1..5 ms latency, no loss). */
  readonly network?: Partial<LinkConditions>
  /**
   * How the first nodes meet: `full` (default) — each starts knowing all the
   * others, as after completed joins; `seed` — each joins through `n0`.
   */
  readonly bootstrap?: 'full' | 'seed'
  /**
   * Play the runtime's part too (default true): a push-pull of member lists
   * with a random live member every `pushPullIntervalMs`, and one to each
   * member `reconnectDue` returns (the reconnect that heals partitions).
   */
  readonly pushPull?: boolean
}

/** One member change seen by one node. */
export interface MemberChangeEvent {
  /** Fake time, ms. */
  readonly at: number
  readonly observer: NodeId
  readonly id: NodeId
  readonly status: MemberStatus
  readonly previous: MemberStatus | null
  readonly incarnation: number
}

interface SimNode {
  readonly swim: Swim
  running: boolean
  nextPushPullAt: number
}

/**
 * A whole SWIM fleet in one process: `Swim` instances over a `MemoryNetwork`,
 * all driven by one `FakeClock`, ticked every `tickMs`. Records every member
 * change every node sees, so scenario tests can ask who saw what, when.
 */
export class SwimCluster {
  readonly clock = new FakeClock(0)
  readonly network: MemoryNetwork<ClusterMessage>
  readonly config: SwimConfig
  readonly events: MemberChangeEvent[] = []
  readonly tickMs: number
  private readonly random: () => number
  private readonly pushPull: boolean
  private readonly nodes = new Map<NodeId, SimNode>()

  constructor(options: SwimClusterOptions) {
    const { size, config, seed = 1, bootstrap = 'full' } = options
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`SwimCluster size must be an integer ≥ 0, got ${String(size)}`)
    this.config = config
    this.tickMs = options.tickMs ?? Math.min(20, Math.max(10, config.probeIntervalMs / 10))
    if (!(this.tickMs > 0)) throw new RangeError(`SwimCluster tickMs must be > 0, got ${String(this.tickMs)}`)
    this.random = seededRandom(seed)
    this.pushPull = options.pushPull ?? true
    this.network = new MemoryNetwork<ClusterMessage>({ clock: this.clock, seed: seed + 1, ...options.network })
    const ids = Array.from({ length: size }, (_, i) => `n${i}`)
    for (const id of ids) this.spawn(id)
    if (bootstrap === 'full') {
      const everyone = ids.map((id) => this.node(id).member(id) as Member)
      for (const id of ids) this.node(id).mergeMembers(everyone, this.clock.now())
    } else {
      for (const id of ids.slice(1)) this.join(id, 'n0')
    }
    this.clock.setTimeout(() => this.tickAll(), this.tickMs)
  }

  /** Ids of the running nodes. */
  ids(): NodeId[] {
    return [...this.nodes].filter(([, node]) => node.running).map(([id]) => id)
  }

  node(id: NodeId): Swim {
    const node = this.nodes.get(id)
    if (node === undefined) throw new RangeError(`SwimCluster has no node '${id}'`)
    return node.swim
  }

  /** Start a new node that knows only `seed`: it merges the seed's member and runs a joining push-pull. */
  add(id: NodeId, seed: NodeId): Swim {
    if (this.nodes.has(id)) throw new RangeError(`SwimCluster already has a node '${id}'`)
    this.spawn(id)
    this.join(id, seed)
    return this.node(id)
  }

  /** Crash a node: it stops ticking and is cut off the network at once. */
  crash(id: NodeId): void {
    const node = this.nodes.get(id)
    if (node === undefined) throw new RangeError(`SwimCluster has no node '${id}'`)
    node.running = false
    this.network.unregister(id)
  }

  /** Graceful stop: send the leave messages, keep answering for `lingerMs`, then go. */
  leave(id: NodeId, lingerMs = this.config.probeIntervalMs): void {
    const swim = this.node(id)
    this.send(id, swim.leave(this.clock.now()))
    this.clock.setTimeout(() => this.crash(id), lingerMs)
  }

  /** Advance fake time by `ms`. */
  run(ms: number): void {
    this.clock.advance(ms)
  }

  /** Advance until `predicate` holds (checked every tick) or `maxMs` passed. */
  runUntil(predicate: () => boolean, maxMs: number): boolean {
    return this.clock.runUntil(predicate, { maxMs, stepMs: this.tickMs })
  }

  /** What `observer` believes of `id`. */
  statusOf(observer: NodeId, id: NodeId): MemberStatus | undefined {
    return this.node(observer).member(id)?.status
  }

  /** Whether every running node but `id` itself (or every one of `observers`) holds `id` at `status`. */
  everyoneSees(id: NodeId, status: MemberStatus, observers: readonly NodeId[] = this.ids()): boolean {
    return observers.every((observer) => observer === id || this.statusOf(observer, id) === status)
  }

  private spawn(id: NodeId): void {
    const swim = new Swim({
      self: { id, name: id, addrs: [`mem://${id}`] },
      config: this.config,
      now: this.clock.now(),
      random: seededRandom(Math.floor(this.random() * 2 ** 32)),
      measure: piggybackMeasure,
    })
    swim.onMemberChange((member, previous) => {
      this.events.push({
        at: this.clock.now(),
        observer: id,
        id: member.id,
        status: member.status,
        previous,
        incarnation: member.incarnation,
      })
    })
    const nextPushPullAt = this.clock.now() + this.random() * this.config.pushPullIntervalMs
    this.nodes.set(id, { swim, running: true, nextPushPullAt })
    this.network.register(id, (from, message) => this.deliver(id, from, message))
  }

  private join(id: NodeId, seed: NodeId): void {
    const swim = this.node(id)
    const seedMember = this.node(seed).member(seed)
    if (seedMember === undefined) throw new RangeError(`SwimCluster seed '${seed}' does not know itself`)
    swim.mergeMembers([seedMember], this.clock.now())
    this.syncWith(id, seed, true)
  }

  private tickAll(): void {
    const now = this.clock.now()
    for (const [id, node] of this.nodes) {
      if (!node.running) continue
      this.send(id, node.swim.tick(now))
      if (!this.pushPull || node.swim.member(id)?.status === 'left') continue
      for (const member of node.swim.reconnectDue(now)) this.syncWith(id, member.id, false)
      if (now >= node.nextPushPullAt) {
        node.nextPushPullAt = now + this.config.pushPullIntervalMs
        const peers = node.swim.aliveIds().filter((peer) => peer !== id)
        const peer = peers[Math.floor(this.random() * peers.length)]
        if (peer !== undefined) this.syncWith(id, peer, false)
      }
    }
    this.clock.setTimeout(() => this.tickAll(), this.tickMs)
  }

  private syncWith(id: NodeId, peer: NodeId, join: boolean): void {
    const members = this.node(id).sharedMembers()
    this.network.send(id, peer, { v: 1, type: 'sync-req', from: id, join, members, digest: [], session: 0, part: 0, parts: 1, after: '', through: null })
  }

  private deliver(id: NodeId, from: NodeId, message: ClusterMessage): void {
    const node = this.nodes.get(id)
    if (node === undefined || !node.running) return
    const now = this.clock.now()
    switch (message.type) {
      case 'sync-req':
        node.swim.mergeMembers(message.members, now, from)
        this.network.send(id, from, {
          v: 1,
          type: 'sync-res',
          from: id,
          members: node.swim.sharedMembers(),
          records: [],
          want: [],
          session: message.session,
          part: message.part,
          messages: 1,
        })
        break
      case 'sync-res':
        node.swim.mergeMembers(message.members, now, from)
        break
      default:
        this.send(id, node.swim.receive(message, now, from))
    }
  }

  private send(from: NodeId, out: readonly Outgoing[]): void {
    for (const { to, message } of out) this.network.send(from, to, message)
  }
}
