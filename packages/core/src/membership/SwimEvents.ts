import { EventEmitter } from '../util/Event.js'
import type { Disposer } from '../util/Event.js'
import type { Member } from './Member.js'
import type { MemberStatus } from '../types.js'

export type MemberChangeListener = (member: Member, previous: MemberStatus | null) => void

type MemberChange = readonly [member: Member, previous: MemberStatus | null]

/**
 * The member-change events of a `Swim`. They are collected while a call
 * changes state and delivered by `flush` once the change is complete, so a
 * listener never sees a half-applied message. Every listener runs; the first
 * error one throws is rethrown by `flush` afterwards.
 */
export class SwimEvents {
  private failure: { error: unknown } | null = null
  private readonly changes = new EventEmitter<MemberChange>((error) => {
    this.failure ??= { error }
  })
  private pending: MemberChange[] = []

  onMemberChange(listener: MemberChangeListener): Disposer {
    return this.changes.add(([member, previous]) => listener(member, previous))
  }

  memberChanged(member: Member, previous: MemberStatus | null): void {
    this.pending.push([member, previous])
  }

  /** Deliver the pending events in order; rethrow the first listener error once all ran. */
  flush(): void {
    if (this.pending.length === 0) return
    const pending = this.pending
    this.pending = []
    for (const change of pending) this.changes.emit(change)
    const failure = this.failure
    this.failure = null
    if (failure !== null) throw failure.error
  }
}
