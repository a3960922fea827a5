/**
 * The libp2p 2 node of a host, configured and not yet started: TCP, Noise,
 * Yamux, Identify, gossipsub, and mDNS when asked for, behind the fleet-key
 * protector when there is a key. `Libp2pHost` starts it and owns it.
 */
import { createLibp2p } from 'libp2p'
import type { Libp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import type { Identify } from '@libp2p/identify'
import { gossipsub } from '@chainsafe/libp2p-gossipsub'
import type { GossipSub } from '@chainsafe/libp2p-gossipsub'
import type { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { connectionSettings } from './connectionSettings.js'
import { fleetKeyProtector } from './fleetKeyProtector.js'
import { gossipsubSettings } from './gossipsubSettings.js'
import type { ResolvedP2PHostOptions } from './hostOptions.js'
import type { Refusal } from './P2PHost.js'
import { mdnsServiceTag } from './protocols.js'

/** The gossipsub service (its factory is typed as the generic PubSub interface). */
type PubSubService = GossipSub
export type Node = Libp2p<{ identify: Identify; pubsub: PubSubService }>
export type PeerId = ReturnType<typeof peerIdFromString>
export type Stream = Awaited<ReturnType<Node['dialProtocol']>>
/** A peer found by mDNS, with the multiaddrs it announced. */
export type MdnsPeer = { id: PeerId; multiaddrs: Multiaddr[] }

/** What the node reports to its host before the host exists (the callbacks are bound at create time). */
export interface Libp2pNodeHooks {
  /** A peer of this fleet's mDNS service was found. */
  mdnsPeer(peer: MdnsPeer): void
  /** The fleet-key protector refused a connection. */
  refused(reason: Refusal, who: string, detail: string): void
}

/** gossipsub's factory, typed as the class it builds (its own type says only `PubSub`). */
function gossipsubService(settings: Parameters<typeof gossipsub>[0]) {
  const factory = gossipsub(settings)
  return (components: Parameters<typeof factory>[0]): GossipSub => factory(components) as GossipSub
}

export async function createLibp2pNode(opts: ResolvedP2PHostOptions, hooks: Libp2pNodeHooks): Promise<Node> {
  // Loaded only when asked for: mDNS and its multicast stack cost ~15 MB of memory.
  const mdns = opts.mdns ? (await import('@libp2p/mdns')).mdns : undefined
  return createLibp2p({
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
      : { connectionProtector: fleetKeyProtector({ key: opts.fleetKey, onRefused: (reason, remote, detail) => hooks.refused(reason, remote, detail) }) }),
    connectionManager: connectionSettings(opts.dialTimeoutMs),
    peerDiscovery: mdns
      ? [
          (components) => {
            // mDNS raises `peer` on its own discovery object; libp2p re-raises every
            // new peer-store entry as `peer:discovery` (identify, sends, …). Listening
            // on the mDNS object itself sees exactly the mDNS finds.
            const discovery = mdns({ serviceTag: mdnsServiceTag(opts.fleet), interval: opts.mdnsIntervalMs })(components)
            discovery.addEventListener('peer', (evt) => hooks.mdnsPeer(evt.detail))
            return discovery
          },
        ]
      : [],
    services: {
      identify: identify(),
      pubsub: gossipsubService(gossipsubSettings(opts.maxMessageBytes)),
    },
  })
}
