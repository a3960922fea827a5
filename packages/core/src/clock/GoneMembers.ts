/**
 * Members that are gone (dead or left), with the monotonic time they went.
 * Vector-clock entries of members gone longer than a TTL can be pruned: the
 * caller asks for `expired(now, ttlMs)` and passes
 * `keep = id => !expired.has(id)` to `BreakerTable.pruneVClocks`.
 *
 * The TTL trades record size against false conflicts: an entry pruned while a
 * version still carrying it is in flight comes back on merge (harmless; the
 * next prune removes it again) and can make that one merge look concurrent.
 * Choose a TTL well above the time gossip and push-pull need to reach every
 * member (several push-pull intervals).
 */
export class GoneMembers {
  private readonly since = new Map<string, number>()

  /** Number of ids currently known as gone. */
  get size(): number {
    return this.since.size
  }

  /**
   * Record that `id` is gone at monotonic time `now` (ms). Marking an id that
   * is already gone keeps the earlier time, so repeated death notices do not
   * postpone its expiry.
   */
  markGone(id: string, now: number): void {
    if (!Number.isFinite(now)) throw new RangeError(`GoneMembers.markGone: now must be a finite number, got ${String(now)}`)
    if (!this.since.has(id)) this.since.set(id, now)
  }

  /** `id` is alive again (it came back with a higher incarnation): never prune it. */
  markBack(id: string): void {
    this.since.delete(id)
  }

  /** Whether `id` is currently marked gone. */
  has(id: string): boolean {
    return this.since.has(id)
  }

  /** Ids gone for at least `ttlMs` at monotonic time `now`. */
  expired(now: number, ttlMs: number): Set<string> {
    validateMs('expired', 'ttlMs', ttlMs)
    const out = new Set<string>()
    for (const [id, at] of this.since) if (now - at >= ttlMs) out.add(id)
    return out
  }

  /**
   * Forget ids gone for at least `maxAgeMs` (bounds this object's memory under
   * churn), returning how many were forgotten. A forgotten id's entries are no
   * longer pruned, so `maxAgeMs` must exceed the TTL by the longest time a
   * stale version can still arrive (e.g. a partition's reconnect timeout).
   */
  forget(now: number, maxAgeMs: number): number {
    validateMs('forget', 'maxAgeMs', maxAgeMs)
    let removed = 0
    for (const [id, at] of this.since) {
      if (now - at >= maxAgeMs) {
        this.since.delete(id)
        removed++
      }
    }
    return removed
  }
}

function validateMs(method: string, field: string, ms: number): void {
  if (!(ms >= 0) || !Number.isFinite(ms)) {
    throw new RangeError(`GoneMembers.${method}: ${field} must be a finite number >= 0 (ms), got ${String(ms)}`)
  }
}
