import type { Swim } from '../membership/Swim.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { DigestEntry } from '../table/digest.js'
import type { Opinion } from '../table/Opinion.js'
import type { SyncRequestMessage, SyncResponseMessage, WireMessage } from '../wire/messages.js'
import { WIRE_LIMITS } from '../wire/messages.js'
import { deltaMessages } from './deltaMessages.js'
import { answerParts, inRange, requestParts } from './syncParts.js'
import type { NodeId } from '../types.js'

/** What a part of a push-pull answer carries for one peer's state: see `PushPullDelegate.compareState`. */
export interface StateAnswer {
  /** The records the peer lacks or holds older. */
  readonly records: BreakerRecord[]
  /** The names whose version the peer holds newer, or that we lack. */
  readonly want: string[]
}

/**
 * The record half of a push-pull (memberlist's `LocalState` /
 * `MergeRemoteState`, with a digest exchange so only what differs travels).
 * Implemented by `RecordDelegate`.
 */
export interface PushPullDelegate {
  /** This node's state for a push-pull request: a digest entry per record held (and per record dropped). */
  localState(): DigestEntry[]
  /** A peer's state for one name range (`within`) arrived: what to answer it. */
  compareState(state: readonly DigestEntry[], within: (name: string) => boolean): StateAnswer
  /** Records of a push-pull answer, or sent because we wanted them, from `from`. */
  mergeRemoteState(records: readonly BreakerRecord[], from: NodeId): void
  /** The records a peer asked for by name (`want`). */
  wanted(names: readonly string[]): BreakerRecord[]
}

/**
 * A kind of state pushed and pulled whole, with no digest (memberlist's
 * `LocalState` / `MergeRemoteState` as they are): small per-member state
 * that is renewed all the time, such as the per-node opinions
 * (`OpinionDelegate`). The requester sends its own with its request, the
 * responder its own with its answer to part 0 (and what it holds of others
 * when the requester is joining); each merges what it gets.
 */
export interface PushPullSnapshot<T> {
  /** What to send (fresh, with its age now); `relay`: to a node that joins, what this node holds of others too. */
  localState(relay: boolean): T[]
  /** What a peer sent, in a request or an answer, from `from`. */
  mergeRemoteState(items: readonly T[], from: NodeId): void
}

/** What push-pull needs from its node: membership, and one delegate per kind of state (records by digest, opinions whole). */
export interface SyncHost {
  readonly id: NodeId
  readonly swim: Swim
  readonly records: PushPullDelegate
  readonly opinions: PushPullSnapshot<Opinion>
  readonly maxRecordsPerDelta: number
  /** How often a push-pull with a random live member starts, ms (`SwimConfig.pushPullIntervalMs`). */
  readonly pushPullIntervalMs: number
  send(to: NodeId, message: WireMessage, addrs: readonly string[]): void
  drop(reason: string, count?: number): void
  addrsOf(id: NodeId): readonly string[]
  random(): number
}

interface Session {
  readonly session: number
  readonly parts: number
  /** Answer messages received per part. */
  readonly received: Map<number, number>
  /** Parts fully answered. */
  done: number
  readonly startedAt: number
}

/** A push-pull not completed within this time is forgotten (its answers still merge). */
const SESSION_TIMEOUT_MS = 60_000

/** Most push-pulls in progress (one per peer); past it the oldest is forgotten. */
const MAX_SESSIONS = 1024

/**
 * Sync answer messages one peer may ask of this node: a burst of
 * `ANSWER_BURST`, then `ANSWERS_PER_SECOND`. A full sync of a 10,000-breaker
 * table is about a dozen messages, and an honest peer asks once per push-pull
 * interval and on (re)connect; a peer that asks for the whole table in a loop
 * (each request costs it a few bytes, each answer us up to `maxMessageBytes`)
 * is dropped as `sync-rate` once its budget is spent.
 */
const ANSWER_BURST = 64
const ANSWERS_PER_SECOND = 4
/** Peers whose answer budget is remembered; the oldest is forgotten past this. */
const MAX_ANSWER_BUDGETS = 4096

/**
 * Push-pull in parts (see `SyncRequestMessage`): the requester sends its
 * members and its digest cut into name ranges, the responder answers each part
 * on its own, and the requester counts a sync complete when every part got as
 * many answer messages as they announce. At most one session per peer; answers are merged whatever
 * their session (a record is a record), but only a complete session counts as
 * a sync (`synced`, `onSynced`). Members come from and go to `Swim`, records
 * from and to the `PushPullDelegate` (by digest, range by range), opinions
 * from and to their `PushPullSnapshot` (whole: in every request, and in the
 * answer to part 0; relayed ones only to a joining node). Every part stays under `WIRE_LIMITS.maxMessageBytes`
 * (`syncParts.ts`).
 *
 * A push-pull starts with a random live member every `pushPullIntervalMs`,
 * with each dead member `Swim.reconnectDue` returns, and when the transport
 * connects to a peer (`FleetNode.peerConnected`).
 */
export class FleetSync {
  private readonly sessions = new Map<NodeId, Session>()
  private readonly answerBudgets = new Map<NodeId, { tokens: number; at: number }>()
  private nextSession: number
  private nextPushPullAt: number
  private completedOnce = false

  constructor(
    private readonly host: SyncHost,
    now: number,
  ) {
    this.nextSession = Math.floor(host.random() * 2 ** 32)
    // Stagger the first push-pull so a fleet started together does not sync in lockstep.
    this.nextPushPullAt = now + host.pushPullIntervalMs * (0.5 + host.random() / 2)
  }

