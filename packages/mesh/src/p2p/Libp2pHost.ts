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
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import { mdns } from '@libp2p/mdns'
import { gossipsub } from '@chainsafe/libp2p-gossipsub'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import { lpStream } from 'it-length-prefixed-stream'
import { createLogger } from '../log.js'
import { connectionSettings } from './connectionSettings.js'
import { gossipsubSettings } from './gossipsubSettings.js'
import type { ResolvedP2PHostOptions } from './hostOptions.js'
import { fleetKeyProtector } from './fleetKeyProtector.js'
import { FrameAssembler } from './FrameAssembler.js'
import { Inbox } from './Inbox.js'
import { ReceiveBudget } from './ReceiveBudget.js'
import { P2PError } from './P2PError.js'
import type { P2PHost, Protocol, Refusal, Unsubscribe } from './P2PHost.js'
import { PeerPresence } from './PeerPresence.js'
import { PROTOCOLS, PROTOCOL_PREFIX, mdnsServiceTag, protocolIds, recordsTopic } from './protocols.js'
import { resolveSeeds } from './seeds.js'

type PubSubService = ReturnType<ReturnType<typeof gossipsub>>
type Node = Libp2p<{ identify: Identify; pubsub: PubSubService }>
type PeerId = ReturnType<typeof peerIdFromString>
type Stream = Awaited<ReturnType<Node['dialProtocol']>>
type MdnsPeer = { id: PeerId; multiaddrs: Multiaddr[] }
interface Outbound {
  stream: Stream
  write(bytes: Uint8Array, signal: AbortSignal): Promise<void>
}

type MessageHandler = (from: string, channel: Protocol | 'gossip', bytes: Uint8Array) => void
type ConnectedHandler = (peerId: string, addrs: string[]) => void
type DisconnectedHandler = (peerId: string) => void

/** Multicodec of the /p2p/<id> multiaddr component. */
const P2P_CODE = 421
/**
 * Concurrent streams per connection per protocol, each way (libp2p defaults:
 * 32 in, 64 out). A sender keeps one long-lived stream per peer and protocol
 * and replaces it when it breaks, so a few cover overlap with a dying one;
 * every extra stream is a Yamux window a peer could fill.
 */
const MAX_STREAMS_PER_PROTOCOL = 16
/** How often one peer's (or seed's) repeated failures are logged, ms. */
const LOG_PERIOD_MS = 60_000
/** Seed address → peer id memory, to skip re-dialling a seed we are connected to. */
const MAX_SEED_PEERS = 1024
/** Peers and addresses whose refusal was logged; cleared when full (then logged again, once). */
const MAX_LOGGED_REFUSALS = 1024

const log = createLogger('p2p')

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err))
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/** `/ip4/1.2.3.4/tcp/5/p2p/Qm…` → `/ip4/1.2.3.4/tcp/5`. */
function transportPart(addr: string): string {
  const i = addr.indexOf('/p2p/')
  return i === -1 ? addr : addr.slice(0, i)
}

