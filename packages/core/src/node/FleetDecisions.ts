import type { ResolvedBreakerOptions } from '../breaker/BreakerOptions.js'
import type { Transition } from '../breaker/CircuitBreaker.js'
import type { TripRule } from '../breaker/TripRule.js'
import type { WindowTotals } from '../breaker/Window.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { BreakerTable } from '../table/BreakerTable.js'
import type { Opinion } from '../table/Opinion.js'
import { rankProbers } from '../table/rendezvous.js'
import { aggregateTripRule, decideFleet, type FleetVerdict, type OpinionCounts } from './decideFleet.js'
import type { FleetBreaker } from './FleetBreaker.js'
import type { OpinionDelegate } from './OpinionDelegate.js'
import type { BreakerEntry } from './ProbeClaims.js'
import type { Decision, NodeId, Verdict } from '../types.js'

/** What the fleet decisions need from their node. */
export interface FleetDecisionsHost {
  readonly id: NodeId
  readonly table: BreakerTable
  readonly entries: ReadonlyMap<string, BreakerEntry>
  readonly opinions: OpinionDelegate
  /** `FleetOptions.opinionIntervalMs`, `opinionTtlMs`. */
  readonly intervalMs: number
  readonly ttlMs: number
  /** Whether `id`'s opinions count: this node, or a confirmed member that is alive or suspect. */
  isAlive(id: NodeId): boolean
  /** The policy says the fleet opens: write `open` for the fleet (never throws). */
  openFleet(name: string, reason: string): void
  /** An opinion waits to be published: flush soon. */
  pending(): void
}

/** One opinion as a view shows it. */
export interface OpinionView {
  readonly node: NodeId
  readonly verdict: Verdict
  readonly calls: number
  readonly failures: number
  readonly slow: number
  readonly ageMs: number
}

/** How one breaker is decided here: the view's `decision`, `isolated`, `fleet` and `opinions`. */
export interface DecisionView {
  readonly decision: Decision
  readonly isolated: boolean
  readonly fleet: { readonly failing: number; readonly fresh: number; readonly needed: number; readonly degraded: boolean }
  readonly opinions: OpinionView[]
}

/** What this node keeps per breaker for its decision. */
interface DecisionState {
  /** The window this node tripped on, while it is isolated. */
  evidence: WindowTotals | null
  /** Opinions of this breaker changed since the last evaluation. */
  dirty: boolean
  /** This node's window at the last evaluation. */
  calls: number
  failures: number
  slow: number
  /** When the fleet's state of this breaker last changed here: opinions published before it describe old windows. */
  since: number
  /** The aggregate rule, built on first use. */
  rule: TripRule | null
  /** Since when the policy says open while another node is the one to write it (NaN: it does not). */
  opensSince: number
}

const NONE: OpinionCounts = { verdict: 'healthy', calls: 0, failures: 0, slow: 0 }

/**
 * The fleet decision policies (`BreakerOptions.decision`) on one node: its
 * own opinion of each breaker it uses, when to publish it, what the fresh
 * opinions of the fleet say (`decideFleet`), and what a local transition
 * means for the fleet.
 *
 * - `any`: a local trip is written for the fleet at once (as always). No
 *   opinion is published.
 * - `quorum`, `aggregate`: a local trip is written only if the policy, this
 *   node's failing opinion included, opens the fleet; otherwise this node is
 *   **isolated**: it fails fast on its own (its local breaker open, its own
 *   cooldown and half-open trial, none of it written), and tells the fleet
 *   through its opinion. It rejoins when its own trial succeeds (or a new
 *   fleet version closes it). Opinions arriving later are evaluated on
 *   `tick`, and the first node to see the policy hold writes `open`. A
 *   fleet-open breaker recovers through the fleet's single prober, as ever;
 *   overrides beat every policy.
 *
 * An opinion counts while it is fresh (published less than `opinionTtlMs`
 * ago), its writer is a confirmed live member, and it was published after
 * the fleet's state of the breaker last changed here (every window restarts then).
 */
export class FleetDecisions {
  private readonly host: FleetDecisionsHost
  private readonly states = new Map<string, DecisionState>()
  private readonly keepAliveMs: number
  private nextExpireAt = 0

  constructor(host: FleetDecisionsHost) {
    this.host = host
    this.keepAliveMs = Math.max(host.intervalMs, Math.floor(host.ttlMs / 3))
  }

  /** Whether `name` is isolated here: decided by opinions, open or half-open on this node alone while the fleet is closed. */
  isolated(name: string): boolean {
    const handle = this.host.entries.get(name)?.breaker
    if (!handle || handle.local.options.decision === 'any') return false
    const local = handle.local
    return local.override === null && local.state !== 'closed' && !fleetDecided(this.host.table.get(name))
  }