  /** Start the push-pulls that are due (a random live member's, reconnects); forget stale sessions. */
  tick(now: number): void {
    const { host } = this
    if (now >= this.nextPushPullAt) {
      this.nextPushPullAt = now + host.pushPullIntervalMs
      const peer = this.randomAlivePeer()
      if (peer) this.request(peer, host.addrsOf(peer), now)
    }
    for (const member of host.swim.reconnectDue(now)) this.request(member.id, member.addrs, now)
    this.expire(now)
  }

  private randomAlivePeer(): NodeId | undefined {
    const peers = this.host.swim.aliveIds().filter((id) => id !== this.host.id)
    if (peers.length === 0) return undefined
    return peers[Math.floor(this.host.random() * peers.length)]
  }

  /** True once a push-pull completed (every part answered). */
  get synced(): boolean {
    return this.completedOnce
  }

  /** Start a push-pull with `to`: send every part of the request. */
  request(to: NodeId, addrs: readonly string[], now: number): void {
    const { host } = this
    const session = this.nextSession
    this.nextSession = (this.nextSession + 1) % 2 ** 32
    const parts = requestParts(host.id, host.swim.sharedMembers(), host.records.localState(), host.opinions.localState(false))
    if (parts.length > WIRE_LIMITS.maxSyncParts) {
      host.drop('unsendable')
      return
    }
    this.sessions.delete(to) // keep insertion order = start order
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value as NodeId)
    this.sessions.set(to, { session, parts: parts.length, received: new Map(), done: 0, startedAt: now })
    const join = !this.completedOnce
    for (const [part, p] of parts.entries()) {
      const message: SyncRequestMessage = {
        v: 1,
        type: 'sync-req',
        from: host.id,
        join,
        members: p.members,
        digest: p.digest,
        session,
        part,
        parts: parts.length,
        after: p.after,
        through: p.through,
        ...(p.opinions.length > 0 ? { opinions: p.opinions } : {}),
      }
      host.send(to, message, addrs)
    }
  }

  /** Answer one part of a request that came from `sender` (the transport's peer, which the answer goes to). */
  answer(message: SyncRequestMessage, sender: NodeId, now: number): void {
    const { host } = this
    host.swim.mergeMembers(message.members, now, sender)
    if (message.opinions !== undefined) host.opinions.mergeRemoteState(message.opinions, sender)
    const { after, through } = message
    const { records, want } = host.records.compareState(message.digest, (name) => inRange(name, after, through))
    const first = message.part === 0
    const parts = answerParts(host.id, first ? host.swim.sharedMembers() : [], records, want, first ? host.opinions.localState(message.join) : [])
    if (parts.length > WIRE_LIMITS.maxSyncParts) {
      host.drop('unsendable')
      return
    }
    if (!this.spendAnswers(sender, parts.length, now)) {
      host.drop('sync-rate')
      return
    }
    const addrs = message.members.find((m) => m.id === sender)?.addrs ?? host.addrsOf(sender)
    for (const p of parts) {
      const answer: SyncResponseMessage = {
        v: 1,
        type: 'sync-res',
        from: host.id,
        members: p.members,
        records: p.records,
        want: p.want,
        session: message.session,
        part: message.part,
        messages: parts.length,
        ...(p.opinions.length > 0 ? { opinions: p.opinions } : {}),
      }
      host.send(sender, answer, addrs)
    }
  }

  /** Take `n` answer messages from `peer`'s budget; false (nothing taken) if it has fewer. */
  private spendAnswers(peer: NodeId, n: number, now: number): boolean {
    let b = this.answerBudgets.get(peer)
    if (b === undefined) {
      if (this.answerBudgets.size >= MAX_ANSWER_BUDGETS) this.answerBudgets.delete(this.answerBudgets.keys().next().value as NodeId)
      b = { tokens: ANSWER_BURST, at: now }
      this.answerBudgets.set(peer, b)
    } else {
      b.tokens = Math.min(ANSWER_BURST, b.tokens + (Math.max(0, now - b.at) / 1000) * ANSWERS_PER_SECOND)
      b.at = now
    }
    if (b.tokens < n) return false
    b.tokens -= n
    return true
  }

  /**
   * One answer from `sender`: merge it, send back what it wants, and return
   * true when it completes a push-pull this node started.
   */
  receiveAnswer(message: SyncResponseMessage, sender: NodeId, now: number): boolean {
    const { host } = this
    host.swim.mergeMembers(message.members, now, sender)
    host.records.mergeRemoteState(message.records, sender)
    if (message.opinions !== undefined) host.opinions.mergeRemoteState(message.opinions, sender)
    if (message.want.length > 0) this.sendWanted(sender, message.want)
    const session = this.sessions.get(sender)
    if (session === undefined || session.session !== message.session || message.part >= session.parts) return false
    const received = (session.received.get(message.part) ?? 0) + 1
    session.received.set(message.part, received)
    if (received === message.messages) session.done++
    if (session.done < session.parts) return false
    this.sessions.delete(sender)
    this.completedOnce = true
    return true
  }

  /** Forget sessions that never completed (lost answers, a peer that went away). */
  private expire(now: number): void {
    for (const [peer, session] of this.sessions) {
      if (now - session.startedAt < SESSION_TIMEOUT_MS) break // start order
      this.sessions.delete(peer)
    }
  }

  /** The records `to` asked for, as direct deltas that each fit one message. */
  private sendWanted(to: NodeId, names: readonly string[]): void {
    const { host } = this
    for (const delta of deltaMessages(host.id, host.records.wanted(names), host.maxRecordsPerDelta)) host.send(to, delta, host.addrsOf(to))
  }
}
