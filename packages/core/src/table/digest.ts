import { compareStamps } from './compareVersions.js'
import type { NodeId } from '../types.js'

/**
 * One record's version as a push-pull digest lists it: `[name, lamport, origin]`
 * (of a record held, or of one dropped and remembered by a tombstone).
 */
export type DigestEntry = readonly [name: string, lamport: number, origin: NodeId]

/** The newest `(lamport, origin)` per name in a digest (a malformed one may repeat names). */
export function latestByName(digest: readonly DigestEntry[]): Map<string, DigestEntry> {
  const out = new Map<string, DigestEntry>()
  for (const entry of digest) {
    const seen = out.get(entry[0])
    if (!seen || compareStamps(entry[1], entry[2], seen[1], seen[2]) > 0) out.set(entry[0], entry)
  }
  return out
}
