import type { FakeClock } from './FakeClock.js'
import { seededRandom } from './seededRandom.js'
import type { NodeId } from '../types.js'

/** How the network treats one message. Every probability is in [0, 1]. */
export interface LinkConditions {
  /** One-way latency is uniform in [minLatencyMs, maxLatencyMs], ms. */
  readonly minLatencyMs: number
  readonly maxLatencyMs: number
  /** Chance a message is lost. */
  readonly lossProbability: number
  /** Chance a delivered message arrives twice (the copy with its own latency). */
  readonly duplicateProbability: number
  /** Chance a message is held back by an extra delay uniform in [0, reorderDelayMs], so later ones overtake it. */
  readonly reorderProbability: number
  readonly reorderDelayMs: number
}

export interface MemoryNetworkOptions extends Partial<LinkConditions> {
  /** Delivers messages when it is advanced. */
  readonly clock: FakeClock
  /** Seed of the network's own PRNG (default 1). Ignored when `random` is given. */
  readonly seed?: number
  /** Source of randomness in [0, 1) for latency, loss, duplication and reordering. */
  readonly random?: () => number
}

/** Counters since creation (or `resetStats`). */
export interface NetworkStats {
  /** `send` calls, and one per target of a `broadcast`. */
  readonly sent: number
  /** Messages handed to a receiver, duplicates included. */
  readonly delivered: number
  /** Messages not delivered, for any reason below. */
  readonly dropped: number
  readonly droppedByLoss: number
  readonly droppedByPartition: number
  /** The receiver was not registered (crashed) at send or delivery time. */
  readonly droppedUnreachable: number
  /** Extra copies scheduled by duplication. */
  readonly duplicated: number
}

export type DeliverFn<T> = (from: NodeId, payload: T) => void

const DEFAULT_CONDITIONS: LinkConditions = {
  minLatencyMs: 1,
  maxLatencyMs: 5,
  lossProbability: 0,
  duplicateProbability: 0,
  reorderProbability: 0,
  reorderDelayMs: 0,
}

type Counters = { -readonly [K in keyof NetworkStats]: NetworkStats[K] }

/**
 * Many nodes in one process, driven by a `FakeClock`: messages are delivered
 * after a random latency, and may be lost, duplicated or reordered, with
 * partitions between groups of nodes. Payloads are passed by reference (treat
 * them as immutable). A seeded PRNG makes every run repeatable.
 */
export class MemoryNetwork<T> {
  private readonly clock: FakeClock
  private readonly random: () => number
  private global: LinkConditions
  private readonly perNode = new Map<NodeId, Partial<LinkConditions>>()
  private readonly nodes = new Map<NodeId, DeliverFn<T>>()
  /** Node → group index while partitioned; ids not listed share group -1. */
  private groups: Map<NodeId, number> | null = null
  private counters: Counters = zeroCounters()

  constructor(options: MemoryNetworkOptions) {
    this.clock = options.clock
    this.random = options.random ?? seededRandom(options.seed ?? 1)
    const { clock: _clock, seed: _seed, random: _random, ...conditions } = options
    this.global = checkConditions({ ...DEFAULT_CONDITIONS, ...definedOnly(conditions) }, 'MemoryNetwork')
  }

  /** The network-wide conditions. */
  get conditions(): LinkConditions {
    return this.global
  }

  /** Change some of the network-wide conditions. */
  setConditions(conditions: Partial<LinkConditions>): void {
    this.global = checkConditions({ ...this.global, ...definedOnly(conditions) }, 'MemoryNetwork.setConditions')
  }

  /**
   * Override conditions for every message from or to `id` (e.g. a slow or
   * lossy host); `null` removes the override. With overrides at both ends, the
   * receiver's fields win over the sender's, which win over the network's.
   */
  setNodeConditions(id: NodeId, conditions: Partial<LinkConditions> | null): void {
    if (conditions === null) {
      this.perNode.delete(id)
      return
    }
    checkConditions({ ...this.global, ...definedOnly(conditions) }, `MemoryNetwork.setNodeConditions(${id})`)
    this.perNode.set(id, definedOnly(conditions))
  }

  /** Attach a node; `deliver` receives its messages. Re-registering replaces the handler (a restart). */
  register(id: NodeId, deliver: DeliverFn<T>): void {
    this.nodes.set(id, deliver)
  }

  /** Detach a node (a crash): messages to it are dropped from now on, including those in flight. */
  unregister(id: NodeId): void {
    this.nodes.delete(id)
  }

  isRegistered(id: NodeId): boolean {
    return this.nodes.has(id)
  }

  /** Registered node ids. */
  ids(): NodeId[] {
    return [...this.nodes.keys()]
  }

