import type { MemberStatus, NodeId } from '../types.js'

/** A member of the fleet as one node sees it. */
export interface Member {
  readonly id: NodeId
  readonly name: string
  /** Where to reach it: multiaddr strings in the libp2p runtime, anything in tests. */
  readonly addrs: readonly string[]
  readonly incarnation: number
  readonly status: MemberStatus
}