  /**
   * A local transition of breaker `name`: the reason to write it for the
   * fleet with, or null to keep it on this node (isolated). Runs inside the
   * breaker's `tryAcquire`/`record`; never throws.
   */
  fleetReason(name: string, t: Transition, now: number): string | null {
    const handle = this.host.entries.get(name)?.breaker
    if (!handle || handle.local.options.decision === 'any' || fleetDecided(this.host.table.get(name))) return t.reason
    const st = this.state(name)
    st.dirty = true
    this.host.pending()
    if (t.to === 'closed') {
      st.evidence = null // rejoined: its own trial succeeded
      return null
    }
    if (t.to === 'half-open') return null // its own trial, not the fleet's probe
    if (t.evidence !== null) st.evidence = t.evidence
    const verdict = this.verdict(name, handle, now)
    return verdict.opens ? `${verdict.reason}: ${t.reason}` : null
  }

  /** The fleet's state of `name` changed here (a write or a merged version): older opinions no longer count. */
  fleetStateChanged(name: string, now: number): void {
    let st = this.states.get(name)
    if (st === undefined) {
      // Only for a breaker used here or with opinions held: not for every record of the table.
      if (!this.host.entries.get(name)?.breaker && isEmpty(this.host.opinions.table.of(name))) return
      st = this.state(name)
    }
    st.since = now
    st.dirty = true
  }

  /** The opinions held of `name` changed. */
  changed(name: string): void {
    const st = this.states.get(name)
    if (st) st.dirty = true
    else if (this.host.entries.get(name)?.breaker) this.state(name).dirty = true
  }

  /** This node keeps nothing of `name` any more. */
  forget(name: string): void {
    this.states.delete(name)
  }

  /**
   * This node's opinions due for publication (see `FleetOptions.opinionIntervalMs`):
   * a verdict change at once; counts that moved enough to matter (`material`)
   * once an interval has passed; anything else of a breaker in use as a
   * keep-alive, every `max(opinionIntervalMs, opinionTtlMs / 3)`; with any of
   * those, the keep-alives that would fall due within the next interval.
   * Published now.
   */
  due(now: number): Opinion[] {
    const due: Array<{ name: string; own: OpinionCounts }> = []
    const soon: Array<{ name: string; own: OpinionCounts }> = []
    for (const [name, entry] of this.host.entries) {
      const handle = entry.breaker
      if (!handle || handle.local.options.decision === 'any') continue
      const own = this.ownOpinion(name, handle, now)
      if (own === null) continue
      const last = this.host.opinions.published(name)
      const inUse = own.verdict === 'failing' || own.calls > 0
      if (last === undefined) {
        if (inUse) due.push({ name, own })
        continue
      }
      const o = last.opinion
      const elapsed = now - last.at
      const moved = material(o, own, handle.local.options.minimumCalls)
      if (o.verdict !== own.verdict || (moved && elapsed >= this.host.intervalMs) || (inUse && elapsed >= this.keepAliveMs)) due.push({ name, own })
      else if (inUse && elapsed >= this.keepAliveMs - this.host.intervalMs) soon.push({ name, own })
    }
    if (due.length === 0) return []
    // Keep-alives due within the next interval go in the same delta: one message per
    // keep-alive period instead of a few opinions in every flush.
    return [...due, ...soon].map(({ name, own }) => this.host.opinions.publish(name, own, now))
  }

  /** Expire opinions, and open the fleet where the policy now says so. */
  tick(now: number): void {
    if (now >= this.nextExpireAt) {
      this.nextExpireAt = now + this.host.intervalMs
      this.host.opinions.expire(now)
    }
    for (const [name, entry] of this.host.entries) {
      const handle = entry.breaker
      if (!handle || handle.local.options.decision === 'any') continue
      const st = this.state(name)
      const t = handle.local.totals(now)
      if (!st.dirty && st.calls === t.calls && st.failures === t.failures && st.slow === t.slow) continue
      st.dirty = false
      st.calls = t.calls
      st.failures = t.failures
      st.slow = t.slow
      if (fleetDecided(this.host.table.get(name))) continue
      const { counts, views } = this.fresh(name, handle, now)
      const verdict = decideFleet(handle.local.options, counts, this.ruleOf(name, handle.local.options))
      if (!verdict.opens || verdict.reason === null) {
        st.opensSince = Number.NaN
        continue
      }
      // Every node sees the same opinions at about the same time: the first of the reporters by
      // rendezvous rank writes the open at once, the others only if it has not arrived an interval later.
      const writer = rankProbers(name, [this.host.id, ...views.map((v) => v.node)])[0]
      if (Number.isNaN(st.opensSince)) st.opensSince = now
      if (writer === this.host.id || now - st.opensSince >= this.host.intervalMs) {
        this.host.openFleet(name, verdict.reason)
      } else {
        st.dirty = true // look again next tick
      }
    }
  }

