/**
 * The mesh's only door to libp2p: the `P2PHost` contract and its options.
 * Everything above speaks to peers through this narrow interface (peer ids and
 * multiaddrs as strings, payloads as bytes), so moving to libp2p 3 /
 * `@libp2p/gossipsub` changes the `p2p/` folder only.
 *
 * This file holds types only and imports no implementation: `Libp2pHost`
 * (libp2p), `LocalHost` (local mode) and the in-memory test host implement
 * it; `createP2PHost` (the libp2p factory) is in `p2p/index.ts`.
 */
import type { Channel, DirectChannel, Disposer } from '@breaker-mesh/core'
import type { SeedLookup } from './seeds.js'

export interface P2PHostOptions {
  /** Fleet name: picks the gossipsub topic and the mDNS service tag. [A-Za-z0-9._-]{1,64} (core's `FLEET_NAME`). */
  fleet: string
  /** Listen address; host must be an IP literal (or `localhost`), port 0 = any free port. */
  listen: { host: string; port: number }
  /** Seeds to join through: host:port or multiaddr, with or without /p2p/ (see seeds.ts). */
  seeds: string[]
  /** Find and dial nodes of the same fleet on the LAN by multicast DNS. */
  mdns: boolean
  /** Largest message in bytes on every channel; default 640 KiB (`WIRE_LIMITS.maxMessageBytes`). All nodes must agree. */
  maxMessageBytes?: number
  /** ms before a `send` gives up (dial + negotiate + write); default 2000. */
  sendTimeoutMs?: number
  /** ms a seed or mDNS dial may take; default 5000. */
  dialTimeoutMs?: number
  /** ms `onPeerConnected` waits for the peer's listen addrs (identify); default 1000. */
  identifyWaitMs?: number
  /** ms between mDNS queries; default 5000. */
  mdnsIntervalMs?: number
  /** ms a frame may take from its first byte to its last; default 10000. */
  partialFrameTimeoutMs?: number
  /** Bytes of unfinished frames one peer may have buffered; default 2 × maxMessageBytes. */
  peerBufferBytes?: number
  /** Bytes of unfinished frames all peers may have buffered; default max(32 MiB, 4 × maxMessageBytes). */
  totalBufferBytes?: number
  /** ms of message handling per event-loop turn before yielding; default 5. */
  turnBudgetMs?: number
  /** Frames waiting per peer before backpressure (streams) or drops (gossip); default 512. */
  inboxFrames?: number
  /** DNS resolver for seed names; default the system resolver. For tests and custom DNS. */
  seedLookup?: SeedLookup
  /**
   * The fleet key, 32 bytes (see `parseFleetKey`). With a key every connection
   * runs libp2p's private-network protector: a peer without this exact key
   * gets no connection, and the attempt is counted in `refusals()`. Without
   * one, any libp2p peer that reaches the port can connect.
   */
  fleetKey?: Uint8Array
}

/**
 * Why a connection was refused, for metrics: `fleet-key` (the handshake
 * failed: no fleet key or another one), `foreign-fleet` (a breaker-mesh node
 * of another fleet: it holds the key but speaks another fleet's protocols).
 */
export type Refusal = 'fleet-key' | 'foreign-fleet'

/** Stops a subscription: core's `Disposer` (callable, and `dispose()`). */
export type Unsubscribe = Disposer

/** Receives every message: direct frames with the sending peer, gossip with the neighbour that forwarded it. */
export type MessageHandler = (from: string, channel: Channel, bytes: Uint8Array) => void

export interface P2PHost {
  /** This node's libp2p peer id (base58, `12D3KooW…`). */
  readonly peerId: string
  /** Listen multiaddrs incl. /p2p/<id>; a 0.0.0.0 / :: listener is expanded to the real interface addrs. */
  addrs(): string[]
  /** Close every connection and stop listening. Idempotent; later calls reject with P2P_STOPPED. */
  stop(): Promise<void>
  /**
   * One message to one peer on /breaker-mesh/<fleet>/swim/1.0.0 or /breaker-mesh/<fleet>/sync/1.0.0,
   * as one length-prefixed frame on a long-lived stream. Dials if needed;
   * `addrs` (known multiaddrs of the peer) are added to the peer store first.
   * Rejects with a P2PError on failure, after `sendTimeoutMs` at the latest.
   */
  send(to: string, channel: DirectChannel, bytes: Uint8Array, addrs?: readonly string[]): Promise<void>
  /** Publish on the gossipsub topic `/breaker-mesh/<fleet>/records/1`. Never throws on "no peers". */
  publish(bytes: Uint8Array): Promise<void>
  /** Every received message: direct frames with the sending peer, gossip with its forwarder. */
  onMessage(handler: MessageHandler): Unsubscribe
  /**
   * A peer became connected (mDNS discovery, seed dial, send, or inbound): once
   * per peer per connection-up, with its listen multiaddrs (incl. /p2p/<id>)
   * when identify told them in time. Use it to start a push-pull sync.
   */
  onPeerConnected(handler: (peerId: string, addrs: string[]) => void): Unsubscribe
  /** The last connection to a peer announced by onPeerConnected closed. */
  onPeerDisconnected(handler: (peerId: string) => void): Unsubscribe
  /**
   * Dial every seed once now (looking DNS names up again); resolves with the
   * peer ids reached. Never rejects. The host dials its seeds once when it
   * starts; re-dialling later is the caller's decision (the mesh's
   * `SeedRedialer`), so there is one re-dial loop.
   */
  dialSeeds(): Promise<string[]>
  /** Close every connection to a peer. */
  hangUp(peerId: string): Promise<void>
  /** Peers with an open connection now. */
  connectedPeers(): string[]
  /**
   * Peers this node forwards the records topic's messages to (its gossipsub
   * mesh). A peer outside it gets a relayed message only by IHAVE gossip at a
   * heartbeat, or by membership piggyback and push-pull.
   */
  gossipMeshPeers(): string[]
  /** True if the last seed round found only this node at every seed address (it is alone by configuration). */
  seedsAllSelf(): boolean
  /** Connections refused so far, by reason (monotonic counters). */
  refusals(): Readonly<Record<Refusal, number>>
  /**
   * Inbound frames or streams dropped before decoding, by reason:
   * `frame-too-large`, `frame-budget`, `frame-stalled`, `inbox-full`.
   */
  dropped(): Readonly<Record<string, number>>
  /** Bytes of unfinished inbound frames held now, and the most held at once so far. */
  bufferedBytes(): { now: number; highWater: number }
}
