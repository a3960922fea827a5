import { DEFAULT_LEAP_LIMITS, LeapBudget, validateLeapLimits } from '../clock/LeapBudget.js'
import type { LeapLimits } from '../clock/LeapBudget.js'
import type { Member } from './Member.js'
import type { MemberEntry, MemberTable } from './MemberTable.js'
import type { NodeId } from '../types.js'

/** Default `SwimOptions.maxMembers`. */
export const DEFAULT_MAX_MEMBERS = 1024

export interface MemberAdmissionOptions {
  readonly self: NodeId
  readonly maxMembers?: number
  readonly isValidNodeId?: (id: NodeId) => boolean
  readonly incarnationLimits?: LeapLimits
  readonly onDrop?: (reason: string) => void
}

/**
 * What a node lets into its member list: valid ids, a bounded list, and
 * incarnations that do not leap (see `LeapBudget`). Every refusal is reported
 * to `onDrop` with its reason: `bad-member-id`, `member-cap`, `incarnation-leap`.
 */
export class MemberAdmission {
  readonly maxMembers: number
  private readonly self: NodeId
  private readonly isValidNodeId: (id: NodeId) => boolean
  private readonly limits: LeapLimits
  private readonly onDrop: (reason: string) => void
  private readonly selfIncarnations: LeapBudget

  constructor(options: MemberAdmissionOptions) {
    const maxMembers = options.maxMembers ?? DEFAULT_MAX_MEMBERS
    if (!Number.isSafeInteger(maxMembers) || maxMembers < 2) {
      throw new RangeError(`Swim maxMembers must be an integer ≥ 2, got ${String(maxMembers)}`)
    }
    this.maxMembers = maxMembers
    this.self = options.self
    this.isValidNodeId = options.isValidNodeId ?? (() => true)
    this.limits = validateLeapLimits(options.incarnationLimits ?? DEFAULT_LEAP_LIMITS, 'Swim')
    this.onDrop = options.onDrop ?? (() => {})
    this.selfIncarnations = new LeapBudget(this.limits)
  }

  /**
   * Whether a member not listed yet may be: a valid id, an incarnation within
   * reach of 0, and room. When full, a member heard first-hand takes the
   * place of the oldest unconfirmed one, else of the one gone longest
   * (`evicted` is told which); a member others told us about is refused.
   */
  admitNew(table: MemberTable, incoming: Member, firstHand: boolean, now: number, evicted: (id: NodeId) => void): boolean {
    if (!this.isValidNodeId(incoming.id)) return this.refuse('bad-member-id')
    if (!new LeapBudget(this.limits).allows(0, incoming.incarnation, now)) return this.refuse('incarnation-leap')
    if (table.size >= this.maxMembers) {
      const victim = firstHand ? table.evictable(this.self) : undefined
      if (victim === undefined) return this.refuse('member-cap')
      table.delete(victim)
      evicted(victim)
    }
    return true
  }

  /** A new entry starts its incarnation budget having paid for its first value. */
  started(entry: MemberEntry, now: number): void {
    if (entry.member.incarnation === 0) return
    entry.incarnations = new LeapBudget(this.limits)
    entry.incarnations.take(0, entry.member.incarnation, now)
  }

  /** Whether a listed member's incarnation may move from `current` to `incoming` now (and pay for it). */
  moveIncarnation(entry: MemberEntry, incoming: number, now: number): boolean {
    const current = entry.member.incarnation
    if (incoming <= current) return true
    entry.incarnations ??= new LeapBudget(this.limits)
    return entry.incarnations.take(current, incoming, now) || this.refuse('incarnation-leap')
  }

  /** Whether news about ourselves may move our incarnation from `current` to `incoming` (and pay for it). */
  moveOwnIncarnation(current: number, incoming: number, now: number): boolean {
    return this.selfIncarnations.take(current, incoming, now) || this.refuse('incarnation-leap')
  }

  private refuse(reason: string): false {
    this.onDrop(reason)
    return false
  }
}
