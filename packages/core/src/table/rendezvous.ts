import { StringHash } from './StringHash.js'

/**
 * Rendezvous (highest-random-weight) hashing of (breaker, member id): every
 * node that sees the same members picks the same prober for a breaker, with no
 * coordination, and breakers spread evenly over members. Removing a member
 * moves only the breakers it was first choice for (each to its next choice);
 * adding one takes breakers only from others, about 1/N of them.
 */

/** All distinct ids, best prober first. Deterministic and independent of input order. */
export function rankProbers(breaker: string, memberIds: Iterable<string>): string[] {
  const prefix = new StringHash().update(breaker)
  const scores = new Map<string, number>()
  for (const id of memberIds) {
    if (!scores.has(id)) scores.set(id, prefix.copy().update(id).value())
  }
  return [...scores].sort(byScoreThenId).map(([id]) => id)
}

/** The best prober for `breaker` among `memberIds`, or `undefined` when there is none. */
export function chooseProber(breaker: string, memberIds: Iterable<string>): string | undefined {
  const prefix = new StringHash().update(breaker)
  let best: [string, number] | undefined
  for (const id of memberIds) {
    const entry: [string, number] = [id, prefix.copy().update(id).value()]
    if (!best || byScoreThenId(entry, best) < 0) best = entry
  }
  return best?.[0]
}

function byScoreThenId(x: readonly [string, number], y: readonly [string, number]): number {
  if (x[1] !== y[1]) return y[1] - x[1]
  return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0
}
