/**
 * Multiaddrs of one peer for its peer-store entry: libp2p keeps a peer's
 * addresses without the trailing `/p2p/<id>`. Addresses come from gossip
 * (other members' reports) and mDNS, so each is checked: a malformed one or
 * one naming another peer is skipped.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Multicodec of the /p2p/<id> multiaddr component. */
const P2P_CODE = 421

/** `ma` without its `/p2p/<id>` part. */
export function withoutPeerId(ma: Multiaddr): Multiaddr {
  return ma.getPeerId() === null ? ma : ma.decapsulateCode(P2P_CODE)
}

/** The addresses among `addrs` that can be `peerId`'s, without `/p2p/<id>`. */
export function peerAddrs(peerId: string, addrs: readonly string[]): Multiaddr[] {
  const out: Multiaddr[] = []
  for (const addr of addrs) {
    try {
      const ma = multiaddr(addr)
      const addrPeer = ma.getPeerId()
      if (addrPeer !== null && addrPeer !== peerId) continue
      out.push(withoutPeerId(ma))
    } catch {
      // A malformed addr from a peer's gossip is skipped; the others may work.
    }
  }
  return out
}
