import { GoneMembers } from '../clock/GoneMembers.js'
import type { Member } from '../membership/Member.js'
import { isLive } from '../membership/MemberTable.js'
import type { Swim } from '../membership/Swim.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { BreakerTable } from '../table/BreakerTable.js'
import type { ResolvedFleetOptions } from './FleetOptions.js'
import type { BreakerEntry } from './ProbeClaims.js'
import { RecordLifetime } from './RecordLifetime.js'

/** What housekeeping reads from its node. */
export interface HousekeepingHost {
  readonly table: BreakerTable
  readonly swim: Swim
  /** The node's per-breaker entries (when each version was learned, the local handle). */
  readonly entries: ReadonlyMap<string, BreakerEntry>
  /** Whether a version of `name` waits to be gossiped. */
  isUnsent(name: string): boolean
  /** Count one record collected (`FleetCounters.recordsCollected`). */
  collected(): void
}

/**
 * What keeps a node's state bounded under churn, on timers: vector-clock
 * entries of members gone for `vclockTtlMs` (and of ids that are not members)
 * are pruned every minute at most, and records unused here for `recordTtlMs`
 * are collected (see `RecordLifetime`), with their tombstones expiring a TTL later.
 */
export class Housekeeping {
  private readonly gone = new GoneMembers()
  private readonly lifetime: RecordLifetime
  private readonly vclockTtlMs: number
  private nextPruneAt: number
  private nextCollectAt: number

  constructor(
    now: number,
    options: ResolvedFleetOptions,
    private readonly host: HousekeepingHost,
  ) {
    this.vclockTtlMs = options.vclockTtlMs
    this.lifetime = new RecordLifetime(options.recordTtlMs, {
      learnedAt: (name) => host.entries.get(name)?.learnedAt,
      lastUsedAt: (name) => host.entries.get(name)?.breaker?.lastUsedAt,
      isPending: (name) => host.isUnsent(name),
    })
    this.nextPruneAt = now + Math.min(60_000, this.vclockTtlMs)
    this.nextCollectAt = now + this.lifetime.sweepEveryMs
  }

  /** Gone members whose vector-clock entries are still kept. */
  get goneTracked(): number {
    return this.gone.size
  }

  /** A record the table may evict to make room (see `BreakerTableOptions.canEvict`). */
  canEvict(record: BreakerRecord, now: number): boolean {
    return this.lifetime.canEvict(record, now)
  }

  /** A member changed status: note when it went (dead, left) or that it is back. */
  memberChanged(member: Member, now: number): void {
    if (member.status === 'dead' || member.status === 'left') this.gone.markGone(member.id, now)
    else this.gone.markBack(member.id)
  }

  /** Prune and collect when due. */
  tick(now: number): void {
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + Math.min(60_000, this.vclockTtlMs)
      this.pruneVClocks(now)
    }
    if (now >= this.nextCollectAt) {
      this.nextCollectAt = now + this.lifetime.sweepEveryMs
      this.collect(now)
    }
  }

  /**
   * Drop vector-clock entries of ids that are no longer worth tracking: gone
   * (dead or left) for `vclockTtlMs`, or not members at all. The gone ids
   * pruned are then forgotten, so neither the records nor `GoneMembers` grow
   * with churn.
   */
  private pruneVClocks(now: number): void {
    const ttl = this.vclockTtlMs
    const expired = this.gone.expired(now, ttl)
    this.host.table.pruneVClocks((id) => {
      if (expired.has(id)) return false
      if (this.gone.has(id)) return true
      const status = this.host.swim.member(id)?.status
      return status !== undefined && isLive(status)
    })
    this.gone.forget(now, ttl)
  }

  /** Collect the records unused here for the record TTL (see `RecordLifetime`), and expire old tombstones. */
  private collect(now: number): void {
    const { table } = this.host
    for (const name of this.lifetime.sweep(table.records(), now)) {
      table.remove(name, now)
      this.host.collected()
    }
    table.expireTombstones(now, this.lifetime.ttlMs)
  }
}
