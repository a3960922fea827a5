import { FleetNode } from '../node/FleetNode.js'
import type { FleetOptions } from '../node/FleetOptions.js'
import { resolveSwimConfig } from '../membership/SwimConfig.js'
import type { SwimConfig, SwimConfigInput } from '../membership/SwimConfig.js'
import { FakeClock } from './FakeClock.js'
import { MemoryNetwork } from './MemoryNetwork.js'
import type { LinkConditions } from './MemoryNetwork.js'
import { seededRandom } from './seededRandom.js'
import type { Channel } from '../types.js'

/** What travels on the simulated network: the encoded bytes, as on a real wire. */
export interface SimPacket {
  readonly channel: Channel
  readonly bytes: Uint8Array
}

export interface FleetSimOptions {
  /** Nodes to start with (they join through the first one). */
  size: number
  /** SWIM profile or settings ['local']. */
  swim?: SwimConfigInput
  /** Seed of every PRNG in the simulation [1]. */
  seed?: number
  /** Link latency, loss, duplication, reordering [1–5 ms latency, no loss]. */
  network?: Partial<LinkConditions>
  /** How often every node's `tick()` runs, fake ms [10]. */
  tickMs?: number
  fleetOptions?: FleetOptions
  /** Offset of node i's wall clock from the simulation's, ms (skew; wall time is display-only) [0]. */
  wallClockSkewMs?: (index: number) => number
  /** Member id check of every node (`FleetNodeInit.isValidNodeId`) [any id]. */
  isValidNodeId?: (id: string) => boolean
  /**
   * What node `index` puts on the network, given what it sends [as is]: to
   * play a node of another build (one that adds a section kind, say) or a
   * buggy one. Called for every message, direct or gossip.
   */
  rewrite?: (index: number, packet: SimPacket) => SimPacket
  /**
   * What node `index` gets, given what arrives for it [as is]: to play a
   * node of an older build (one that does not know a section kind: relabel
   * it as an unknown kind, and this build's decoder skips it the same way).
   */
  rewriteIncoming?: (index: number, packet: SimPacket) => SimPacket
}

/**
 * A whole fleet of `FleetNode`s in one process, in fake time, over
 * `MemoryNetwork`: the deterministic twin of a libp2p fleet. Every message is
 * encoded and decoded exactly as on the wire.
 */
export class FleetSim {
  readonly clock: FakeClock
  readonly net: MemoryNetwork<SimPacket>
  readonly nodes: FleetNode[] = []
  readonly swim: SwimConfig
  private readonly random: () => number
  private readonly options: FleetSimOptions
  private readonly tickMs: number
  private readonly down = new Set<number>()

  constructor(options: FleetSimOptions) {
    this.options = options
    this.clock = new FakeClock(0)
    this.random = seededRandom(options.seed ?? 1)
    this.swim = resolveSwimConfig(options.swim ?? 'local')
    this.tickMs = options.tickMs ?? 10
    this.net = new MemoryNetwork<SimPacket>({
      clock: this.clock,
      random: seededRandom((options.seed ?? 1) + 7919),
      minLatencyMs: 1,
      maxLatencyMs: 5,
      ...options.network,
    })
    for (let i = 0; i < options.size; i++) this.add()
    this.scheduleTicks()
  }

  /** Start one more node; it joins through the first live node. Returns its index. */
  add(name?: string): number {
    const index = this.nodes.length
    const id = `node-${String(index + 1).padStart(3, '0')}`
    const skew = this.options.wallClockSkewMs?.(index) ?? 0
    const rewrite = this.options.rewrite
    const out = (packet: SimPacket): SimPacket => (rewrite === undefined ? packet : rewrite(index, packet))
    const node: FleetNode = new FleetNode({
      self: { id, name: name ?? `n${index + 1}`, addrs: [`mem://${id}`] },
      clock: this.clock,
      wallClock: () => 1_700_000_000_000 + this.clock.now() + skew,
      swim: this.swim,
      options: this.options.fleetOptions,
      isValidNodeId: this.options.isValidNodeId,
      random: seededRandom((this.options.seed ?? 1) * 1000 + index),
      transport: {
        send: (to, channel, bytes) => {
          this.net.send(id, to, out({ channel, bytes }))
        },
        publish: (bytes) => {
          this.net.broadcast(id, out({ channel: 'gossip', bytes }))
        },
      },
    })
    node.onPending(() => this.clock.setTimeout(() => node.flush(), 0))
    this.nodes.push(node)
    const incoming = this.options.rewriteIncoming
    this.net.register(id, (from, packet) => {
      const p = incoming === undefined ? packet : incoming(index, packet)
      node.receive(from, p.channel, p.bytes)
    })
    const seed = this.nodes.findIndex((n, i) => i !== index && !this.down.has(i))
    if (seed >= 0) node.peerConnected(this.nodes[seed]!.id)
    return index
  }

  node(index: number): FleetNode {
    const node = this.nodes[index]
    if (!node) throw new RangeError(`no node ${index}`)
    return node
  }

  /** Indices of nodes still running. */
  live(): number[] {
    return this.nodes.map((_, i) => i).filter((i) => !this.down.has(i))
  }

  isLive(index: number): boolean {
    return index < this.nodes.length && !this.down.has(index)
  }

  /** Crash: the node stops and its network link goes away, telling nobody. */
  crash(index: number): void {
    this.node(index).halt()
    this.net.unregister(this.node(index).id)
    this.down.add(index)
  }

  /** Graceful stop: `left` is sent, then the node goes away. */
  stop(index: number): void {
    const node = this.node(index)
    node.leave()
    this.down.add(index)
    this.clock.setTimeout(() => this.net.unregister(node.id), 50)
  }

  /** Cut the network between groups of node indices (unlisted nodes form their own group). */
  partition(...groups: number[][]): void {
    this.net.partition(groups.map((g) => g.map((i) => this.node(i).id)))
  }

  heal(): void {
    this.net.heal()
  }

  /** Advance fake time by `ms`. */
  run(ms: number): void {
    this.clock.advance(ms)
  }

  /** Advance until `predicate` holds; returns the fake ms it took, or undefined after `maxMs`. */
  runUntil(predicate: () => boolean, maxMs: number, stepMs = this.tickMs): number | undefined {
    const start = this.clock.now()
    for (;;) {
      if (predicate()) return this.clock.now() - start
      if (this.clock.now() - start >= maxMs) return undefined
      this.clock.advance(stepMs)
    }
  }

  /**
   * True when every live node (or those listed) sees every live node (or
   * those listed) alive, and has reached it itself (confirmed it).
   */
  viewsAgree(indices: number[] = this.live()): boolean {
    for (const i of indices) {
      const node = this.node(i)
      for (const j of indices) {
        const id = this.node(j).id
        if (node.swim.member(id)?.status !== 'alive' || !node.swim.isConfirmed(id)) return false
      }
    }
    return true
  }

  /** True when the listed nodes (default: live) hold identical tables. */
  tablesAgree(indices: number[] = this.live()): boolean {
    const first = indices[0]
    if (first === undefined) return true
    const fp = this.node(first).table.fingerprint()
    return indices.every((i) => this.node(i).table.fingerprint() === fp)
  }

  private scheduleTicks(): void {
    const tick = () => {
      for (let i = 0; i < this.nodes.length; i++) if (!this.down.has(i)) this.nodes[i]!.tick()
      this.clock.setTimeout(tick, this.tickMs)
    }
    this.clock.setTimeout(tick, this.tickMs)
  }
}
