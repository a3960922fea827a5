/**
 * What the dashboard reads from the admin API. The node's own types, with
 * every field a newer or older node may lack made optional, so one page works
 * against any node version: it renders what is there and nothing else.
 */
import type { MeshEvent, MeshStats, MeshView } from '../MeshView.js'

export type { MeshEvent, MeshStats }

type ViewMember = MeshView['members'][number]
type ViewBreaker = MeshView['breakers'][number]

export type DashMember = Omit<ViewMember, 'statusAgeMs' | 'via' | 'confirmed'> & Partial<Pick<ViewMember, 'statusAgeMs' | 'via' | 'confirmed'>>

/** How many fresh opinions see a breaker failing (per-node opinions, when the node reports them). */
export type FleetVerdict = ViewBreaker['fleet']

export type Opinion = ViewBreaker['opinions'][number]

export type DashBreaker = Omit<ViewBreaker, 'wallTime' | 'concurrent' | 'localOnly' | 'decision' | 'isolated' | 'fleet' | 'opinions'> &
  Partial<Pick<ViewBreaker, 'wallTime' | 'concurrent'>> & {
    /** How the fleet decides this breaker (per-node opinions). */
    decision?: 'any' | 'quorum' | 'aggregate'
    isolated?: boolean
    fleet?: FleetVerdict
    opinions?: Opinion[]
    /** The node's table is full: this breaker is kept on this node only. */
    localOnly?: boolean
  }

export interface DashView {
  node: MeshView['node']
  members: DashMember[]
  breakers: DashBreaker[]
}

export type BreakerState = DashBreaker['state']

/** One line of the timeline. */
export interface TimelineEntry {
  /** Increasing id, for keys. */
  seq: number
  /** When it happened, ms since epoch by the node's clock (display only). */
  at: number
  kind: 'breaker' | 'member'
  /** Breaker or member name. */
  subject: string
  from: string | null
  to: string
  /** Who wrote it (breakers) and why, or the incarnation (members). */
  detail: string
  concurrent: boolean
  /** Seen as a difference after the event stream reconnected, not as an event. */
  resync: boolean
}