  /** How `name` is decided here, for the view. */
  view(name: string, now: number): DecisionView {
    const handle = this.host.entries.get(name)?.breaker
    const { counts, views } = this.fresh(name, handle, now)
    const options = handle?.local.options
    const v = options ? decideFleet(options, counts, this.ruleOf(name, options)) : decideFleet(ANY, counts, null)
    return {
      decision: options?.decision ?? 'any',
      isolated: this.isolated(name),
      fleet: { failing: v.failing, fresh: v.fresh, needed: v.needed, degraded: v.degraded },
      opinions: views,
    }
  }

  /** What the fleet's fresh opinions say about `name` now, this node's own included. */
  private verdict(name: string, handle: FleetBreaker, now: number): FleetVerdict {
    const options = handle.local.options
    return decideFleet(options, this.fresh(name, handle, now).counts, this.ruleOf(name, options))
  }

  /** The opinions of `name` that count now: this node's own first, then the fresh ones of live members since the last fleet change. */
  private fresh(name: string, handle: FleetBreaker | undefined, now: number): { counts: OpinionCounts[]; views: OpinionView[] } {
    const counts: OpinionCounts[] = []
    const views: OpinionView[] = []
    const own = handle ? this.ownOpinion(name, handle, now) : null
    if (own !== null && (own.verdict === 'failing' || own.calls > 0)) {
      counts.push(own)
      views.push({ node: this.host.id, ...own, ageMs: 0 })
    }
    const since = this.states.get(name)?.since ?? -Infinity
    const table = this.host.opinions.table
    for (const h of table.of(name)) {
      if (!table.isFresh(h, now) || h.publishedAt < since || !this.host.isAlive(h.node)) continue
      counts.push(h)
      views.push({ node: h.node, verdict: h.verdict, calls: h.calls, failures: h.failures, slow: h.slow, ageMs: Math.max(0, Math.round(now - h.publishedAt)) })
    }
    return { counts, views }
  }

  /**
   * This node's opinion of `name` now, or null when there is nothing to
   * decide (an override, or the fleet already open or probing): failing with
   * the window it tripped on while isolated, else healthy with its window.
   */
  private ownOpinion(name: string, handle: FleetBreaker, now: number): OpinionCounts | null {
    const local = handle.local
    if (local.override !== null || fleetDecided(this.host.table.get(name))) return null
    if (local.state !== 'closed') {
      const e = this.states.get(name)?.evidence ?? NONE
      return { verdict: 'failing', calls: e.calls, failures: e.failures, slow: e.slow }
    }
    const t = local.totals(now)
    return { verdict: 'healthy', calls: t.calls, failures: t.failures, slow: t.slow }
  }

  private ruleOf(name: string, options: ResolvedBreakerOptions): TripRule | null {
    if (options.decision !== 'aggregate') return null
    const st = this.state(name)
    st.rule ??= aggregateTripRule(options)
    return st.rule
  }

  private state(name: string): DecisionState {
    let st = this.states.get(name)
    if (!st) {
      st = { evidence: null, dirty: true, calls: 0, failures: 0, slow: 0, since: -Infinity, rule: null, opensSince: Number.NaN }
      this.states.set(name, st)
    }
    return st
  }
}

/** Options of a breaker this node does not use: its view counts opinions as `any` would. */
const ANY = { decision: 'any', minimumCalls: 1, minReporting: 1, quorum: null } as unknown as ResolvedBreakerOptions

/**
 * Whether a window moved enough since it was published for the fleet's
 * decision to read it differently: it crossed `minimumCalls` (a quorum
 * counts it or not), its calls changed by more than a quarter, or its
 * failure or slow-call rate by 5 points or more. Smaller drifts wait for the
 * next keep-alive: steady traffic changes the counts of a time window on
 * every call, and publishing each of them would multiply the cost of
 * opinions for nothing the policies read.
 */
function material(a: OpinionCounts, b: OpinionCounts, minimumCalls: number): boolean {
  if (a.calls >= minimumCalls !== b.calls >= minimumCalls) return true
  if (Math.abs(a.calls - b.calls) * 4 > Math.max(a.calls, b.calls)) return true
  const rate = (part: number, calls: number): number => (calls === 0 ? 0 : part / calls)
  return Math.abs(rate(a.failures, a.calls) - rate(b.failures, b.calls)) >= 0.05 || Math.abs(rate(a.slow, a.calls) - rate(b.slow, b.calls)) >= 0.05
}

function isEmpty(items: Iterable<unknown>): boolean {
  for (const _ of items) return false
  return true
}

/** The fleet has decided this breaker: an override, or a record that is open or half-open. */
function fleetDecided(record: BreakerRecord | undefined): boolean {
  return record !== undefined && (record.state !== 'closed' || record.override !== null)
}
