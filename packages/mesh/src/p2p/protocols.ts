/**
 * Wire names of the mesh on libp2p: the two request protocols and the
 * gossipsub topic and mDNS service tag of a fleet. Changing any of these
 * splits a fleet running mixed versions, so bump the version suffix instead.
 */
import { createHash } from 'node:crypto'

/** The direct (one frame per stream) channels; gossip is the third channel. */
export type Protocol = 'swim' | 'sync'

export const PROTOCOL_IDS: Readonly<Record<Protocol, string>> = {
  swim: '/breaker-mesh/swim/1.0.0',
  sync: '/breaker-mesh/sync/1.0.0',
}

/** The gossipsub topic carrying breaker records of `fleet`. */
export function recordsTopic(fleet: string): string {
  return `/breaker-mesh/${fleet}/records/1`
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
