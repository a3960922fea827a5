import type { BreakerOptions } from '../breaker/BreakerOptions.js'
import { CircuitBreaker } from '../breaker/CircuitBreaker.js'
import type { Transition } from '../breaker/CircuitBreaker.js'
import { cooldownFor } from '../breaker/backoff.js'
import type { Clock } from '../clock/Clock.js'
import { assertBreakerName } from '../table/assertBreakerName.js'
import type { BreakerRecord, RecordPayload } from '../table/BreakerRecord.js'
import { MAX_OPEN_COUNT, MAX_REASON_LENGTH } from '../table/BreakerRecord.js'
import type { BreakerTable } from '../table/BreakerTable.js'
import { FleetBreaker } from './FleetBreaker.js'
import type { BreakerChange } from './FleetTypes.js'
import type { BreakerEntry, ProbeClaims } from './ProbeClaims.js'
import type { NodeId } from '../types.js'

/** What the local breakers need from their node. */
export interface LocalBreakersHost {
  readonly id: NodeId
  /** Display name, appended to every reason this node writes ("… on n3"). */
  readonly name: string
  readonly table: BreakerTable
  readonly clock: Clock
  /** Wall clock, ms since the epoch: stamped on records for display only. */
  readonly wallClock: () => number
  readonly claims: ProbeClaims
  /** A version this node wrote: spread it (piggyback and gossip). */
  share(record: BreakerRecord): void
  /** A breaker's version changed here. */
  changed(change: BreakerChange): void
  /** Breaker `name` just became local-only (its transition could not be written). */
  localOnly(name: string): void
  /** Count a transition that could not be written (`FleetCounters.localOnlyWrites`). */
  countLocalOnlyWrite(): void
  /**
   * A local transition of `name`: the reason to write it for the fleet with,
   * or null to keep it on this node (isolated, see `FleetDecisions`).
   */
  fleetReason(name: string, t: Transition): string | null
  /** Whether `name` is isolated here: its own half-open trial needs no fleet probe claim. */
  isolated(name: string): boolean
}

/**
 * This node's handles on fleet-wide breakers and what it keeps per breaker
 * name (`BreakerEntry`): local transitions become record writes, operator
 * overrides are written, and merged remote versions move the local breaker.
 */
export class LocalBreakers {
  /** Per breaker name: the handle (if used here), when the current version was learned, the prober ranking. */
  readonly entries = new Map<string, BreakerEntry>()

  constructor(private readonly host: LocalBreakersHost) {}

  /** See `FleetNode.breaker`. */
  breaker(name: string, options?: BreakerOptions): FleetBreaker {
    assertBreakerName(name)
    const existing = this.entries.get(name)?.breaker
    if (existing) return existing
    const { host } = this
    const entry = this.entry(name)
    const local = new CircuitBreaker(options, {
      claimProbe: (now) => host.isolated(name) || host.claims.mayClaim(name, this.entry(name), now),
      onTransition: (t) => this.localTransition(name, t),
    })
    const handle = new FleetBreaker(name, local, host.clock, () => host.isolated(name))
    entry.breaker = handle
    const record = host.table.get(name)
    if (record) this.applyToLocal(record, entry, host.clock.now())
    return handle
  }

  /** The handle if `breaker(name)` was called on this node. */
  existing(name: string): FleetBreaker | undefined {
    return this.entries.get(name)?.breaker
  }

  /** The handles that are local-only now (see `FleetBreaker.localOnly`). */
  localOnly(): FleetBreaker[] {
    const out: FleetBreaker[] = []
    for (const entry of this.entries.values()) if (entry.breaker?.localOnly) out.push(entry.breaker)
    return out
  }

  /** Operator override of `name` (see `FleetNode.forceOpen` / `forceClose`). */
  writeOverride(name: string, override: 'forced-open' | 'forced-closed', reason: string): BreakerRecord {
    assertBreakerName(name)
    const current = this.host.table.get(name)
    return this.writeLocal(name, {
      state: override === 'forced-open' ? 'open' : 'closed',
      override,
      cooldownMs: current?.cooldownMs ?? 0,
      openCount: current?.openCount ?? 0,
      prober: null,
      reason: this.reasonText(reason),
    })
  }

