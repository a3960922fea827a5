/**
 * The dashboard's picture of the fleet as one node sees it: the last view,
 * patched by each server-sent event as it arrives, the timeline of changes,
 * and per-breaker call-rate history from successive stats. Pure (no DOM, no
 * timers, no fetch): the caller passes every timestamp in.
 */
import { shortId } from './format.js'
import { SampleRing } from './rates.js'
import type { RatePoint } from './rates.js'
import type { DashBreaker, DashMember, DashView, MeshEvent, MeshStats, TimelineEntry } from './types.js'

export interface FleetStoreOptions {
  /** Timeline lines kept, newest first [500]. */
  timelineSize?: number
  /** Stats samples kept per breaker: the sparkline's length [150, i.e. 5 min at one sample per 2 s]. */
  samples?: number
}

export class FleetStore {
  view: DashView | null = null
  /** Browser time of the last view, ms. */
  viewAt = 0
  /** Node's wall clock minus the browser's, ms (from the HTTP Date header: display only, ±1 s). */
  clockOffsetMs = 0
  /** Newest first. */
  readonly timeline: TimelineEntry[] = []

  private readonly timelineSize: number
  private readonly sampleCount: number
  private readonly byName = new Map<string, DashBreaker>()
  private readonly history = new Map<string, SampleRing>()
  /** Browser time at which each member's current status began, when known. */
  private readonly memberSince = new Map<string, number>()
  private readonly listeners = new Set<() => void>()
  private seq = 0

  constructor(options: FleetStoreOptions = {}) {
    this.timelineSize = options.timelineSize ?? 500
    this.sampleCount = options.samples ?? 150
  }

  /** Be told after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Take a fresh `GET /v1/view` read at browser time `at`. With `resync`
   * (the event stream was down), differences from the previous view go to
   * the timeline, marked as seen on resync: the events themselves were missed.
   */
  applyView(view: DashView, at: number, options: { resync?: boolean; serverDate?: number } = {}): void {
    const previous = this.view
    if (options.resync && previous !== null) this.diffIntoTimeline(previous, view, at)
    if (options.serverDate !== undefined && Number.isFinite(options.serverDate)) {
      this.clockOffsetMs = options.serverDate - at
    }
    this.view = view
    this.viewAt = at
    this.byName.clear()
    for (const b of view.breakers) this.byName.set(b.name, b)
    const present = new Set<string>()
    for (const m of view.members) {
      present.add(m.id)
      if (m.statusAgeMs !== undefined) this.memberSince.set(m.id, at - m.statusAgeMs)
    }
    for (const id of this.memberSince.keys()) if (!present.has(id)) this.memberSince.delete(id)
    for (const name of this.history.keys()) if (!this.byName.has(name)) this.history.delete(name)
    this.notify()
  }

  /** Take a `GET /v1/stats` read at browser time `at`: one sample per breaker. */
  applyStats(stats: MeshStats, at: number): void {
    for (const b of stats.breakers) {
      let ring = this.history.get(b.name)
      if (ring === undefined) {
        ring = new SampleRing(this.sampleCount)
        this.history.set(b.name, ring)
      }
      ring.push({ t: at, ok: b.callsOk, failed: b.callsFailed, rejected: b.rejections })
    }
    this.notify()
  }

  /** Apply one server-sent event received at browser time `at`. */
  applyEvent(event: MeshEvent, at: number): void {
    if (event.type === 'breaker') this.breakerEvent(event, at)
    else this.memberEvent(event, at)
    this.notify()
  }

  /** A member's name by peer id, or a short id for one this node does not know. */
  nameOf(id: string): string {
    if (this.view?.node.id === id) return this.view.node.name
    const member = this.view?.members.find((m) => m.id === id)
    return member !== undefined && member.name !== '' ? member.name : shortId(id)
  }

  /** The node's wall clock now (browser time `now` corrected by the Date header). */
  nodeNow(now: number): number {
    return now + this.clockOffsetMs
  }

  /** How long the member has had its status, ms, or undefined if the node does not say. */
  memberAgeMs(id: string, now: number): number | undefined {
    const since = this.memberSince.get(id)
    return since === undefined ? undefined : now - since
  }

