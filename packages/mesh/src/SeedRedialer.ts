/**
 * The one seed re-dial loop of a node (Serf-style reconnect, seed half). The
 * host dials its seeds once when it starts and `createMesh` joins that dial;
 * after that only this loop dials them again, whenever the node may be cut
 * off from (part of) its fleet:
 *
 * - **isolated**: no connection at all (the seeds were down when the node
 *   started, or every link dropped): at most every `isolatedMs`;
 * - **membership gap**: a member this node once heard from is dead (a
 *   partition may have healed), or no other member is alive or suspect: at
 *   most every `membershipMs` (SWIM's `reconnectIntervalMs`).
 *
 * Each round looks DNS names up afresh (a headless service lists the
 * instances alive now); a new connection starts a push-pull sync. Dead
 * members themselves are retried by the fleet node, not here. A round that
 * finds only this node at every seed address tells `aloneBySeeds` (the first
 * pod behind a headless service is ready on its own).
 */
import type { Member } from '@breaker-mesh/core'
import type { Logger } from './log.js'
import type { P2PHost } from './p2p/P2PHost.js'

/**
 * ms between re-dials while the node has no connection at all [5000]. Lower:
 * a node that started before its seeds joins sooner; higher: fewer dials
 * (and DNS lookups) against seeds that are down.
 */
export const ISOLATED_REDIAL_MS = 5000

export interface SeedRedialerOptions {
  /** ms between re-dials while no connection is open. */
  isolatedMs: number
  /** ms between re-dials while membership shows a gap. */
  membershipMs: number
  /** True while membership shows a gap (see `hasMembershipGap`). */
  membershipGap(): boolean
  /** A round reached nobody and every seed address was this node. */
  aloneBySeeds(): void
  log: Logger
  /** Monotonic ms; default `performance.now`. */
  now?: () => number
}

/**
 * True if a member this node has heard from itself is dead, or no member but
 * this node is alive or suspect. A dead member only heard of second-hand is
 * no reason to dial.
 */
export function hasMembershipGap(members: readonly Member[], self: string, isConfirmed: (id: string) => boolean): boolean {
  const someoneDead = members.some((m) => m.status === 'dead' && isConfirmed(m.id))
  const alone = !members.some((m) => m.id !== self && (m.status === 'alive' || m.status === 'suspect'))
  return someoneDead || alone
}

export class SeedRedialer {
  readonly #host: Pick<P2PHost, 'dialSeeds' | 'connectedPeers' | 'seedsAllSelf'>
  readonly #opts: SeedRedialerOptions
  readonly #now: () => number
  readonly #timer: NodeJS.Timeout
  /** Half a timer period: a tick that comes a little early still counts as on time. */
  readonly #slack: number
  /** When this loop last started a round (or was created: the host's own start-up round). */
  #last: number

  constructor(host: Pick<P2PHost, 'dialSeeds' | 'connectedPeers' | 'seedsAllSelf'>, options: SeedRedialerOptions) {
    this.#host = host
    this.#opts = options
    this.#now = options.now ?? (() => performance.now())
    this.#last = this.#now()
    const period = Math.min(options.isolatedMs, options.membershipMs)
    this.#slack = period / 2
    this.#timer = setInterval(() => this.check(), period)
    this.#timer.unref()
  }

  /** Re-dial now if a condition holds and its interval has passed since the last round. Called by the timer. */
  check(): void {
    const since = this.#now() - this.#last + this.#slack
    const isolated = since >= this.#opts.isolatedMs && this.#host.connectedPeers().length === 0
    if (!isolated && !(since >= this.#opts.membershipMs && this.#opts.membershipGap())) return
    this.#last = this.#now()
    void this.dialNow()
  }

  /** One seed round now (joining one in flight); the peer ids reached. Never rejects. */
  async dialNow(): Promise<string[]> {
    try {
      const reached = await this.#host.dialSeeds()
      if (reached.length === 0 && this.#host.seedsAllSelf()) this.#opts.aloneBySeeds()
      return reached
    } catch (err) {
      this.#opts.log.debug('seed dial failed', { err: String(err) })
      return []
    }
  }

  stop(): void {
    clearInterval(this.#timer)
  }
}
