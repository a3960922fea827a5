/**
 * P2PHost on libp2p 2: TCP + Noise + Yamux + Identify, gossipsub for records,
 * one long-lived stream per peer and protocol for direct messages, seeds and
 * mDNS for discovery.
 *
 * Nothing a peer does may throw out of a handler or leave a rejected promise
 * unhandled: every callback from libp2p is wrapped, every fire-and-forget
 * promise has a catch, and failures are logged rate-limited per peer.
 */
import '../polyfill.js'
import { peerIdFromString } from '@libp2p/peer-id'
import { EventEmitter } from '@breaker-mesh/core'
import type { Channel, DirectChannel } from '@breaker-mesh/core'
import { createLogger } from '../log.js'
import { createLibp2pNode } from './createLibp2pNode.js'
import type { MdnsPeer, Node, PeerId, Stream } from './createLibp2pNode.js'
import type { ResolvedP2PHostOptions } from './hostOptions.js'
import { Inbox } from './Inbox.js'
import { errorMessage, isDuplicatePublish, isNoPeersToPublish } from './libp2pErrors.js'
import { OutboundStreams } from './OutboundStreams.js'
import { ReceiveBudget } from './ReceiveBudget.js'
import { P2PError } from './P2PError.js'
import type { MessageHandler, P2PHost, Refusal, Unsubscribe } from './P2PHost.js'
import { peerAddrs, withoutPeerId } from './peerAddrs.js'
import { PeerPresence } from './PeerPresence.js'
import { MAX_STREAMS_PER_PROTOCOL, PROTOCOLS, PROTOCOL_PREFIX, protocolIds, recordsTopic } from './protocols.js'
import { SeedDialer, transportPart } from './SeedDialer.js'
import { StreamReceiver } from './StreamReceiver.js'

interface Message {
  from: string
  channel: Channel
  bytes: Uint8Array
}

/** How often one peer's (or seed's) repeated failures are logged, ms. */
const LOG_PERIOD_MS = 60_000
/** Peers and addresses whose refusal was logged; cleared when full (then logged again, once). */
const MAX_LOGGED_REFUSALS = 1024
/** Parsed peer ids kept for sends (a fleet's members, with room for churn). */
const MAX_PARSED_PEER_IDS = 4096

const log = createLogger('p2p')

