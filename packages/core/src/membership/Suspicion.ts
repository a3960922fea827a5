import { remainingSuspicionTime, suspicionTimeout } from './timeouts.js'
import type { NodeId } from '../types.js'

/**
 * Confirmations that bring a suspicion down to its minimum timeout:
 * `suspicionMult − 2` (memberlist's choice), none in a fleet too small to
 * produce them (n − 2 < that number).
 */
export function expectedConfirmations(suspicionMult: number, n: number): number {
  const k = Math.max(0, Math.floor(suspicionMult) - 2)
  return n - 2 < k ? 0 : k
}

export interface SuspicionInit {
  readonly incarnation: number
  /** Who raised it: ourselves after a failed probe, or the sender of the suspect update. Not a confirmation. */
  readonly accuser: NodeId
  readonly startedAt: number
  readonly suspicionMult: number
  readonly suspicionMinFraction: number
  readonly probeIntervalMs: number
  /** Live member count when the suspicion starts. */
  readonly n: number
}

/**
 * One running suspicion of one member at one incarnation. The update type
 * carries no accuser, so an independent confirmation is a suspect update about
 * the same incarnation from a sender not heard before (or our own failed probe).
 */
export class Suspicion {
  readonly incarnation: number
  readonly startedAt: number
  private readonly expected: number
  private readonly minMs: number
  private readonly maxMs: number
  private readonly heard = new Set<NodeId>()

  constructor(init: SuspicionInit) {
    this.incarnation = init.incarnation
    this.startedAt = init.startedAt
    this.expected = expectedConfirmations(init.suspicionMult, init.n)
    this.maxMs = suspicionTimeout(init.suspicionMult, init.n, init.probeIntervalMs)
    this.minMs = this.maxMs * init.suspicionMinFraction
    this.heard.add(init.accuser)
  }

  /** Independent confirmations so far (the accuser excluded). */
  get confirmations(): number {
    return this.heard.size - 1
  }

  /** Count `from` as a confirmation; returns true if it was a new one. */
  confirm(from: NodeId): boolean {
    if (this.heard.has(from)) return false
    this.heard.add(from)
    return true
  }

  /**
   * When to ping the suspect once more ourselves, ms: half the minimum
   * timeout in, once the gossip of the suspicion and of any refutation has had
   * time to run its course, and early enough for an answer to beat the deadline.
   */
  get recheckAt(): number {
    return this.startedAt + this.minMs / 2
  }

  /** Whether the recheck ping went out. */
  rechecked = false

  /** When the member is declared dead unless it refutes first, ms. */
  deadline(): number {
    return this.startedAt + remainingSuspicionTime(this.confirmations, this.expected, 0, this.minMs, this.maxMs)
  }
}
