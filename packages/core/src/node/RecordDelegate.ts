import { BroadcastQueue } from '../membership/BroadcastQueue.js'
import { PIGGYBACK_BYTES } from '../membership/Dissemination.js'
import type { BroadcastLimit, MembershipDelegate } from '../membership/MembershipDelegate.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { DigestEntry } from '../table/digest.js'
import type { BreakerTable } from '../table/BreakerTable.js'
import { compareStamps } from '../table/compareVersions.js'
import type { DeltaMessage, RecordUpdate } from '../wire/messages.js'
import { MessageSize } from '../wire/MessageSize.js'
import { deltaMessages } from './deltaMessages.js'
import type { PushPullDelegate, StateAnswer } from './FleetSync.js'
import type { BreakerChange } from './FleetTypes.js'
import type { NodeId } from '../types.js'

/** What the record delegate needs from its node. */
export interface RecordDelegateHost {
  readonly id: NodeId
  readonly table: BreakerTable
  readonly retransmitMult: number
  readonly maxRecordsPerDelta: number
  /** Live member count, for the piggyback retransmit limit. */
  clusterSize(): number
  /** Monotonic ms. */
  now(): number
  /** Wall clock, ms since the epoch (propagation age, display only). */
  wallClock(): number
  /** A merged remote version changed the table: make the local breaker follow it (at monotonic `now`). */
  follow(record: BreakerRecord, now: number): void
  /** A breaker's version changed here. */
  changed(change: BreakerChange): void
  /** Records wait to be gossiped (the first one since the last flush). */
  pending(): void
  publish(message: DeltaMessage): void
  drop(reason: string, count?: number): void
}

/**
 * The breaker records as an application of membership (the one
 * `MembershipDelegate` a fleet node registers with its `Swim`), and the
 * record half of push-pull (`PushPullDelegate`): versions to piggyback, kept
 * in a transmit-limited queue where a queued version is only replaced by a
 * newer one; the ones that arrive, merged into the table; local writes
 * waiting to be gossiped as deltas; and the digest exchange of a push-pull.
 */
export class RecordDelegate implements MembershipDelegate<RecordUpdate>, PushPullDelegate {
  readonly kind = 'record'
  /**
   * Records spread by gossipsub (and push-pull); on SWIM they only ride along
   * on messages membership sends anyway, to repair a lost gossip message,
   * never in rounds of their own: those cost about 3 extra SWIM messages per
   * node per change (and their acks), most of a change's CPU in a 10-node fleet.
   */
  readonly gossipRounds = false
  /** Wall-clock age (ms) of the most recently merged remote version when it arrived; display only. */
  lastPropagationAgeMs: number | null = null
  private readonly host: RecordDelegateHost
  private readonly piggyback: BroadcastQueue<RecordUpdate>
  private readonly unsent = new Map<string, BreakerRecord>()
  private arrived: BreakerRecord[] = []

  constructor(host: RecordDelegateHost) {
    this.host = host
    this.piggyback = new BroadcastQueue<RecordUpdate>({
      retransmitMult: host.retransmitMult,
      clusterSize: () => host.clusterSize(),
      key: (u) => u.record.name,
      // a queued version is only replaced by one that is not older
      supersedes: (incoming, queued) => compareStamps(queued.record.lamport, queued.record.origin, incoming.record.lamport, incoming.record.origin) <= 0,
    })
  }

  // ---- piggyback (MembershipDelegate) ------------------------------------------

  get queued(): number {
    return this.piggyback.size
  }

  broadcasts(limit: BroadcastLimit): RecordUpdate[] {
    const out: RecordUpdate[] = []
    for (const update of this.piggyback.take(limit.count, limit.to)) if (limit.fits(update)) out.push(update)
    return out
  }

  /**
   * A record arrived piggybacked from `from`. If it is the version we queue,
   * `from` holds it: no transmission is spent on it (this must happen before
   * the reply is built). The merge waits for `settle`, which the node calls
   * once Swim has applied the whole message and announced its member changes.
   */
  notify(item: RecordUpdate, from: NodeId): void {
    const record = item.record
    const queued = this.piggyback.peek(record.name)
    if (queued !== undefined && compareStamps(queued.record.lamport, queued.record.origin, record.lamport, record.origin) === 0) {
      this.piggyback.markKnown(record.name, from)
    }
    this.arrived.push(record)
  }

