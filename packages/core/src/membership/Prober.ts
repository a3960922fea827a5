import type { Awareness } from './Awareness.js'
import { isLive } from './MemberTable.js'
import type { MemberView } from './MemberView.js'
import { sample } from './random.js'
import { Relays } from './Relays.js'
import type { SwimConfig } from './SwimConfig.js'
import type { Outgoing } from './SwimOptions.js'
import type { SwimMessage } from './SwimMessage.js'
import type { NodeId } from '../types.js'

/** The probe in flight. */
interface Probe {
  readonly target: NodeId
  readonly seq: number
  /** The target's incarnation when the probe started: a failure suspects that one. */
  readonly incarnation: number
  readonly startedAt: number
  /** Probe timeout and interval of this probe, ms, stretched by our health when it started. */
  readonly timeoutMs: number
  readonly intervalMs: number
  /** When the ping-reqs went out; null while waiting for the direct ack. */
  indirectAt: number | null
}

/** How the prober builds its messages (with their piggybacked updates; see `Swim`). */
export interface ProbeMessages {
  nextSeq(): number
  ping(seq: number, to: NodeId): SwimMessage
  ack(seq: number, to: NodeId): SwimMessage
  pingReq(seq: number, target: NodeId, to: NodeId): SwimMessage
}

/**
 * SWIM's failure detector with Lifeguard's timing (the probing half of `Swim`).
 * Each interval, ping the next member of a shuffled round-robin; no ack
 * within `probeTimeoutMs` → ping-req to `indirectChecks` alive members, who
 * ping the target and relay its ack (`serve`); no ack by the end of the
 * interval → suspect the target, and probe it again in the next interval (the
 * buddy system). Local health awareness (`Awareness`): a probe that gets no
 * ack at all raises our health score, a direct ack within the probe timeout
 * lowers it, and the interval and timeout of each probe are stretched by
 * score + 1, so a node that is slow itself stops accusing healthy members.
 * Without nack messages in the wire format, a probe whose ack came late
 * (after the timeout, before the end of the interval) leaves the score unchanged.
 */
export class Prober {
  private probe: Probe | null = null
  private reprobe: NodeId | null = null
  private nextProbeAt: number
  private readonly relays = new Relays()

  constructor(
    private readonly self: NodeId,
    private readonly view: MemberView,
    private readonly config: SwimConfig,
    private readonly awareness: Awareness,
    private readonly random: () => number,
    private readonly messages: ProbeMessages,
    now: number,
  ) {
    // Stagger the first probe so a fleet started together does not probe in lockstep.
    this.nextProbeAt = now + random() * config.probeIntervalMs
  }

  /**
   * One step of the probe in flight, then the next probe when due. Each probe
   * takes its timeout and interval from our health when it starts; the next
   * one is due an interval (stretched the same way) after this one was.
   */
  tick(now: number, out: Outgoing[]): void {
    const p = this.probe
    const { table } = this.view
    if (p !== null) {
      const target = table.get(p.target)?.member
      if (target === undefined || !isLive(target.status)) {
        this.probe = null // learned meanwhile that it is dead or left
      } else if (p.indirectAt === null) {
        if (now >= p.startedAt + p.timeoutMs) {
          p.indirectAt = now
          this.sendPingReqs(p, out)
        }
      } else if (now >= Math.max(p.startedAt + p.intervalMs, p.indirectAt + p.intervalMs - p.timeoutMs)) {
        // The indirect probes always get their share of the interval, even after a late tick.
        this.probe = null
        this.awareness.apply(1) // no ack at all: maybe the target, maybe us
        if (this.view.suspectAfterProbe(p.target, p.incarnation, now)) this.reprobe = p.target
      }
    }
    if (this.probe !== null || now < this.nextProbeAt) return
    const intervalMs = this.awareness.scale(this.config.probeIntervalMs)
    this.nextProbeAt += intervalMs
    if (this.nextProbeAt <= now) this.nextProbeAt = now + intervalMs
    const target = this.nextTarget()
    if (target === undefined) return
    const seq = this.messages.nextSeq()
    const incarnation = table.get(target)?.member.incarnation ?? 0
    const timeoutMs = this.awareness.scale(this.config.probeTimeoutMs)
    this.probe = { target, seq, incarnation, startedAt: now, timeoutMs, intervalMs, indirectAt: null }
    out.push({ to: target, message: this.messages.ping(seq, target) })
  }

  /**
   * An ack with `seq` came from `from`: it may end our probe, and may answer
   * a ping we sent for someone else's ping-req. Returns that requester and
   * its seq, to relay the ack to.
   */
  acked(seq: number, from: NodeId, now: number): { requester: NodeId; seq: number } | undefined {
    const p = this.probe
    if (p !== null && p.seq === seq) {
      this.probe = null
      // A direct ack in time is evidence of our own health; a relayed or late one is neutral.
      if (from === p.target && p.indirectAt === null && now < p.startedAt + p.timeoutMs) this.awareness.apply(-1)
    }
    return this.relays.take(seq)
  }

  /** Serve `requester`'s ping-req: ping `target` for it (an ack at once when we are the target). */
  serve(target: NodeId, requester: NodeId, seq: number, now: number, out: Outgoing[]): void {
    if (target === this.self) {
      out.push({ to: requester, message: this.messages.ack(seq, requester) })
      return
    }
    const ownSeq = this.messages.nextSeq()
    const expiresAt = now + this.awareness.scale(this.config.probeIntervalMs)
    if (!this.relays.add(ownSeq, { requester, seq, expiresAt })) return // full: a peer cannot grow our memory
    out.push({ to: target, message: this.messages.ping(ownSeq, target) })
  }

  /** Forget the relays whose target did not answer in time. */
  expireRelays(now: number): void {
    this.relays.expire(now)
  }

  /** Stop probing (we left). */
  stop(): void {
    this.probe = null
    this.reprobe = null
  }

  private nextTarget(): NodeId | undefined {
    const { table } = this.view
    const again = this.reprobe
    this.reprobe = null
    if (again !== null && table.get(again)?.member.status === 'suspect') return again
    return this.view.order.next(
      (id) => {
        const status = table.get(id)?.member.status
        return id !== this.self && status !== undefined && isLive(status)
      },
      () => table.ids(isLive, [this.self]),
    )
  }

  private sendPingReqs(p: Probe, out: Outgoing[]): void {
    const candidates = this.view.table.ids((status) => status === 'alive', [this.self, p.target])
    for (const helper of sample(candidates, this.config.indirectChecks, this.random)) {
      out.push({ to: helper, message: this.messages.pingReq(p.seq, p.target, helper) })
    }
  }
}
