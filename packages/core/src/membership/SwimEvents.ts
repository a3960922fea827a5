import type { BreakerRecord, NodeId } from '../table/BreakerRecord.js'
import type { Member, MemberStatus } from './Member.js'

export type MemberChangeListener = (member: Member, previous: MemberStatus | null) => void
export type RecordListener = (record: BreakerRecord, from: NodeId) => void

/**
 * The listeners of a `Swim` and the events waiting for them. Events are
 * collected while a call changes state and delivered by `flush` once the
 * change is complete, so a listener never sees a half-applied message.
 */
export class SwimEvents {
  private readonly memberListeners = new Set<MemberChangeListener>()
  private readonly recordListeners = new Set<RecordListener>()
  private members: Array<[Member, MemberStatus | null]> = []
  private records: Array<[BreakerRecord, NodeId]> = []

  onMemberChange(listener: MemberChangeListener): () => void {
    this.memberListeners.add(listener)
    return () => this.memberListeners.delete(listener)
  }

  onRecord(listener: RecordListener): () => void {
    this.recordListeners.add(listener)
    return () => this.recordListeners.delete(listener)
  }

  memberChanged(member: Member, previous: MemberStatus | null): void {
    this.members.push([member, previous])
  }

  recordArrived(record: BreakerRecord, from: NodeId): void {
    this.records.push([record, from])
  }

  /**
   * Deliver the pending events, members first. Every listener runs; the first
   * error one throws is rethrown afterwards.
   */
  flush(): void {
    if (this.members.length === 0 && this.records.length === 0) return
    const members = this.members
    const records = this.records
    this.members = []
    this.records = []
    let failure: { error: unknown } | null = null
    for (const [member, previous] of members) {
      for (const listener of [...this.memberListeners]) {
        try {
          listener(member, previous)
        } catch (error) {
          failure ??= { error }
        }
      }
    }
    for (const [record, from] of records) {
      for (const listener of [...this.recordListeners]) {
        try {
          listener(record, from)
        } catch (error) {
          failure ??= { error }
        }
      }
    }
    if (failure !== null) throw failure.error
  }
}