  /**
   * Split the network: messages between different groups are dropped (at send
   * and at delivery). Ids in no group together form one more group. Replaces
   * any earlier partition.
   */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const map = new Map<NodeId, number>()
    groups.forEach((group, index) => {
      for (const id of group) {
        if (map.has(id)) throw new RangeError(`MemoryNetwork.partition: ${id} is in more than one group`)
        map.set(id, index)
      }
    })
    this.groups = map
  }

  /** Remove the partition. */
  heal(): void {
    this.groups = null
  }

  /** Whether the partition lets `from` reach `to` (ignores loss and registration). */
  canReach(from: NodeId, to: NodeId): boolean {
    if (this.groups === null) return true
    return (this.groups.get(from) ?? -1) === (this.groups.get(to) ?? -1)
  }

  /** Send one message. Returns whether it was scheduled for delivery (false: dropped at once). */
  send(from: NodeId, to: NodeId, payload: T): boolean {
    this.counters.sent += 1
    if (!this.nodes.has(to)) return this.drop('droppedUnreachable')
    if (!this.canReach(from, to)) return this.drop('droppedByPartition')
    const link = this.linkConditions(from, to)
    if (this.random() < link.lossProbability) return this.drop('droppedByLoss')
    this.schedule(from, to, payload, link)
    if (this.random() < link.duplicateProbability) {
      this.counters.duplicated += 1
      this.schedule(from, to, payload, link)
    }
    return true
  }

  /**
   * Send to every registered node but `from` that the partition lets it reach,
   * like a pubsub topic; each copy is lost, delayed or duplicated on its own.
   * Returns how many copies were scheduled.
   */
  broadcast(from: NodeId, payload: T): number {
    let scheduled = 0
    for (const to of this.nodes.keys()) {
      if (to !== from && this.canReach(from, to) && this.send(from, to, payload)) scheduled += 1
    }
    return scheduled
  }

  /** A snapshot of the counters. */
  stats(): NetworkStats {
    return { ...this.counters }
  }

  resetStats(): void {
    this.counters = zeroCounters()
  }

  private linkConditions(from: NodeId, to: NodeId): LinkConditions {
    const a = this.perNode.get(from)
    const b = this.perNode.get(to)
    if (a === undefined && b === undefined) return this.global
    return { ...this.global, ...a, ...b }
  }

  private schedule(from: NodeId, to: NodeId, payload: T, link: LinkConditions): void {
    let delay = link.minLatencyMs + this.random() * (link.maxLatencyMs - link.minLatencyMs)
    if (link.reorderProbability > 0 && this.random() < link.reorderProbability) delay += this.random() * link.reorderDelayMs
    this.clock.setTimeout(() => this.deliver(from, to, payload), delay)
  }

  private deliver(from: NodeId, to: NodeId, payload: T): void {
    const handler = this.nodes.get(to)
    if (handler === undefined) {
      this.drop('droppedUnreachable')
      return
    }
    if (!this.canReach(from, to)) {
      this.drop('droppedByPartition')
      return
    }
    this.counters.delivered += 1
    handler(from, payload)
  }

  private drop(reason: 'droppedByLoss' | 'droppedByPartition' | 'droppedUnreachable'): false {
    this.counters.dropped += 1
    this.counters[reason] += 1
    return false
  }
}

function zeroCounters(): Counters {
  return {
    sent: 0,
    delivered: 0,
    dropped: 0,
    droppedByLoss: 0,
    droppedByPartition: 0,
    droppedUnreachable: 0,
    duplicated: 0,
  }
}

function definedOnly(conditions: Partial<LinkConditions>): Partial<LinkConditions> {
  const out: Record<string, number> = {}
  for (const [key, value] of Object.entries(conditions)) if (value !== undefined) out[key] = value as number
  return out as Partial<LinkConditions>
}

function checkConditions(c: LinkConditions, where: string): LinkConditions {
  const known = Object.keys(DEFAULT_CONDITIONS)
  for (const key of Object.keys(c)) {
    if (!known.includes(key)) throw new RangeError(`${where}: unknown condition '${key}'`)
  }
  for (const key of ['minLatencyMs', 'maxLatencyMs', 'reorderDelayMs'] as const) {
    const value = c[key]
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(`${where}: ${key} must be a finite number ≥ 0, got ${String(value)}`)
    }
  }
  if (c.maxLatencyMs < c.minLatencyMs) {
    throw new RangeError(`${where}: maxLatencyMs must be ≥ minLatencyMs (${c.minLatencyMs}), got ${c.maxLatencyMs}`)
  }
  for (const key of ['lossProbability', 'duplicateProbability', 'reorderProbability'] as const) {
    const value = c[key]
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new RangeError(`${where}: ${key} must be a probability in [0, 1], got ${String(value)}`)
    }
  }
  return Object.freeze({ ...c })
}
