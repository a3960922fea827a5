import { compareStamps } from './compareVersions.js'
import type { NodeId } from '../types.js'

/** The version of a record this node collected or evicted, and when. */
export interface Tombstone {
  readonly lamport: number
  readonly origin: NodeId
  /** Monotonic ms when the record was dropped. */
  readonly at: number
}

/**
 * What a table remembers of the records it dropped (collected after their
 * TTL, or evicted to make room): the dropped version per name. A version no
 * newer than it is not taken back, so a stale copy still in flight (an older
 * `open` version, say) cannot resurrect a breaker, and peers that still hold
 * the dropped version do not resend it (tombstones are listed in the digest).
 * A newer version replaces the tombstone as usual.
 *
 * Bounded: at most `capacity` names (the oldest are forgotten first) and, via
 * `expire`, none older than the caller's retention.
 */
export class Tombstones {
  private readonly byName = new Map<string, Tombstone>()

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.byName.size
  }

  get(name: string): Tombstone | undefined {
    return this.byName.get(name)
  }

  /** Remember that the version `(lamport, origin)` of `name` was dropped at `at`. */
  add(name: string, lamport: number, origin: NodeId, at: number): void {
    this.byName.delete(name)
    this.byName.set(name, { lamport, origin, at })
    while (this.byName.size > this.capacity) {
      const oldest = this.byName.keys().next().value as string
      this.byName.delete(oldest)
    }
  }

  /** Whether the version `(lamport, origin)` of `name` is no newer than the one dropped. */
  covers(name: string, lamport: number, origin: NodeId): boolean {
    const t = this.byName.get(name)
    return t !== undefined && compareStamps(lamport, origin, t.lamport, t.origin) <= 0
  }

  delete(name: string): void {
    this.byName.delete(name)
  }

  /** Forget tombstones dropped at least `maxAgeMs` before `now`; returns how many. */
  expire(now: number, maxAgeMs: number): number {
    let removed = 0
    for (const [name, t] of this.byName) {
      if (now - t.at < maxAgeMs) break // insertion order is drop order
      this.byName.delete(name)
      removed++
    }
    return removed
  }

  entries(): IterableIterator<[string, Tombstone]> {
    return this.byName.entries()
  }
}
