/**
 * A `P2PHost` on a `MemoryHostNetwork`: what `Libp2pHost` does, without
 * sockets. Peers connect when one dials the other's id as a seed, sends to it
 * or receives from it; a connection stays up across a partition (as a TCP
 * connection does) but carries nothing until the partition heals; `hangUp`
 * and `stop` close it on both sides. `publish` sends to every connected peer
 * (gossipsub's flood publish, without relaying). Errors are the libp2p
 * host's `P2PError` codes.
 */
import { EventEmitter } from '@breaker-mesh/core'
import type { Channel, DirectChannel } from '@breaker-mesh/core'
import type { MemoryNetwork } from '@breaker-mesh/core/testing'
import { P2PError } from '../p2p/P2PError.js'
import type { MessageHandler, P2PHost, Refusal, Unsubscribe } from '../p2p/P2PHost.js'

/** One message on the memory network: the channel it was sent on and its bytes. */
export interface MemoryPacket {
  readonly channel: Channel
  readonly bytes: Uint8Array
}

/** What a host needs of its network (`MemoryHostNetwork`). */
export interface MemoryLinks {
  readonly network: MemoryNetwork<MemoryPacket>
  /** The running host `id`, if any. */
  get(id: string): MemoryHost | undefined
  /** A host stopped. */
  removed(id: string): void
}

export interface MemoryHostOptions {
  /** The host's peer id [`mem-<n>`]. */
  id?: string
  /** Peer ids `dialSeeds()` connects to [[]]. */
  seeds?: readonly string[]
}

interface Message {
  from: string
  channel: Channel
  bytes: Uint8Array
}

export class MemoryHost implements P2PHost {
  readonly peerId: string
  readonly seeds: readonly string[]
  readonly #net: MemoryLinks
  readonly #connected = new Set<string>()
  readonly #messages = new EventEmitter<Message>()
  readonly #up = new EventEmitter<{ peer: string; addrs: string[] }>()
  readonly #down = new EventEmitter<string>()
  #stopped = false

  /** @internal use `MemoryHostNetwork.host()` */
  constructor(net: MemoryLinks, id: string, options: MemoryHostOptions) {
    this.#net = net
    this.peerId = id
    this.seeds = [...(options.seeds ?? [])]
    net.network.register(id, (from, packet) => {
      if (this.#stopped) return
      this.#connect(from)
      this.#messages.emit({ from, channel: packet.channel, bytes: packet.bytes })
    })
  }

  addrs(): string[] {
    return [`/memory/${this.peerId}`]
  }

  async stop(): Promise<void> {
    if (this.#stopped) return
    this.#stopped = true
    this.#net.network.unregister(this.peerId)
    for (const peer of [...this.#connected]) this.#disconnect(peer)
    this.#net.removed(this.peerId)
  }

  async send(to: string, channel: DirectChannel, bytes: Uint8Array): Promise<void> {
    this.#assertRunning()
    if (to === this.peerId) throw new P2PError('P2P_SELF', 'a message cannot be sent to this node itself')
    if (!this.#reachable(to)) throw new P2PError('P2P_SEND_FAILED', `send to ${to} on ${channel} failed: unreachable`)
    this.#connect(to)
    this.#net.network.send(this.peerId, to, { channel, bytes: bytes.slice() })
  }

  async publish(bytes: Uint8Array): Promise<void> {
    this.#assertRunning()
    const packet = { channel: 'gossip' as const, bytes: bytes.slice() }
    for (const peer of this.#connected) this.#net.network.send(this.peerId, peer, packet)
  }

  onMessage(handler: MessageHandler): Unsubscribe {
    return this.#messages.add((m) => handler(m.from, m.channel, m.bytes))
  }

  onPeerConnected(handler: (peerId: string, addrs: string[]) => void): Unsubscribe {
    return this.#up.add((c) => handler(c.peer, c.addrs))
  }

  onPeerDisconnected(handler: (peerId: string) => void): Unsubscribe {
    return this.#down.add(handler)
  }

  async dialSeeds(): Promise<string[]> {
    if (this.#stopped) return []
    const reached = this.seeds.filter((seed) => seed !== this.peerId && this.#reachable(seed))
    for (const peer of reached) this.#connect(peer)
    return reached
  }

  async hangUp(peerId: string): Promise<void> {
    this.#assertRunning()
    this.#disconnect(peerId)
  }

  connectedPeers(): string[] {
    return [...this.#connected]
  }

  /** Memory gossip reaches every connected peer directly. */
  gossipMeshPeers(): string[] {
    return [...this.#connected]
  }

  seedsAllSelf(): boolean {
    return this.seeds.length > 0 && this.seeds.every((s) => s === this.peerId)
  }

  refusals(): Readonly<Record<Refusal, number>> {
    return { 'fleet-key': 0, 'foreign-fleet': 0 }
  }

  dropped(): Readonly<Record<string, number>> {
    return {}
  }

  bufferedBytes(): { now: number; highWater: number } {
    return { now: 0, highWater: 0 }
  }

  #reachable(peer: string): boolean {
    return this.#net.network.isRegistered(peer) && this.#net.network.canReach(this.peerId, peer)
  }

  /** Open a connection to `peer` (both sides see it) unless one is open. */
  #connect(peer: string): void {
    if (this.#connected.has(peer) || this.#stopped) return
    const other = this.#net.get(peer)
    if (other === undefined) return
    this.#connected.add(peer)
    other.#connected.add(this.peerId)
    // Announced on the next turn, as libp2p does after identify: never inside the caller's call.
    setImmediate(() => {
      if (this.#connected.has(peer)) this.#up.emit({ peer, addrs: other.addrs() })
      if (other.#connected.has(this.peerId)) other.#up.emit({ peer: this.peerId, addrs: this.addrs() })
    })
  }

  /** Close the connection to `peer` on both sides. */
  #disconnect(peer: string): void {
    if (!this.#connected.delete(peer)) return
    this.#down.emit(peer)
    const other = this.#net.get(peer)
    if (other !== undefined && other.#connected.delete(this.peerId)) other.#down.emit(this.peerId)
  }

  #assertRunning(): void {
    if (this.#stopped) throw new P2PError('P2P_STOPPED', 'the memory host is stopped')
  }
}