  /**
   * Open `name` for the fleet because its decision policy says so (the
   * fleet's fresh opinions, not only this node's trip): written and applied
   * here like a trip. Never throws: a table full of overrides and breakers in
   * use leaves it unwritten (counted in `localOnlyWrites`).
   */
  openFleet(name: string, reason: string): void {
    const handle = this.entries.get(name)?.breaker
    if (!handle) return
    const openCount = Math.min(Math.max(1, handle.local.openCount), MAX_OPEN_COUNT)
    try {
      this.writeLocal(name, {
        state: 'open',
        override: null,
        cooldownMs: cooldownFor(openCount, handle.local.options),
        openCount,
        prober: null,
        reason: this.reasonText(reason),
      })
      handle.setShared(true)
    } catch {
      this.host.countLocalOnlyWrite()
    }
  }

  /** Clear an override (see `FleetNode.reset`). */
  reset(name: string, reason: string): BreakerRecord {
    assertBreakerName(name)
    const current = this.host.table.get(name)
    return this.writeLocal(name, {
      state: 'closed',
      override: null,
      cooldownMs: current?.cooldownMs ?? 0,
      openCount: 0,
      prober: null,
      reason: this.reasonText(reason),
    })
  }

  /** A merged remote version of `record.name` is the table's now: the local breaker follows it. */
  follow(record: BreakerRecord, now: number): void {
    const entry = this.entry(record.name)
    entry.learnedAt = now
    this.applyToLocal(record, entry, now)
  }

  /** The table dropped a record (collected or evicted): forget what only served it. */
  forget(name: string): void {
    const entry = this.entries.get(name)
    if (entry && !entry.breaker) this.entries.delete(name)
  }

  /** Local window counts of a breaker, if it is used on this node. */
  totals(name: string): { calls: number; failures: number; slow: number } {
    const local = this.entries.get(name)?.breaker?.local
    return local ? local.totals(this.host.clock.now()) : { calls: 0, failures: 0, slow: 0 }
  }

  private reasonText(reason: string): string {
    const text = `${reason} on ${this.host.name}`
    return text.length > MAX_REASON_LENGTH ? text.slice(0, MAX_REASON_LENGTH) : text
  }

  private entry(name: string): BreakerEntry {
    let entry = this.entries.get(name)
    if (!entry) {
      entry = { learnedAt: this.host.clock.now(), breaker: undefined, rankVersion: -1, ranked: [] }
      this.entries.set(name, entry)
    }
    return entry
  }

  /**
   * The local breaker moved (trip, probe claim, probe result): publish it as
   * a new version. Runs inside `tryAcquire`/`record`, so it never throws: a
   * version that cannot be written (the table full of overrides and breakers
   * in use) leaves the breaker local-only, counted and announced once.
   */
  private localTransition(name: string, t: Transition): void {
    const { host } = this
    const entry = this.entry(name)
    const handle = entry.breaker
    if (handle) handle.counters.transitions++
    const reason = host.fleetReason(name, t)
    if (reason === null) return // isolated: this node's own, not the fleet's
    const current = host.table.get(name)
    try {
      this.writeLocal(
        name,
        {
          state: t.to,
          override: current?.override ?? null,
          cooldownMs: t.cooldownMs,
          openCount: Math.min(t.openCount, MAX_OPEN_COUNT),
          prober: t.to === 'half-open' ? host.id : null,
          reason: this.reasonText(reason),
        },
        false,
      )
      handle?.setShared(true)
    } catch {
      host.countLocalOnlyWrite()
      if (handle && !handle.localOnly) {
        handle.setShared(false)
        host.localOnly(name)
      }
    }
  }

  private writeLocal(name: string, payload: RecordPayload, applyLocal = true): BreakerRecord {
    const { host } = this
    const previous = host.table.get(name)
    const now = host.clock.now()
    const record = host.table.write(name, payload, host.wallClock(), now)
    const entry = this.entry(name)
    entry.learnedAt = now
    if (applyLocal) this.applyToLocal(record, entry, now)
    host.share(record)
    host.changed({ name, record, previous, local: true, concurrent: false })
    return record
  }

  /** Make the local breaker follow a record. */
  private applyToLocal(record: BreakerRecord, entry: BreakerEntry, now: number): void {
    const local = entry.breaker?.local
    if (!local) return
    local.apply(
      {
        state: record.state,
        override: record.override,
        cooldownMs: record.cooldownMs,
        openCount: record.openCount,
        probing: record.state === 'half-open' && record.prober === this.host.id,
      },
      now,
    )
  }
}
