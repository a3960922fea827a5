import type { MemberStatus } from '../types.js'

/** The part of a member that decides which of two views of it wins. */
export interface MemberVersion {
  readonly status: MemberStatus
  readonly incarnation: number
}

const RANK: Readonly<Record<MemberStatus, number>> = { alive: 0, suspect: 1, dead: 2, left: 3 }

/**
 * Whether the view `incoming` of a member replaces the view `current` (SWIM's
 * incarnation rules, as in memberlist):
 *
 * - alive(i) replaces anything at incarnation j < i (a suspect refutes, a dead
 *   member that comes back with a higher incarnation is alive again);
 * - suspect(i) replaces alive(j) for j ≤ i and suspect(j) for j < i;
 * - dead(i) replaces alive/suspect(j) for j ≤ i and dead/left(j) for j < i;
 * - left(i) replaces alive/suspect/dead(j) for j ≤ i and left(j) for j < i.
 *
 * Together: views are ordered by (incarnation, alive < suspect < dead < left)
 * and the greater one wins. A total order makes every replica converge on the
 * same view whatever order updates arrive in. Two choices beyond the SWIM
 * paper: at equal incarnation `left` beats `dead` (the member said goodbye,
 * which is more precise), and suspect(i) replaces dead(j < i) (a higher
 * incarnation proves the member came back after that death; memberlist ignores
 * it until an alive arrives).
 */
export function supersedes(incoming: MemberVersion, current: MemberVersion): boolean {
  if (incoming.incarnation !== current.incarnation) return incoming.incarnation > current.incarnation
  return RANK[incoming.status] > RANK[current.status]
}
