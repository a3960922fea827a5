import { LamportClock } from '../clock/LamportClock.js'
import { DEFAULT_LEAP_LIMITS } from '../clock/LeapBudget.js'
import type { LeapLimits } from '../clock/LeapBudget.js'
import { EMPTY_VCLOCK, incrementVClock, pruneVClock } from '../clock/VectorClock.js'
import { assertBreakerName } from './assertBreakerName.js'
import type { BreakerRecord, RecordPayload } from './BreakerRecord.js'
import { latestByName } from './digest.js'
import type { DigestEntry } from './digest.js'
import { validatePayload } from './validatePayload.js'
import { canonicalVersion, compareStamps } from './compareVersions.js'
import { mergeRecords } from './mergeRecords.js'
import { StringHash } from './StringHash.js'
import { TableFullError } from './TableFullError.js'
import { Tombstones } from './Tombstones.js'
import type { NodeId } from '../types.js'

/** Default `maxRecords`. */
export const DEFAULT_MAX_RECORDS = 10_000

export interface BreakerTableOptions {
  /** This node's id: the origin of its writes and its own vector-clock entry. */
  readonly self: NodeId
  /**
   * Most breaker names the table holds (default 10,000). A write or merge of a
   * new name beyond it is refused; existing names still update. Higher costs
   * memory (~0.5 KB a record) and larger full syncs; lower risks refusing real
   * breakers, and nodes that refuse different names hold different tables.
   */
  readonly maxRecords?: number
  /**
   * How far a remote Lamport timestamp may move this table's clock: at most
   * `maxLeap` ahead, paid from a budget refilled at `leapPerSecond` (see
   * `LeapBudget`). Default 2^40 and 2^16 a second.
   */
  readonly clockLimits?: LeapLimits
  /**
   * A record this node may drop to make room when the table is full and a new
   * name arrives (a local write or a merge). The table tries the least
   * recently changed records first. Default: none (new names are refused
   * when full). The fleet node allows records with no override that it does
   * not use itself: for this node such a record is the same as no record.
   */
  readonly canEvict?: (record: BreakerRecord) => boolean
  /** Called after a record was evicted to make room (or collected by `remove`). */
  readonly onDrop?: (record: BreakerRecord) => void
}

/** Why `merge` did not store a record. */
export type MergeRefusal =
  /** A new name, the table full and nothing evictable. */
  | 'table-full'
  /** Its Lamport timestamp is too far ahead of the local clock (or past the ceiling, or the leap budget). */
  | 'clock-leap'
  /** This node dropped this version or a newer one of the name (not a fault: an old copy). */
  | 'collected'

export interface MergeResult {
  /** The table's record for the name after the merge (`incoming` itself when rejected). */
  readonly record: BreakerRecord
  /** Whether the table's record changed (payload, version or vclock). */
  readonly changed: boolean
  /** Whether the incoming version was concurrent with the table's. */
  readonly concurrent: boolean
  /** The table's record before the merge. */
  readonly previous: BreakerRecord | undefined
  /** Set when the record was refused and not stored (its timestamp is then not observed either). */
  readonly rejected?: MergeRefusal
}

/**
 * One node's replica of the fleet's breaker records. Local writes stamp a new
 * version (Lamport timestamp, vector clock, origin); remote versions merge in
 * with `mergeRecords`, so every replica that has received the same versions,
 * in any order and with any duplicates, holds the same table.
 * Pure: no timers, no clocks; wall time is passed in and used for display only.
 */
export class BreakerTable {
  readonly self: NodeId
  readonly maxRecords: number
  /** In order of last change: eviction tries the front first. */
  private readonly byName = new Map<string, BreakerRecord>()
  private readonly concurrentNames = new Set<string>()
  private readonly clock: LamportClock
  private readonly tombstones: Tombstones
  private readonly canEvict: ((record: BreakerRecord) => boolean) | undefined
  private readonly onDrop: ((record: BreakerRecord) => void) | undefined
  private conflictCount = 0
  private rejectedCount = 0
  private leapCount = 0
  private evictedCount = 0
  /** Last monotonic time seen (tombstone times when the caller gives none). */
  private lastNow = 0
  /** After a scan found nothing evictable: no new scan before this time. */
  private evictRetryAt = -Infinity

  constructor(opts: BreakerTableOptions) {
    if (typeof opts.self !== 'string' || opts.self.length === 0) {
      throw new RangeError(`BreakerTable: self must be a non-empty node id, got ${JSON.stringify(opts.self)}`)
    }
    const maxRecords = opts.maxRecords ?? DEFAULT_MAX_RECORDS
    if (!Number.isSafeInteger(maxRecords) || maxRecords < 1) {
      throw new RangeError(`BreakerTable: maxRecords must be a positive integer, got ${String(maxRecords)}`)
    }
    this.self = opts.self
    this.maxRecords = maxRecords
    this.clock = new LamportClock(0, opts.clockLimits ?? DEFAULT_LEAP_LIMITS)
    this.tombstones = new Tombstones(maxRecords)
    this.canEvict = opts.canEvict
    this.onDrop = opts.onDrop
  }