export class Libp2pHost implements P2PHost {
  readonly peerId: string
  readonly #node: Node
  readonly #opts: ResolvedP2PHostOptions
  readonly #topic: string
  readonly #protocolIds: Readonly<Record<DirectChannel, string>>
  readonly #refusals: Record<Refusal, number> = { 'fleet-key': 0, 'foreign-fleet': 0 }
  readonly #loggedRefusals = new Set<string>()
  readonly #peerIds = new Map<string, PeerId>()
  /** Inbound frames dropped before decoding, by reason. */
  readonly #drops: Record<string, number> = Object.create(null) as Record<string, number>
  readonly #inbox: Inbox
  readonly #budget: ReceiveBudget
  readonly #receiver: StreamReceiver
  readonly #outbound: OutboundStreams<Stream>
  readonly #seeds: SeedDialer
  readonly #stop = new AbortController()
  readonly #presence: PeerPresence
  readonly #messages = new EventEmitter<Message>((err) => log.rateLimited('handler:message', LOG_PERIOD_MS, 'message handler threw', { err }))
  readonly #connected = new EventEmitter<{ peer: string; addrs: string[] }>((err) =>
    log.rateLimited('handler:connected', LOG_PERIOD_MS, 'peer-connected handler threw', { err }),
  )
  readonly #disconnected = new EventEmitter<string>((err) =>
    log.rateLimited('handler:disconnected', LOG_PERIOD_MS, 'peer-disconnected handler threw', { err }),
  )
  readonly #mdnsDials = new Set<string>()
  #stopping: Promise<void> | undefined

  private constructor(node: Node, opts: ResolvedP2PHostOptions) {
    this.#node = node
    this.#opts = opts
    this.peerId = node.peerId.toString()
    this.#topic = recordsTopic(opts.fleet)
    this.#protocolIds = protocolIds(opts.fleet)
    this.#budget = new ReceiveBudget(opts.peerBufferBytes, opts.totalBufferBytes)
    this.#inbox = new Inbox({
      turnBudgetMs: opts.turnBudgetMs,
      maxQueuedFrames: opts.inboxFrames,
      maxQueuedBytes: opts.maxMessageBytes,
      deliver: (from, channel, bytes) => this.#dispatch(from, channel, bytes),
      dropped: () => this.#drop('inbox-full'),
    })
    this.#receiver = new StreamReceiver({
      maxMessageBytes: opts.maxMessageBytes,
      partialFrameTimeoutMs: opts.partialFrameTimeoutMs,
      budget: this.#budget,
      inbox: this.#inbox,
      drop: (reason) => this.#drop(reason),
      stopped: () => this.#stopped,
      log,
    })
    this.#outbound = new OutboundStreams<Stream>(
      (peer, channel, signal) => node.dialProtocol(peerIdFromString(peer), this.#protocolIds[channel], { signal }),
      opts.maxMessageBytes,
    )
    this.#seeds = new SeedDialer(
      {
        peerId: this.peerId,
        addrs: () => this.addrs(),
        isConnected: (peer) => this.#isConnected(peer),
        dial: async (ma, signal) => (await node.dial(ma, { signal })).remotePeer.toString(),
      },
      { seeds: opts.seeds, lookup: opts.seedLookup, dialTimeoutMs: opts.dialTimeoutMs, stopSignal: this.#stop.signal, log },
    )
    this.#presence = new PeerPresence(opts.identifyWaitMs, {
      connected: (peer, addrs) => this.#connected.emit({ peer, addrs }),
      disconnected: (peer) => this.#disconnected.emit(peer),
    })
  }

  static async create(opts: ResolvedP2PHostOptions): Promise<Libp2pHost> {
    let onMdnsPeer: (peer: MdnsPeer) => void = () => {}
    let onRefused: (reason: Refusal, who: string, detail: string) => void = () => {}
    const node = await createLibp2pNode(opts, {
      mdnsPeer: (peer) => onMdnsPeer(peer),
      refused: (reason, who, detail) => onRefused(reason, who, detail),
    })
    const host = new Libp2pHost(node, opts)
    onMdnsPeer = (peer) => host.#onMdnsPeer(peer)
    onRefused = (reason, who, detail) => host.#refused(reason, who, detail)
    try {
      await host.#start()
    } catch (err) {
      try {
        await node.stop()
      } catch {
        // The start error is the one to report.
      }
      throw err
    }
    return host
  }

  async #start(): Promise<void> {
    const node = this.#node
    node.addEventListener('peer:connect', (evt) => {
      const peer = evt.detail.toString()
      log.debug('peer connected', { peer })
      this.#presence.connectionUp(peer, () => this.#outboundAddrs(peer))
    })
    node.addEventListener('peer:identify', (evt) => {
      const { peerId, listenAddrs, protocols } = evt.detail
      const id = peerId.toString()
      if (this.#isForeignFleet(protocols)) {
        // Same key (or none), another fleet: its protocols are not ours, so no
        // message of it can reach us; hang up instead of keeping a useless link.
        const theirs = protocols.find((p) => p.startsWith(PROTOCOL_PREFIX)) ?? ''
        this.#refused('foreign-fleet', id, `it speaks ${theirs}`)
        this.#node.hangUp(peerId).catch(() => {})
        return
      }
      this.#presence.identified(
        id,
        listenAddrs.map((ma) => `${transportPart(ma.toString())}/p2p/${id}`),
      )
    })
    node.addEventListener('peer:disconnect', (evt) => {
      const peer = evt.detail.toString()
      log.debug('peer disconnected', { peer })
      this.#outbound.forgetPeer(peer)
      this.#presence.connectionDown(peer)
    })
    for (const channel of PROTOCOLS) {
      await node.handle(
        this.#protocolIds[channel],
        ({ stream, connection }) => {
          const from = connection.remotePeer.toString()
          this.#receiver.receive(channel, stream, from).catch((err: unknown) => {
            log.rateLimited(`receive:${from}`, LOG_PERIOD_MS, 'inbound stream failed', { err })
          })
        },
        { maxInboundStreams: MAX_STREAMS_PER_PROTOCOL, maxOutboundStreams: MAX_STREAMS_PER_PROTOCOL },
      )
    }
    await node.start()
    const pubsub = node.services.pubsub
    pubsub.addEventListener('gossipsub:message', (evt) => {
      const { msg, propagationSource } = evt.detail
      // Messages are unsigned (StrictNoSign, see gossipsubSettings): `from` is the
      // Noise-authenticated neighbour that forwarded it; each record inside names
      // its own writer.
      if (msg.topic !== this.#topic) return
      if (!this.#stopped) this.#inbox.push(propagationSource.toString(), 'gossip', msg.data, false)
    })
    pubsub.subscribe(this.#topic)
    log.debug('started', { peerId: this.peerId, addrs: this.addrs(), fleet: this.#opts.fleet })
    // The first seed round; later ones are the caller's (see P2PHost.dialSeeds).
    void this.dialSeeds()
  }

  get #stopped(): boolean {
    return this.#stop.signal.aborted
  }

  addrs(): string[] {
    return this.#node.getMultiaddrs().map((ma) => ma.toString())
  }

  connectedPeers(): string[] {
    return this.#node.getPeers().map((p) => p.toString())
  }

  gossipMeshPeers(): string[] {
    return this.#node.services.pubsub.getMeshPeers(this.#topic)
  }

  seedsAllSelf(): boolean {
    return this.#seeds.allSelf
  }

  refusals(): Readonly<Record<Refusal, number>> {
    return { ...this.#refusals }
  }

  dropped(): Readonly<Record<string, number>> {
    return { ...this.#drops }
  }

  bufferedBytes(): { now: number; highWater: number } {
    return { now: this.#budget.used, highWater: this.#budget.highWater }
  }

  #drop(reason: string): void {
    this.#drops[reason] = (this.#drops[reason] ?? 0) + 1
  }

  /** A peer that serves breaker-mesh protocols, none of them this fleet's. */
  #isForeignFleet(protocols: readonly string[]): boolean {
    const ours = this.#protocolIds.swim
    return protocols.some((p) => p.startsWith(PROTOCOL_PREFIX)) && !protocols.includes(ours)
  }

  /** Count a refused connection; log it once per peer (or address). */
  #refused(reason: Refusal, who: string, detail: string): void {
    if (this.#stopped) return
    this.#refusals[reason]++
    const key = `${reason} ${reason === 'fleet-key' ? transportPart(who).replace(/\/tcp\/\d+$/, '') : who}`
    if (this.#loggedRefusals.has(key)) return
    if (this.#loggedRefusals.size >= MAX_LOGGED_REFUSALS) this.#loggedRefusals.clear()
    this.#loggedRefusals.add(key)
    const what = reason === 'fleet-key' ? 'connection refused: no fleet key or another one' : 'connection refused: a node of another fleet'
    log.warn(what, { peer: who, detail })
  }

  onMessage(handler: MessageHandler): Unsubscribe {
    return this.#messages.add((m) => handler(m.from, m.channel, m.bytes))
  }

  onPeerConnected(handler: (peerId: string, addrs: string[]) => void): Unsubscribe {
    return this.#connected.add((c) => handler(c.peer, c.addrs))
  }

  onPeerDisconnected(handler: (peerId: string) => void): Unsubscribe {
    return this.#disconnected.add(handler)
  }

  async send(to: string, channel: DirectChannel, bytes: Uint8Array, addrs: readonly string[] = []): Promise<void> {
    this.#assertRunning()
    if (this.#protocolIds[channel] === undefined) throw new RangeError(`channel must be 'swim' or 'sync', got ${String(channel)}`)
    this.#assertSize(bytes)
    const peer = this.#parsePeer(to)
    // Only the timeout: a per-send AbortSignal.any() would hang a listener on the
    // long-lived stop signal for every message. Stopping closes every connection,
    // which ends any write in flight.
    const timeout = AbortSignal.timeout(this.#opts.sendTimeoutMs)
    try {
      if (addrs.length > 0 && this.#node.getConnections(peer).length === 0) await this.#remember(peer, addrs)
      await this.#outbound.write(to, channel, bytes, timeout, () => !this.#stopped && !timeout.aborted)
    } catch (err) {
      if (this.#stopped) throw new P2PError('P2P_STOPPED', `send to ${to} on ${channel}: the host stopped`, { cause: err })
      if (timeout.aborted) {
        throw new P2PError('P2P_SEND_TIMEOUT', `send to ${to} on ${channel} timed out after ${this.#opts.sendTimeoutMs} ms`, { cause: err })
      }
      throw new P2PError('P2P_SEND_FAILED', `send to ${to} on ${channel} failed: ${errorMessage(err)}`, { cause: err })
    }
  }

  async publish(bytes: Uint8Array): Promise<void> {
    this.#assertRunning()
    this.#assertSize(bytes)
    try {
      await this.#node.services.pubsub.publish(this.#topic, bytes)
    } catch (err) {
      if (isNoPeersToPublish(err) || isDuplicatePublish(err)) return
      if (this.#stopped) throw new P2PError('P2P_STOPPED', 'publish: the host stopped', { cause: err })
      throw new P2PError('P2P_PUBLISH_FAILED', `publish failed: ${errorMessage(err)}`, { cause: err })
    }
  }

  dialSeeds(): Promise<string[]> {
    return this.#seeds.dial()
  }

  async hangUp(peerId: string): Promise<void> {
    this.#assertRunning()
    await this.#node.hangUp(this.#parsePeer(peerId))
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#doStop()
    return this.#stopping
  }

  async #doStop(): Promise<void> {
    this.#stop.abort()
    this.#presence.stop()
    this.#inbox.close()
    try {
      await this.#node.stop()
    } catch (err) {
      log.warn('libp2p stop failed', { err })
    }
    log.debug('stopped', { peerId: this.peerId })
  }

  #dispatch(from: string, channel: Channel, bytes: Uint8Array): void {
    if (this.#stopped || !this.#messages.active) return
    this.#messages.emit({ from, channel, bytes })
  }

  /** Addrs we dialled this peer on: dialable, unlike an inbound connection's source port. */
  #outboundAddrs(peer: string): string[] {
    try {
      const conns = this.#node.getConnections(peerIdFromString(peer))
      const addrs = conns
        .filter((c) => c.direction === 'outbound')
        .map((c) => `${transportPart(c.remoteAddr.toString())}/p2p/${peer}`)
      return [...new Set(addrs)]
    } catch {
      return []
    }
  }

  /** Add a peer's known multiaddrs (from gossip) to the peer store. */
  async #remember(peer: PeerId, addrs: readonly string[]): Promise<void> {
    const multiaddrs = peerAddrs(peer.toString(), addrs)
    if (multiaddrs.length > 0) await this.#node.peerStore.merge(peer, { multiaddrs })
  }

  #onMdnsPeer(peer: MdnsPeer): void {
    const id = peer.id.toString()
    if (this.#stopped || id === this.peerId || this.#mdnsDials.has(id) || this.#isConnected(id)) return
    this.#mdnsDials.add(id)
    const signal = AbortSignal.any([AbortSignal.timeout(this.#opts.dialTimeoutMs), this.#stop.signal])
    const dial = async (): Promise<void> => {
      await this.#node.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs.map(withoutPeerId) })
      await this.#node.dial(peer.id, { signal })
      log.debug('dialled mDNS peer', { peer: id })
    }
    dial()
      .catch((err: unknown) => {
        if (!this.#stopped) log.rateLimited(`mdns-dial:${id}`, LOG_PERIOD_MS, 'mDNS peer dial failed', { peer: id, err })
      })
      .finally(() => this.#mdnsDials.delete(id))
  }

  #isConnected(peer: string): boolean {
    try {
      return this.#node.getConnections(peerIdFromString(peer)).length > 0
    } catch {
      return false
    }
  }

  #parsePeer(peerId: string): PeerId {
    // Every send names its peer by string; parsing one costs a multihash decode and
    // a key, so the members' parsed ids are kept (bounded: a full cache starts over).
    let peer = this.#peerIds.get(peerId)
    if (peer === undefined) {
      try {
        peer = peerIdFromString(peerId)
      } catch (err) {
        throw new P2PError('P2P_BAD_PEER_ID', `${JSON.stringify(peerId)} is not a libp2p peer id`, { cause: err })
      }
      if (this.#peerIds.size >= MAX_PARSED_PEER_IDS) this.#peerIds.clear()
      this.#peerIds.set(peerId, peer)
    }
    if (peerId === this.peerId) throw new P2PError('P2P_SELF', 'a message cannot be sent to this node itself')
    return peer
  }

  #assertRunning(): void {
    if (this.#stopped) throw new P2PError('P2P_STOPPED', 'the P2P host is stopped')
  }

  #assertSize(bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array')
    if (bytes.byteLength > this.#opts.maxMessageBytes) {
      throw new P2PError(
        'P2P_MESSAGE_TOO_LARGE',
        `message of ${bytes.byteLength} bytes exceeds maxMessageBytes ${this.#opts.maxMessageBytes}`,
      )
    }
  }
}
