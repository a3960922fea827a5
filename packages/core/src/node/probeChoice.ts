import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { NodeId } from '../types.js'

/**
 * Who may claim the fleet-wide half-open probe of a breaker, decided from one
 * node's view alone (pure; see docs/ARCHITECTURE.md, "Consistency": half-open is fleet-wide).
 *
 * The candidates are the alive members ranked by rendezvous hashing of
 * (breaker, member id), so every node with the same view picks the same one.
 * Each candidate gets a slot of `claimTimeoutMs`; if nobody claimed by the end
 * of a slot (the chosen node died, or never calls this dependency), the next
 * candidate's slot begins. A half-open claim whose prober is no longer alive,
 * or that is older than `claimTimeoutMs`, is stale: the ranking restarts
 * without that prober.
 *
 * @param record        the merged record (state 'open' or 'half-open')
 * @param learnedAt     when this node learned this version, on its monotonic clock
 * @param ranked        alive member ids, best first (`rankProbers`)
 * @param isAlive       liveness in this node's view
 * @returns the id entitled to claim now, or undefined (nobody yet: still cooling down)
 */
export function entitledProber(
  record: BreakerRecord,
  learnedAt: number,
  now: number,
  ranked: readonly NodeId[],
  isAlive: (id: NodeId) => boolean,
  claimTimeoutMs: number,
): NodeId | undefined {
  if (record.override !== null || record.state === 'closed') return undefined
  let start: number
  let candidates: readonly NodeId[] = ranked
  if (record.state === 'open') {
    start = learnedAt + record.cooldownMs
  } else {
    // half-open: the claim stands while its prober is alive and the claim is fresh.
    const prober = record.prober
    const proberAlive = prober !== null && isAlive(prober)
    start = proberAlive ? learnedAt + claimTimeoutMs : learnedAt
    candidates = ranked.filter((id) => id !== prober)
  }
  if (now < start || candidates.length === 0) return undefined
  const slot = Math.floor((now - start) / claimTimeoutMs)
  return candidates[slot % candidates.length]
}