  /** The local Lamport time: the largest timestamp written or seen. */
  get lamport(): number {
    return this.clock.value
  }

  /** Number of breaker names held. */
  get size(): number {
    return this.byName.size
  }

  /** Total merges that met a concurrent version. */
  get conflicts(): number {
    return this.conflictCount
  }

  /** Total remote records refused because the table was full. */
  get rejected(): number {
    return this.rejectedCount
  }

  /** Total remote records refused because their Lamport timestamp leapt too far (`clock-leap`). */
  get leapRefused(): number {
    return this.leapCount
  }

  /** Total records evicted to make room for a new name. */
  get evicted(): number {
    return this.evictedCount
  }

  /** Names whose dropped version is remembered (see `Tombstones`). */
  get tombstoneCount(): number {
    return this.tombstones.size
  }

  get(name: string): BreakerRecord | undefined {
    return this.byName.get(name)
  }

  /** The records, least recently changed first. */
  records(): IterableIterator<BreakerRecord> {
    return this.byName.values()
  }

  /**
   * Write a new local version of `name`: `lamport = max(local, current) + 1`,
   * `vclock = current.vclock` with this node's entry + 1, `origin = self`.
   * `wallTime` (ms since the epoch) is for display only.
   *
   * Throws `InvalidBreakerNameError` for a bad name, `TableFullError` for a new
   * name when the table is full and nothing can be evicted, `RangeError` for a
   * payload no peer would accept (or, in theory, a Lamport clock at 2^53 − 1).
   * `now` (monotonic ms) dates an eviction's tombstone.
   */
  write(name: string, payload: RecordPayload, wallTime: number, now?: number): BreakerRecord {
    assertBreakerName(name)
    validatePayload(payload, wallTime)
    this.seen(now)
    const current = this.byName.get(name)
    if (!current && this.byName.size >= this.maxRecords && !this.evictOne(name, true)) {
      throw new TableFullError(name, this.maxRecords)
    }
    if (current) this.clock.observe(current.lamport)
    const record: BreakerRecord = {
      name,
      state: payload.state,
      override: payload.override,
      cooldownMs: payload.cooldownMs,
      openCount: payload.openCount,
      prober: payload.prober,
      reason: payload.reason,
      origin: this.self,
      lamport: this.clock.tick(),
      vclock: incrementVClock(current?.vclock ?? EMPTY_VCLOCK, this.self),
      wallTime,
    }
    this.store(record)
    this.tombstones.delete(name)
    // A local write has seen every version held, so it resolves any conflict.
    this.concurrentNames.delete(name)
    return record
  }

  /**
   * Merge one remote version. Its Lamport timestamp is observed only when the
   * version is stored or compared with a held one; a refused version (see
   * `MergeRefusal`) changes nothing, not even the clock. `now` (monotonic ms)
   * refills the leap budget and dates tombstones.
   */
  merge(incoming: BreakerRecord, now?: number): MergeResult {
    this.seen(now)
    const previous = this.byName.get(incoming.name)
    const refuse = (rejected: MergeRefusal): MergeResult => ({ record: incoming, changed: false, concurrent: false, previous, rejected })
    if (!this.clock.admits(incoming.lamport, now)) {
      this.leapCount++
      return refuse('clock-leap')
    }
    if (!previous) {
      if (this.tombstones.covers(incoming.name, incoming.lamport, incoming.origin)) return refuse('collected')
      if (this.byName.size >= this.maxRecords && !this.evictOne(incoming.name)) {
        this.rejectedCount++
        return refuse('table-full')
      }
    }
    this.clock.observe(incoming.lamport, now)
    const { record, changed, concurrent } = mergeRecords(previous, incoming)
    if (changed) {
      this.store(record)
      if (!previous) this.tombstones.delete(record.name)
      if (concurrent) this.concurrentNames.add(record.name)
      else this.concurrentNames.delete(record.name)
    }
    if (concurrent) this.conflictCount++
    return { record, changed, concurrent, previous }
  }

  /**
   * Drop the record of `name` (collection after its TTL), remembering its
   * version in a tombstone. Returns the dropped record, if there was one.
   */
  remove(name: string, now?: number): BreakerRecord | undefined {
    this.seen(now)
    const record = this.byName.get(name)
    if (!record) return undefined
    this.byName.delete(name)
    this.concurrentNames.delete(name)
    this.tombstones.add(name, record.lamport, record.origin, this.lastNow)
    this.onDrop?.(record)
    return record
  }

  /** Forget tombstones older than `maxAgeMs` at `now`; returns how many. */
  expireTombstones(now: number, maxAgeMs: number): number {
    this.seen(now)
    return this.tombstones.expire(now, maxAgeMs)
  }

