/**
 * The `p2p/` package: the libp2p host behind the `P2PHost` contract
 * (`P2PHost.ts`, types only), its options, seeds and wire names. The mesh
 * imports this module on demand (local mode never loads libp2p).
 */
import '../polyfill.js'
import { resolveP2PHostOptions } from './hostOptions.js'
import { Libp2pHost } from './Libp2pHost.js'
import type { P2PHost, P2PHostOptions } from './P2PHost.js'

/**
 * Create, start and listen. When this resolves the host listens, is
 * subscribed to the fleet's topic, and has started dialling its seeds once
 * (the returned host's `dialSeeds()` joins that dial). Rejects with a
 * RangeError on bad options (naming the field) and with libp2p's error if it
 * cannot listen.
 */
export async function createP2PHost(options: P2PHostOptions): Promise<P2PHost> {
  return Libp2pHost.create(resolveP2PHostOptions(options))
}

export type { MessageHandler, P2PHost, P2PHostOptions, Refusal, Unsubscribe } from './P2PHost.js'
export { P2PError } from './P2PError.js'
export type { P2PErrorCode } from './P2PError.js'
export { isPeerId } from './isPeerId.js'
export { parseSeed, resolveSeeds, systemSeedLookup } from './seeds.js'
export type { Seed, SeedKind, SeedLookup, SeedAddress } from './seeds.js'
export { defaultP2PHostOptions } from './hostOptions.js'
export { PROTOCOLS, PROTOCOL_PREFIX, protocolIds, recordsTopic, mdnsServiceTag } from './protocols.js'
