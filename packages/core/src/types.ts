/**
 * The small shared vocabulary of the core: ids, states and channels that the
 * table, membership, wire and node layers all speak. It imports nothing, so
 * any layer can import it without forming a cycle.
 */

/** A node's id: its libp2p peer id string (any non-empty string in tests). */
export type NodeId = string

/** A breaker's state. */
export type BreakerState = 'closed' | 'open' | 'half-open'

/** An operator override in force, fleet-wide; `null` for none. */
export type Override = 'forced-open' | 'forced-closed' | null

/** A member's status in one node's view. */
export type MemberStatus = 'alive' | 'suspect' | 'dead' | 'left'

/** The point-to-point channels (one libp2p protocol each) a node sends on. */
export type DirectChannel = 'swim' | 'sync'

/** Every channel a message can arrive on: the two direct ones and the gossip topic. */
export type Channel = DirectChannel | 'gossip'

/** One node's opinion of a breaker's dependency, by its own trip rules. */
export type Verdict = 'healthy' | 'failing'

/**
 * How the fleet decides to open a breaker (the breaker option `decision`):
 * `any` node's trip opens it; a `quorum` of the fresh opinions; the trip
 * rules over the `aggregate` of the fresh windows.
 */
export type Decision = 'any' | 'quorum' | 'aggregate'