  /**
   * Make room for `incoming` (a new name) by dropping the least recently
   * changed record `canEvict` accepts. Records it refuses move to the back
   * (a second chance), so repeated evictions stay cheap. After a scan that
   * found nothing, merges do not scan again for a second of the caller's time
   * (or until a record without override is stored); local writes always do.
   */
  private evictOne(incoming: string, always = false): boolean {
    const canEvict = this.canEvict
    if (canEvict === undefined || (!always && this.lastNow < this.evictRetryAt)) return false
    const skipped: BreakerRecord[] = []
    let victim: BreakerRecord | undefined
    for (const record of this.byName.values()) {
      if (record.name !== incoming && canEvict(record)) {
        victim = record
        break
      }
      skipped.push(record)
    }
    for (const record of skipped) {
      this.byName.delete(record.name)
      this.byName.set(record.name, record)
    }
    if (victim === undefined) {
      this.evictRetryAt = this.lastNow + 1_000
      return false
    }
    this.remove(victim.name)
    this.evictedCount++
    return true
  }

  /** Set `record`, moving its name to the back of the change order. */
  private store(record: BreakerRecord): void {
    this.byName.delete(record.name)
    this.byName.set(record.name, record)
    if (record.override === null) this.evictRetryAt = -Infinity
  }

  private seen(now: number | undefined): void {
    if (now !== undefined && Number.isFinite(now) && now > this.lastNow) this.lastNow = now
  }

  /**
   * Whether the last merge that changed `name` met a concurrent version
   * (cleared by a later causal merge or a local write). Advisory: for display.
   */
  isConcurrent(name: string): boolean {
    return this.concurrentNames.has(name)
  }

  /**
   * `[name, lamport, origin]` for every record, and for every tombstone (the
   * version this node dropped), so peers do not resend what it let go.
   */
  digest(): DigestEntry[] {
    const out: DigestEntry[] = []
    for (const r of this.byName.values()) out.push([r.name, r.lamport, r.origin])
    for (const [name, t] of this.tombstones.entries()) if (!this.byName.has(name)) out.push([name, t.lamport, t.origin])
    return out
  }

  /**
   * The entries of a peer's digest whose timestamp this table could observe
   * (within `maxLeap` of the clock, below the ceiling), and how many were left
   * out. A left-out entry counts as absent: the peer gets our version, and we
   * want nothing for it.
   */
  reachable(digest: readonly DigestEntry[]): { entries: DigestEntry[]; refused: number } {
    const entries: DigestEntry[] = []
    let refused = 0
    for (const entry of digest) {
      if (this.clock.reaches(entry[1])) entries.push(entry)
      else refused++
    }
    return { entries, refused }
  }

  /** Records the holder of `digest` lacks or has older than ours (only names `inRange` accepts, when given). */
  newerThan(digest: readonly DigestEntry[], inRange?: (name: string) => boolean): BreakerRecord[] {
    const theirs = latestByName(digest)
    const out: BreakerRecord[] = []
    for (const r of this.byName.values()) {
      if (inRange !== undefined && !inRange(r.name)) continue
      const t = theirs.get(r.name)
      if (!t || compareStamps(r.lamport, r.origin, t[1], t[2]) > 0) out.push(r)
    }
    return out
  }

  /**
   * Names where `digest` holds a newer version than ours or one we lack
   * (not versions we dropped ourselves; and, when nothing is evictable, no
   * more new names than there is room for).
   */
  wants(digest: readonly DigestEntry[]): string[] {
    const out: string[] = []
    let room = this.canEvict === undefined ? this.maxRecords - this.byName.size : Infinity
    for (const [name, [, lamport, origin]] of latestByName(digest)) {
      const ours = this.byName.get(name)
      if (ours) {
        if (compareStamps(lamport, origin, ours.lamport, ours.origin) > 0) out.push(name)
      } else if (room > 0 && !this.tombstones.covers(name, lamport, origin)) {
        room--
        out.push(name)
      }
    }
    return out
  }

  /** Every record, sorted by name. */
  snapshot(): BreakerRecord[] {
    return [...this.byName.values()].sort(byName)
  }

  /**
   * Remove from every record's vclock the entries whose id `keep` rejects
   * (this node's own entry is always kept). Versions are unchanged.
   * Returns the number of entries removed.
   */
  pruneVClocks(keep: (id: string) => boolean): number {
    const self = this.self
    const keepOrSelf = (id: string): boolean => id === self || keep(id)
    let removed = 0
    for (const [name, record] of this.byName) {
      const vclock = pruneVClock(record.vclock, keepOrSelf)
      if (vclock === record.vclock) continue
      removed += Object.keys(record.vclock).length - Object.keys(vclock).length
      this.byName.set(name, { ...record, vclock })
    }
    return removed
  }

  /**
   * A stable fingerprint of the table's versions (names, lamport, origin and
   * payload; not vclocks): `<size>:<64-bit hash hex>`. Equal tables give equal
   * fingerprints whatever the order records arrived in.
   */
  fingerprint(): string {
    const hash = new StringHash()
    for (const record of this.snapshot()) hash.update(canonicalVersion(record))
    return `${this.byName.size}:${hash.hex()}`
  }
}

function byName(a: BreakerRecord, b: BreakerRecord): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}