  /** Rates between successive stats reads, oldest first. */
  ratesOf(name: string): RatePoint[] {
    return this.history.get(name)?.rates() ?? []
  }

  /** Calls per second over the last stats interval, null before two reads. */
  latestRate(name: string): RatePoint | null {
    return this.history.get(name)?.latest() ?? null
  }

  private breakerEvent(event: Extract<MeshEvent, { type: 'breaker' }>, at: number): void {
    const existing = this.byName.get(event.name)
    const overrideChanged = existing !== undefined && existing.override !== event.override
    if (event.previous !== event.state || overrideChanged || existing === undefined) {
      const by = this.nameOf(event.origin)
      const override = event.override === null ? '' : `${event.override}, `
      this.record({
        at: event.at,
        kind: 'breaker',
        subject: event.name,
        from: event.previous,
        to: event.state,
        detail: `${override}by ${by}${event.local ? ' (this node)' : ''}${event.reason === '' ? '' : `: ${event.reason}`}`,
        concurrent: event.concurrent,
        resync: false,
      })
    }
    if (this.view === null) return
    if (existing === undefined) {
      const stub: DashBreaker = {
        name: event.name,
        state: event.state,
        override: event.override,
        reason: event.reason,
        prober: null,
        version: { lamport: 0, origin: event.origin, vclock: {} },
        local: { calls: 0, failures: 0, slow: 0 },
        wallTime: event.at,
        concurrent: event.concurrent,
      }
      this.view.breakers.push(stub)
      this.byName.set(stub.name, stub)
      return
    }
    existing.state = event.state
    existing.override = event.override
    existing.reason = event.reason
    existing.version = { ...existing.version, origin: event.origin }
    existing.concurrent = event.concurrent
    existing.wallTime = event.at
  }

  private memberEvent(event: Extract<MeshEvent, { type: 'member' }>, at: number): void {
    this.record({
      at: event.at,
      kind: 'member',
      subject: event.name === '' ? shortId(event.id) : event.name,
      from: event.previous,
      to: event.status,
      detail: `incarnation ${event.incarnation}`,
      concurrent: false,
      resync: false,
    })
    if (event.previous !== event.status) this.memberSince.set(event.id, at)
    if (this.view === null) return
    const member = this.view.members.find((m) => m.id === event.id)
    if (member === undefined) {
      const added: DashMember = { id: event.id, name: event.name, status: event.status, incarnation: event.incarnation, addrs: [] }
      this.view.members.push(added)
      return
    }
    member.status = event.status
    member.incarnation = event.incarnation
  }

  private diffIntoTimeline(before: DashView, after: DashView, at: number): void {
    const at0 = this.nodeNow(at)
    const oldMembers = new Map(before.members.map((m) => [m.id, m]))
    for (const m of after.members) {
      const old = oldMembers.get(m.id)
      if (old?.status === m.status) continue
      this.record({
        at: at0,
        kind: 'member',
        subject: m.name === '' ? shortId(m.id) : m.name,
        from: old?.status ?? null,
        to: m.status,
        detail: `incarnation ${m.incarnation}`,
        concurrent: false,
        resync: true,
      })
    }
    const oldBreakers = new Map(before.breakers.map((b) => [b.name, b]))
    for (const b of after.breakers) {
      const old = oldBreakers.get(b.name)
      if (old !== undefined && old.state === b.state && old.override === b.override) continue
      const override = b.override === null ? '' : `${b.override}, `
      this.record({
        at: b.wallTime ?? at0,
        kind: 'breaker',
        subject: b.name,
        from: old?.state ?? null,
        to: b.state,
        detail: `${override}by ${this.nameOf(b.version.origin)}${b.reason === '' ? '' : `: ${b.reason}`}`,
        concurrent: b.concurrent ?? false,
        resync: true,
      })
    }
  }

  private record(entry: Omit<TimelineEntry, 'seq'>): void {
    this.timeline.unshift({ ...entry, seq: ++this.seq })
    if (this.timeline.length > this.timelineSize) this.timeline.length = this.timelineSize
  }

  private notify(): void {
    for (const listener of this.listeners) listener()
  }
}