export class Libp2pHost implements P2PHost {
  readonly peerId: string
  readonly #node: Node
  readonly #opts: ResolvedP2PHostOptions
  readonly #topic: string
  readonly #protocolIds: Readonly<Record<Protocol, string>>
  readonly #refusals: Record<Refusal, number> = { 'fleet-key': 0, 'foreign-fleet': 0 }
  readonly #loggedRefusals = new Set<string>()
  /** Inbound frames dropped before decoding, by reason. */
  readonly #drops: Record<string, number> = Object.create(null) as Record<string, number>
  readonly #inbox: Inbox
  readonly #budget: ReceiveBudget
  readonly #stop = new AbortController()
  readonly #presence: PeerPresence
  readonly #messageHandlers = new Set<MessageHandler>()
  readonly #connectedHandlers = new Set<ConnectedHandler>()
  readonly #disconnectedHandlers = new Set<DisconnectedHandler>()
  /** Transport address of a seed → the peer found there last time. */
  readonly #seedPeers = new Map<string, string>()
  /** Seed addresses that turned out to be this node. */
  readonly #selfAddrs = new Set<string>()
  readonly #mdnsDials = new Set<string>()
  /** Open outbound stream per `<peer> <protocol>`. */
  readonly #outbound = new Map<string, Promise<Outbound>>()
  #seedDial: Promise<string[]> | undefined
  #seedsAllSelf = false
  #seedTimer: NodeJS.Timeout | undefined
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
      deliver: (from, channel, bytes) => this.#dispatch(from, channel as Protocol | 'gossip', bytes),
      dropped: () => this.#drop('inbox-full'),
    })
    this.#presence = new PeerPresence(opts.identifyWaitMs, {
      connected: (peer, addrs) => this.#emitConnected(peer, addrs),
      disconnected: (peer) => this.#emitDisconnected(peer),
    })
  }

  static async create(opts: ResolvedP2PHostOptions): Promise<Libp2pHost> {
    // mDNS raises `peer` on its own discovery object; libp2p re-raises every
    // new peer-store entry as `peer:discovery` (identify, sends, …). Listening
    // on the mDNS object itself sees exactly the mDNS finds.
    let onMdnsPeer: (peer: MdnsPeer) => void = () => {}
    let onRefused: (reason: Refusal, who: string, detail: string) => void = () => {}
    const node: Node = await createLibp2p({
      start: false,
      addresses: { listen: [opts.listenAddr] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      // A stream's receive window stays at Yamux's initial 256 KiB instead of
      // growing to 16 MiB for a fast reader: what a peer can have in flight to
      // us per stream is bounded, and a reader that pauses stalls its sender.
      streamMuxers: [yamux({ maxStreamWindowSize: 256 * 1024 })],
      ...(opts.fleetKey === undefined
        ? {}
        : { connectionProtector: fleetKeyProtector({ key: opts.fleetKey, onRefused: (reason, remote, detail) => onRefused(reason, remote, detail) }) }),
      connectionManager: connectionSettings(opts.dialTimeoutMs),
      peerDiscovery: opts.mdns
        ? [
            (components) => {
              const discovery = mdns({ serviceTag: mdnsServiceTag(opts.fleet), interval: opts.mdnsIntervalMs })(components)
              discovery.addEventListener('peer', (evt) => onMdnsPeer(evt.detail))
              return discovery
            },
          ]
        : [],
      services: {
        identify: identify(),
        pubsub: gossipsub(gossipsubSettings(opts.maxMessageBytes)),
      },
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
      for (const key of this.#outbound.keys()) if (key.startsWith(`${peer} `)) this.#outbound.delete(key)
      this.#presence.connectionDown(peer)
    })
    for (const protocol of PROTOCOLS) {
      await node.handle(
        this.#protocolIds[protocol],
        ({ stream, connection }) => {
          this.#receive(protocol, stream, connection.remotePeer.toString()).catch((err: unknown) => {
            log.rateLimited(`receive:${connection.remotePeer.toString()}`, LOG_PERIOD_MS, 'inbound stream failed', { err })
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
      this.#deliver(propagationSource.toString(), 'gossip', msg.data)
    })
    pubsub.subscribe(this.#topic)
    log.debug('started', { peerId: this.peerId, addrs: this.addrs(), fleet: this.#opts.fleet })

    if (this.#opts.seeds.length > 0) {
      void this.dialSeeds()
      this.#seedTimer = setInterval(() => {
        if (!this.#stopped && node.getConnections().length === 0) void this.dialSeeds()
      }, this.#opts.seedRefreshMs)
      this.#seedTimer.unref()
    }
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

  seedsAllSelf(): boolean {
    return this.#seedsAllSelf
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
    this.#messageHandlers.add(handler)
    return () => this.#messageHandlers.delete(handler)
  }

  onPeerConnected(handler: ConnectedHandler): Unsubscribe {
    this.#connectedHandlers.add(handler)
    return () => this.#connectedHandlers.delete(handler)
  }

  onPeerDisconnected(handler: DisconnectedHandler): Unsubscribe {
    this.#disconnectedHandlers.add(handler)
    return () => this.#disconnectedHandlers.delete(handler)
  }

  async send(to: string, protocol: Protocol, bytes: Uint8Array, addrs: readonly string[] = []): Promise<void> {
    this.#assertRunning()
    const protocolId = this.#protocolIds[protocol]
    if (protocolId === undefined) throw new RangeError(`protocol must be 'swim' or 'sync', got ${String(protocol)}`)
    this.#assertSize(bytes)
    const peer = this.#parsePeer(to)
    // Only the timeout: a per-send AbortSignal.any() would hang a listener on the
    // long-lived stop signal for every message. Stopping closes every connection,
    // which ends any write in flight.
    const timeout = AbortSignal.timeout(this.#opts.sendTimeoutMs)
    const signal = timeout
    const key = `${to} ${protocol}`
    // One long-lived stream per peer and protocol carries every frame: no
    // stream set-up or protocol negotiation per SWIM message. A stream that
    // broke (the connection closed) is replaced once, at once.
    for (let attempt = 0; ; attempt++) {
      let out: Promise<Outbound> | undefined
      try {
        out = this.#outbound.get(key)
        if (!out) {
          out = this.#openOutbound(peer, protocolId, addrs, signal)
          this.#outbound.set(key, out)
        }
        await (await out).write(bytes, signal)
        return
      } catch (err) {
        if (this.#outbound.get(key) === out) this.#outbound.delete(key)
        void out?.then((o) => o.stream.abort(toError(err)), () => {})
        if (this.#stopped) throw new P2PError('P2P_STOPPED', `send to ${to} on ${protocol}: the host stopped`, { cause: err })
        if (timeout.aborted) {
          throw new P2PError('P2P_SEND_TIMEOUT', `send to ${to} on ${protocol} timed out after ${this.#opts.sendTimeoutMs} ms`, { cause: err })
        }
        if (attempt >= 1) throw new P2PError('P2P_SEND_FAILED', `send to ${to} on ${protocol} failed: ${errMessage(err)}`, { cause: err })
      }
    }
  }

  async #openOutbound(peer: PeerId, protocolId: string, addrs: readonly string[], signal: AbortSignal): Promise<Outbound> {
    if (addrs.length > 0 && this.#node.getConnections(peer).length === 0) await this.#remember(peer, addrs)
    const stream = await this.#node.dialProtocol(peer, protocolId, { signal })
    const lp = lpStream(stream, { maxDataLength: this.#opts.maxMessageBytes })
    let chain: Promise<void> = Promise.resolve()
    return {
      stream,
      // Frames on one stream go out one at a time, in order.
      write(bytes, writeSignal) {
        const next = chain.then(() => lp.write(bytes, { signal: writeSignal }))
        chain = next.catch(() => {})
        return next
      },
    }
  }

  async publish(bytes: Uint8Array): Promise<void> {
    this.#assertRunning()
    this.#assertSize(bytes)
    try {
      await this.#node.services.pubsub.publish(this.#topic, bytes)
    } catch (err) {
      // allowPublishToZeroTopicPeers already prevents this one; keep the promise anyway.
      if (errMessage(err).includes('NoPeersSubscribedToTopic')) return
      // Unsigned messages are identified by content: the same bytes again are already out.
      if (errMessage(err).includes('Duplicate')) return
      if (this.#stopped) throw new P2PError('P2P_STOPPED', 'publish: the host stopped', { cause: err })
      throw new P2PError('P2P_PUBLISH_FAILED', `publish failed: ${errMessage(err)}`, { cause: err })
    }
  }

  dialSeeds(): Promise<string[]> {
    if (this.#stopped || this.#opts.seeds.length === 0) return Promise.resolve([])
    // One dial round at a time: concurrent callers (start, refresh timer, the
    // mesh's join and partition healing) share it.
    this.#seedDial ??= this.#dialSeedsOnce()
      .catch((err: unknown) => {
        log.warn('seed dial round failed', { err })
        return []
      })
      .finally(() => {
        this.#seedDial = undefined
      })
    return this.#seedDial
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
    clearInterval(this.#seedTimer)
    this.#presence.stop()
    this.#inbox.close()
    try {
      await this.#node.stop()
    } catch (err) {
      log.warn('libp2p stop failed', { err })
    }
    log.debug('stopped', { peerId: this.peerId })
  }

  /**
   * Read one inbound stream: a sender keeps it open and writes frame after
   * frame. Unfinished frames are charged to the peer's receive budget and must
   * complete within `partialFrameTimeoutMs`; whole frames go to the inbox,
   * which pauses this loop while the peer's queue is full.
   */
  async #receive(protocol: Protocol, stream: Stream, from: string): Promise<void> {
    const frames = new FrameAssembler(this.#opts.maxMessageBytes)
    let charged = 0
    let stall: NodeJS.Timeout | undefined
    let failed = false
    const fail = (reason: string, message: string): void => {
      if (failed) return
      failed = true
      this.#drop(reason)
      log.rateLimited(`${reason}:${from}`, LOG_PERIOD_MS, 'dropped inbound stream', { from, protocol, reason, detail: message })
      stream.abort(new Error(message))
    }
    try {
      for await (const chunk of stream.source) {
        if (failed) return
        const bytes = chunk.subarray()
        // Charge the chunk before the assembler copies any of it; settle after.
        if (!this.#budget.take(from, bytes.byteLength)) {
          fail('frame-budget', `${frames.buffered + bytes.byteLength} bytes of unfinished frames from one peer would pass the receive budget`)
          return
        }
        charged += bytes.byteLength
        let complete: Uint8Array[]
        try {
          complete = frames.push(bytes)
        } catch (err) {
          fail('frame-too-large', errMessage(err))
          return
        }
        this.#budget.give(from, charged - frames.buffered)
        charged = frames.buffered
        if (complete.length > 0 || !frames.partial) {
          clearTimeout(stall)
          stall = undefined
        }
        if (frames.partial && stall === undefined) {
          stall = setTimeout(() => fail('frame-stalled', `a frame did not finish within ${this.#opts.partialFrameTimeoutMs} ms`), this.#opts.partialFrameTimeoutMs)
          stall.unref()
        }
        for (const frame of complete) {
          const full = this.#inbox.push(from, protocol, frame, true)
          if (full) await full
        }
        // This turn's inbound work is spent: pull no more until the next one.
        if (this.#inbox.overBudget()) await this.#inbox.nextTurn()
      }
    } catch (err) {
      const ended = err instanceof Error && (err.name === 'UnexpectedEOFError' || err.name === 'StreamResetError' || err.name === 'StreamStateError')
      if (!this.#stopped && !ended && !failed) {
        log.rateLimited(`bad-stream:${from}`, LOG_PERIOD_MS, 'inbound stream failed', { from, protocol, err })
      }
      stream.abort(toError(err))
    } finally {
      clearTimeout(stall)
      this.#budget.give(from, charged)
    }
  }

  #deliver(from: string, channel: Protocol | 'gossip', bytes: Uint8Array): void {
    if (this.#stopped) return
    this.#inbox.push(from, channel, bytes, false)
  }

  #dispatch(from: string, channel: Protocol | 'gossip', bytes: Uint8Array): void {
    if (this.#stopped) return
    for (const handler of this.#messageHandlers) {
      try {
        handler(from, channel, bytes)
      } catch (err) {
        log.rateLimited(`handler:${channel}`, LOG_PERIOD_MS, 'message handler threw', { from, channel, err })
      }
    }
  }

  #emitConnected(peer: string, addrs: string[]): void {
    for (const handler of this.#connectedHandlers) {
      try {
        handler(peer, addrs)
      } catch (err) {
        log.rateLimited('handler:connected', LOG_PERIOD_MS, 'peer-connected handler threw', { peer, err })
      }
    }
  }

  #emitDisconnected(peer: string): void {
    for (const handler of this.#disconnectedHandlers) {
      try {
        handler(peer)
      } catch (err) {
        log.rateLimited('handler:disconnected', LOG_PERIOD_MS, 'peer-disconnected handler threw', { peer, err })
      }
    }
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

  async #remember(peer: PeerId, addrs: readonly string[]): Promise<void> {
    const id = peer.toString()
    const multiaddrs: Multiaddr[] = []
    for (const addr of addrs) {
      try {
        const ma = multiaddr(addr)
        const addrPeer = ma.getPeerId()
        if (addrPeer !== null && addrPeer !== id) continue
        multiaddrs.push(addrPeer === null ? ma : ma.decapsulateCode(P2P_CODE))
      } catch {
        // A malformed addr from a peer's gossip is skipped; the others may work.
      }
    }
    if (multiaddrs.length > 0) await this.#node.peerStore.merge(peer, { multiaddrs })
  }

  async #dialSeedsOnce(): Promise<string[]> {
    const addrs = await resolveSeeds(this.#opts.seeds, this.#opts.seedLookup, (seed, err) => {
      log.rateLimited(`seed-lookup:${seed.input}`, LOG_PERIOD_MS, 'seed lookup failed', { seed: seed.input, err })
    })
    const own = new Set(this.addrs().map(transportPart))
    const targets = addrs.filter((a) => !own.has(transportPart(a)) && !this.#selfAddrs.has(transportPart(a)))
    const results = await Promise.allSettled(targets.map((a) => this.#dialSeed(a)))
    const reached = new Set<string>()
    const errors: string[] = []
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        if (r.value !== null) reached.add(r.value)
      } else {
        errors.push(`${targets[i] ?? '?'}: ${errMessage(r.reason)}`)
      }
    })
    if (errors.length > 0 && !this.#stopped) {
      log.rateLimited('seed-dial', LOG_PERIOD_MS, 'seed dial failed', { failed: errors, reached: reached.size })
    }
    // Every seed address resolved to this node: a fleet of one behind a headless service.
    this.#seedsAllSelf = addrs.length > 0 && errors.length === 0 && reached.size === 0
    log.debug('seeds dialled', { targets: targets.length, reached: [...reached] })
    return [...reached]
  }

  /** Dial one resolved seed address; the peer id reached, or null if it is this node. */
  async #dialSeed(addr: string): Promise<string | null> {
    const key = transportPart(addr)
    const ma = multiaddr(addr)
    const known = ma.getPeerId() ?? this.#seedPeers.get(key)
    if (known === this.peerId) return null
    if (known !== undefined && this.#isConnected(known)) return known
    const signal = AbortSignal.any([AbortSignal.timeout(this.#opts.dialTimeoutMs), this.#stop.signal])
    try {
      const conn = await this.#node.dial(ma, { signal })
      const id = conn.remotePeer.toString()
      if (this.#seedPeers.size >= MAX_SEED_PEERS) this.#seedPeers.clear()
      this.#seedPeers.set(key, id)
      return id
    } catch (err) {
      // A name that resolves to every instance (headless service) includes this one.
      if (/dial self/i.test(errMessage(err))) {
        this.#selfAddrs.add(key)
        return null
      }
      throw err
    }
  }

  #onMdnsPeer(peer: MdnsPeer): void {
    const id = peer.id.toString()
    if (this.#stopped || id === this.peerId || this.#mdnsDials.has(id) || this.#isConnected(id)) return
    this.#mdnsDials.add(id)
    const signal = AbortSignal.any([AbortSignal.timeout(this.#opts.dialTimeoutMs), this.#stop.signal])
    const dial = async (): Promise<void> => {
      await this.#node.peerStore.merge(peer.id, { multiaddrs: peer.multiaddrs.map((ma) => (ma.getPeerId() === null ? ma : ma.decapsulateCode(P2P_CODE))) })
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
    let peer: PeerId
    try {
      peer = peerIdFromString(peerId)
    } catch (err) {
      throw new P2PError('P2P_BAD_PEER_ID', `${JSON.stringify(peerId)} is not a libp2p peer id`, { cause: err })
    }
    if (peer.equals(this.#node.peerId)) throw new P2PError('P2P_SELF', 'a message cannot be sent to this node itself')
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
