/**
 * The host of a mesh in local mode (`createMesh({ network: false })`): the
 * `P2PHost` interface with no network behind it. Nothing listens, nothing is
 * sent, no peer ever connects; the breakers, overrides and events work as in a
 * fleet of one. Imports no libp2p (only the `P2PHost` type).
 */
import { randomBytes } from 'node:crypto'
import { noopDisposer } from '@breaker-mesh/core'
import type { P2PHost, Refusal, Unsubscribe } from './p2p/P2PHost.js'

const none: Unsubscribe = noopDisposer

export class LocalHost implements P2PHost {
  /** `local-` and 16 random hex digits: unique per mesh, never mistaken for a libp2p peer id. */
  readonly peerId = `local-${randomBytes(8).toString('hex')}`

  addrs(): string[] {
    return []
  }

  async stop(): Promise<void> {}

  async send(): Promise<void> {}

  async publish(): Promise<void> {}

  onMessage(): Unsubscribe {
    return none
  }

  onPeerConnected(): Unsubscribe {
    return none
  }

  onPeerDisconnected(): Unsubscribe {
    return none
  }

  async dialSeeds(): Promise<string[]> {
    return []
  }

  async hangUp(): Promise<void> {}

  connectedPeers(): string[] {
    return []
  }

  gossipMeshPeers(): string[] {
    return []
  }

  seedsAllSelf(): boolean {
    return false
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
}