  /** Merge the records that arrived piggybacked since the last call (see `notify`). */
  settle(): void {
    if (this.arrived.length === 0) return
    const arrived = this.arrived
    this.arrived = []
    for (const record of arrived) this.merge(record)
  }

  /**
   * Piggyback `record`, unless a newer version of its name is queued or it
   * could never fit a message's piggyback budget. `source`: the member it came
   * from, which it is not sent back to.
   */
  queue(record: BreakerRecord, source: NodeId | null = null): void {
    if (!fitsPiggyback(record)) return
    this.piggyback.enqueue({ kind: 'record', record }, source)
  }

  // ---- merging -------------------------------------------------------------------

  /**
   * Merge one remote version (piggybacked, gossiped or synced). A version that
   * changed the table is piggybacked again (a second path beside gossip,
   * bounded by the retransmit limit); a new version also moves the local
   * breaker and is reported. Refusals are counted by reason.
   */
  merge(incoming: BreakerRecord): void {
    const { host } = this
    const now = host.now()
    const result = host.table.merge(incoming, now)
    if (result.rejected) {
      if (result.rejected !== 'collected') host.drop(result.rejected)
      return
    }
    if (!result.changed) return
    const { record, previous } = result
    this.queue(record)
    if (previous && previous.lamport === record.lamport && previous.origin === record.origin) return // only the vclock grew
    host.follow(record, now)
    if (record.origin !== host.id) this.lastPropagationAgeMs = Math.max(0, host.wallClock() - record.wallTime)
    host.changed({ name: record.name, record, previous, local: false, concurrent: result.concurrent })
  }

  // ---- gossip ----------------------------------------------------------------------

  /** A version this node wrote: piggyback it and gossip it at the next `flush`. */
  share(record: BreakerRecord): void {
    this.queue(record)
    const wasEmpty = this.unsent.size === 0
    this.unsent.set(record.name, record)
    if (wasEmpty) this.host.pending()
  }

  /** Whether a version of `name` waits to be gossiped. */
  isUnsent(name: string): boolean {
    return this.unsent.has(name)
  }

  /** Publish every version written since the last flush: one delta per burst, cut by count and bytes. */
  flush(): void {
    const records = this.takeUnsent()
    if (records.length === 0) return
    for (const message of deltaMessages(this.host.id, records, this.host.maxRecordsPerDelta)) this.host.publish(message)
  }

  /** The versions written since the last flush, for a delta the node builds (with the opinions due); they count as sent. */
  takeUnsent(): BreakerRecord[] {
    if (this.unsent.size === 0) return []
    const records = [...this.unsent.values()]
    this.unsent.clear()
    return records
  }

  // ---- push-pull (PushPullDelegate) ----------------------------------------------------

  localState(): DigestEntry[] {
    return this.host.table.digest()
  }

  compareState(state: readonly DigestEntry[], within: (name: string) => boolean): StateAnswer {
    const { table } = this.host
    const { entries, refused } = table.reachable(state)
    if (refused > 0) this.host.drop('clock-leap', refused)
    const records = table.newerThan(entries, within)
    const want = table.wants(entries.filter((e) => within(e[0])))
    return { records, want }
  }

  mergeRemoteState(records: readonly BreakerRecord[]): void {
    for (const record of records) this.merge(record)
  }

  wanted(names: readonly string[]): BreakerRecord[] {
    const records: BreakerRecord[] = []
    for (const name of names) {
      const record = this.host.table.get(name)
      if (record) records.push(record)
    }
    return records
  }
}

/** Whether `record` alone fits the piggyback budget of one message. */
function fitsPiggyback(record: BreakerRecord): boolean {
  const size = new MessageSize(Infinity)
  size.addRecord(record)
  return size.bytes <= PIGGYBACK_BYTES
}
