import { isLive } from '../membership/MemberTable.js'
import type { Swim } from '../membership/Swim.js'
import type { BreakerTable } from '../table/BreakerTable.js'
import { rankProbers } from '../table/rendezvous.js'
import type { FleetBreaker } from './FleetBreaker.js'
import { entitledProber } from './probeChoice.js'
import type { NodeId } from '../types.js'

/** What a fleet node keeps per breaker name. */
export interface BreakerEntry {
  /** When this node learned the current version, monotonic ms. */
  learnedAt: number
  breaker: FleetBreaker | undefined
  /** The members version `ranked` was computed for. */
  rankVersion: number
  /** Confirmed live members, best prober first. */
  ranked: NodeId[]
}

/**
 * The fleet-wide half-open probe, as one node sees it: who may claim it
 * (rendezvous ranking of the confirmed live members, see `entitledProber`)
 * and which claims went stale. Members only others told us about (unconfirmed)
 * never get a slot, so phantom members cannot delay a recovery.
 */
export class ProbeClaims {
  private membersVersion = 0

  constructor(
    private readonly self: NodeId,
    private readonly table: BreakerTable,
    private readonly swim: Swim,
    private readonly claimTimeoutMs: number,
  ) {}

  /** The member list changed: rankings are computed afresh when next needed. */
  membersChanged(): void {
    this.membersVersion++
  }

  /** Half-open claim hook of the local breaker `name`: only the entitled prober of this view claims. */
  mayClaim(name: string, entry: BreakerEntry, now: number): boolean {
    const record = this.table.get(name)
    if (!record) return true // never shared (or local-only): a plain local breaker
    if (entry.rankVersion !== this.membersVersion) {
      entry.ranked = rankProbers(name, this.swim.aliveIds())
      entry.rankVersion = this.membersVersion
    }
    const chosen = entitledProber(record, entry.learnedAt, now, entry.ranked, (id) => this.isAlive(id), this.claimTimeoutMs)
    return chosen === this.self
  }

  /** Alive or suspect, and confirmed: a member only others told us about is no prober. */
  isAlive(id: NodeId): boolean {
    if (id === this.self) return true
    const status = this.swim.member(id)?.status
    return status !== undefined && isLive(status) && this.swim.isConfirmed(id)
  }

  /**
   * A half-open claim by a prober that died or went silent: let the local
   * breaker fall back to 'open' with its cooldown over, so the next call asks
   * `mayClaim`, which admits only the next rendezvous choice.
   */
  releaseStale(entries: ReadonlyMap<string, BreakerEntry>, now: number): void {
    for (const [name, entry] of entries) {
      const local = entry.breaker?.local
      if (!local || local.state !== 'half-open') continue
      const record = this.table.get(name)
      if (!record || record.state !== 'half-open' || record.prober === this.self) continue
      const stale = record.prober === null || !this.isAlive(record.prober) || now - entry.learnedAt >= this.claimTimeoutMs
      if (stale) {
        local.apply({ state: 'open', override: record.override, cooldownMs: 0, openCount: record.openCount, probing: false }, now)
      }
    }
  }
}
