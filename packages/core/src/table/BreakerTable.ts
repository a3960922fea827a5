import { LamportClock } from '../clock/LamportClock.js'
import { EMPTY_VCLOCK, incrementVClock, pruneVClock } from '../clock/VectorClock.js'
import type { DigestEntry } from '../wire/messages.js'
import { assertBreakerName } from './assertBreakerName.js'
import type { BreakerRecord, NodeId, RecordPayload } from './BreakerRecord.js'
import { MAX_REASON_LENGTH } from './BreakerRecord.js'
import { canonicalVersion, compareStamps } from './compareVersions.js'
import { mergeRecords } from './mergeRecords.js'
import { StringHash } from './StringHash.js'
import { TableFullError } from './TableFullError.js'

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
}

export interface MergeResult {
  /** The table's record for the name after the merge (`incoming` itself when rejected). */
  readonly record: BreakerRecord
  /** Whether the table's record changed (payload, version or vclock). */
  readonly changed: boolean
  /** Whether the incoming version was concurrent with the table's. */
  readonly concurrent: boolean
  /** The table's record before the merge. */
  readonly previous: BreakerRecord | undefined
  /** Set when the record was refused and not stored. */
  readonly rejected?: 'table-full'
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
  private readonly byName = new Map<string, BreakerRecord>()
  private readonly concurrentNames = new Set<string>()
  private readonly clock = new LamportClock()
  private conflictCount = 0
  private rejectedCount = 0

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

  get(name: string): BreakerRecord | undefined {
    return this.byName.get(name)
  }

  /** The records, in insertion order. */
  records(): IterableIterator<BreakerRecord> {
    return this.byName.values()
  }

  /**
   * Write a new local version of `name`: `lamport = max(local, current) + 1`,
   * `vclock = current.vclock` with this node's entry + 1, `origin = self`.
   * `wallTime` (ms since the epoch) is for display only.
   *
   * Throws `InvalidBreakerNameError` for a bad name, `TableFullError` for a new
   * name when the table is full, `RangeError` for a payload no peer would accept.
   */
  write(name: string, payload: RecordPayload, wallTime: number): BreakerRecord {
    assertBreakerName(name)
    validatePayload(payload, wallTime)
    const current = this.byName.get(name)
    if (!current && this.byName.size >= this.maxRecords) throw new TableFullError(name, this.maxRecords)
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
    this.byName.set(name, record)
    // A local write has seen every version held, so it resolves any conflict.
    this.concurrentNames.delete(name)
    return record
  }

  /**
   * Merge one remote version. Always advances the local Lamport time to at
   * least `incoming.lamport`, even when the record is refused.
   */
  merge(incoming: BreakerRecord): MergeResult {
    this.clock.observe(incoming.lamport)
    const previous = this.byName.get(incoming.name)
    if (!previous && this.byName.size >= this.maxRecords) {
      this.rejectedCount++
      return { record: incoming, changed: false, concurrent: false, previous, rejected: 'table-full' }
    }
    const { record, changed, concurrent } = mergeRecords(previous, incoming)
    if (changed) {
      this.byName.set(record.name, record)
      if (concurrent) this.concurrentNames.add(record.name)
      else this.concurrentNames.delete(record.name)
    }
    if (concurrent) this.conflictCount++
    return { record, changed, concurrent, previous }
  }

  /**
   * Whether the last merge that changed `name` met a concurrent version
   * (cleared by a later causal merge or a local write). Advisory: for display.
   */
  isConcurrent(name: string): boolean {
    return this.concurrentNames.has(name)
  }

  /** `[name, lamport, origin]` for every record. */
  digest(): DigestEntry[] {
    const out: DigestEntry[] = []
    for (const r of this.byName.values()) out.push([r.name, r.lamport, r.origin])
    return out
  }

  /** Records the holder of `digest` lacks or has older than ours. */
  newerThan(digest: readonly DigestEntry[]): BreakerRecord[] {
    const theirs = latestByName(digest)
    const out: BreakerRecord[] = []
    for (const r of this.byName.values()) {
      const t = theirs.get(r.name)
      if (!t || compareStamps(r.lamport, r.origin, t[1], t[2]) > 0) out.push(r)
    }
    return out
  }

  /**
   * Names where `digest` holds a newer version than ours or one we lack
   * (except new names while the table is full: they would be refused).
   */
  wants(digest: readonly DigestEntry[]): string[] {
    const out: string[] = []
    let room = this.maxRecords - this.byName.size
    for (const [name, [, lamport, origin]] of latestByName(digest)) {
      const ours = this.byName.get(name)
      if (ours) {
        if (compareStamps(lamport, origin, ours.lamport, ours.origin) > 0) out.push(name)
      } else if (room > 0) {
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

const STATES: ReadonlySet<unknown> = new Set(['closed', 'open', 'half-open'])
const OVERRIDES: ReadonlySet<unknown> = new Set([null, 'forced-open', 'forced-closed'])

function validatePayload(p: RecordPayload, wallTime: number): void {
  const fail = (field: string, value: unknown, rule: string): never => {
    throw new RangeError(`BreakerTable.write: ${field} must be ${rule}, got ${JSON.stringify(value) ?? String(value)}`)
  }
  if (!STATES.has(p.state)) fail('state', p.state, "'closed', 'open' or 'half-open'")
  if (!OVERRIDES.has(p.override)) fail('override', p.override, "null, 'forced-open' or 'forced-closed'")
  if (!(p.cooldownMs >= 0) || !Number.isFinite(p.cooldownMs)) fail('cooldownMs', p.cooldownMs, 'a finite number >= 0')
  if (!Number.isSafeInteger(p.openCount) || p.openCount < 0) fail('openCount', p.openCount, 'an integer >= 0')
  if (p.prober !== null && (typeof p.prober !== 'string' || p.prober.length === 0)) {
    fail('prober', p.prober, 'null or a node id')
  }
  if (typeof p.reason !== 'string' || p.reason.length > MAX_REASON_LENGTH) {
    fail('reason', p.reason, `a string of at most ${MAX_REASON_LENGTH} characters`)
  }
  if (!Number.isFinite(wallTime)) fail('wallTime', wallTime, 'a finite number (ms since the epoch)')
}

/** The newest `(lamport, origin)` per name in a digest (a malformed one may repeat names). */
function latestByName(digest: readonly DigestEntry[]): Map<string, DigestEntry> {
  const out = new Map<string, DigestEntry>()
  for (const entry of digest) {
    const seen = out.get(entry[0])
    if (!seen || compareStamps(entry[1], entry[2], seen[1], seen[2]) > 0) out.set(entry[0], entry)
  }
  return out
}

function byName(a: BreakerRecord, b: BreakerRecord): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}
