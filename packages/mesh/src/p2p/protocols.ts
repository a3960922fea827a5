/**
 * Wire names of the mesh on libp2p: the two request protocols, the gossipsub
 * topic and the mDNS service tag, each bound to the fleet's name, so that two
 * fleets that share a fleet key (or none) still never exchange a message:
 * a node of another fleet asks for protocols this node does not serve.
 * Changing any of these splits a fleet running mixed versions, so bump the
 * version suffix instead.
 */
import { createHash } from 'node:crypto'
import type { DirectChannel } from '@breaker-mesh/core'

/** The direct channels, one libp2p protocol each; gossip (the gossipsub topic) is the third channel. */
export const PROTOCOLS: readonly DirectChannel[] = ['swim', 'sync']

/**
 * Concurrent streams per connection per protocol, each way (libp2p defaults:
 * 32 in, 64 out). A sender keeps one long-lived stream per peer and protocol
 * and replaces it when it breaks, so a few cover overlap with a dying one;
 * every extra stream is a Yamux window a peer could fill.
 */
export const MAX_STREAMS_PER_PROTOCOL = 16

/** Every breaker-mesh protocol id starts with this; a peer serving one is a breaker-mesh node. */
export const PROTOCOL_PREFIX = '/breaker-mesh/'

/** The libp2p protocol ids of `fleet`: `/breaker-mesh/<fleet>/swim/1.0.0` and `/breaker-mesh/<fleet>/sync/1.0.0`. */
export function protocolIds(fleet: string): Readonly<Record<DirectChannel, string>> {
  return {
    swim: `${PROTOCOL_PREFIX}${fleet}/swim/1.0.0`,
    sync: `${PROTOCOL_PREFIX}${fleet}/sync/1.0.0`,
  }
}

/** The gossipsub topic carrying breaker records of `fleet`. */
export function recordsTopic(fleet: string): string {
  return `${PROTOCOL_PREFIX}${fleet}/records/1`
}

/**
 * The mDNS service name of `fleet`, so nodes answer only queries of their own
 * fleet and never dial another fleet's nodes on a shared LAN. A DNS label
 * holds at most 63 bytes and no dots, so long or dotted fleet names use a
 * hash (collisions only cost a useless dial: gossip topics still differ).
 */
export function mdnsServiceTag(fleet: string): string {
  const label = /^[A-Za-z0-9-]{1,48}$/.test(fleet)
    ? fleet.toLowerCase()
    : createHash('sha256').update(fleet).digest('hex').slice(0, 32)
  return `_breaker-mesh-${label}._udp.local`
}
