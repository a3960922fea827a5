import type { MemberStatus, NodeId } from '../types.js'
/**
 * Lifeguard's local health awareness in `Swim`: what moves the health score,
 * what it stretches, and — on a simulated fleet in fake time — that a node
 * whose own links stall stops accusing healthy members.
 */
import { describe, expect, it } from 'vitest'
import { SwimCluster } from '../testing/SwimCluster.js'
import { seededRandom } from '../testing/seededRandom.js'
import type { SwimMessage, Update } from './SwimMessage.js'
import type { Member } from './Member.js'
import { Swim } from './Swim.js'
import type { Outgoing } from './Swim.js'
import { resolveSwimConfig } from './SwimConfig.js'
import type { SwimConfig } from './SwimConfig.js'
import { suspicionTimeout } from './timeouts.js'

/** local timing without gossip rounds, so every ping is a probe or a suspicion recheck. */
const config = resolveSwimConfig({ profile: 'local', gossipNodes: 0 })
const { probeIntervalMs: INTERVAL, probeTimeoutMs: TIMEOUT, awarenessMaxMultiplier: MAX } = config
const TICK = 10

const member = (id: NodeId, incarnation = 0, status: MemberStatus = 'alive'): Member => ({
  id,
  name: id,
  addrs: [`mem://${id}`],
  incarnation,
  status,
})

const node = (id: NodeId, known: NodeId[], cfg: SwimConfig = config): Swim => {
  const swim = new Swim({ self: { id, name: id, addrs: [`mem://${id}`] }, config: cfg, now: 0, random: seededRandom(3) })
  swim.mergeMembers(known.map((k) => member(k)), 0)
  return swim
}

const ping = (from: NodeId, seq: number, updates: Update[] = []): SwimMessage => ({ v: 1, type: 'ping', from, seq, updates })
const ack = (from: NodeId, seq: number): SwimMessage => ({ v: 1, type: 'ack', from, seq, updates: [] })
const suspectSelf = (swim: Swim): Update => ({ kind: 'member', member: member(swim.self, swim.incarnation, 'suspect') })

interface Sent {
  readonly at: number
  /** Our health score right after the tick that sent it: the one a probe started in that tick runs with. */
  readonly score: number
  readonly out: Outgoing
}

/** `a` among four members that never answer anything, ticked every 10 ms for 60 base intervals. */
function silentFleet(cfg: SwimConfig) {
  const a = node('a', ['b', 'c', 'd', 'e'], cfg)
  const sent: Sent[] = []
  const raisedAt: number[] = []
  const suspected = new Map<NodeId, { at: number; multiplier: number }>()
  const dead = new Map<NodeId, number>()
  let now = 0
  a.onMemberChange((m) => {
    if (m.status === 'suspect') suspected.set(m.id, { at: now, multiplier: a.healthScore + 1 })
    if (m.status === 'dead') dead.set(m.id, now)
  })
  for (; now <= 60 * cfg.probeIntervalMs; now += TICK) {
    const before = a.healthScore
    const out = a.tick(now)
    expect(a.healthScore - before).toBeLessThanOrEqual(1) // one probe at a time
    if (a.healthScore > before) raisedAt.push(now)
    for (const o of out) sent.push({ at: now, score: a.healthScore, out: o })
  }
  /** Each probe that went indirect: when its ping and its ping-reqs went out, and the score it ran with. */
  const indirect = sent
    .filter((s) => s.out.message.type === 'ping-req')
    .map((req) => {
      const probe = sent.find((s) => s.out.message.type === 'ping' && s.out.message.seq === req.out.message.seq)
      return { startedAt: probe?.at ?? NaN, score: probe?.score ?? NaN, reqAt: req.at }
    })
  return { a, raisedAt, suspected, dead, indirect }
}

describe('Swim local health awareness', () => {
  it('raises the score once per probe without any ack, stretching the next probes and the suspicions it starts by score + 1', () => {
    const { a, raisedAt, suspected, dead, indirect } = silentFleet(config)
    // Every failure counts, up to the ceiling.
    expect(raisedAt.length).toBeGreaterThanOrEqual(MAX - 1)
    expect(a.healthScore).toBeLessThanOrEqual(MAX - 1)
    // The probe started at score k lasts (k + 1) intervals before it fails.
    for (let k = 1; k < raisedAt.length; k++) expect(raisedAt[k]! - raisedAt[k - 1]!).toBeGreaterThanOrEqual((k + 1) * INTERVAL)
    for (let k = 1; k <= 3; k++) expect(raisedAt[k]! - raisedAt[k - 1]!).toBe((k + 1) * INTERVAL)
    // Its direct ping waits (k + 1) probe timeouts before the ping-reqs go out.
    expect(new Set(indirect.map((p) => p.score)).size).toBeGreaterThanOrEqual(2)
    for (const p of indirect) expect(p.reqAt - p.startedAt).toBe((p.score + 1) * TIMEOUT)
    // The first suspicion started at score 1 (n = 5, no confirmations): twice the full timeout.
    const first = [...suspected].sort((x, y) => x[1].at - y[1].at)[0]!
    expect(first[1].multiplier).toBe(2)
    expect(dead.get(first[0])! - first[1].at).toBe(suspicionTimeout(config.suspicionMult, 5, INTERVAL) * 2)
    for (const [id, s] of suspected) {
      const full = suspicionTimeout(config.suspicionMult, 5, INTERVAL) * s.multiplier
      expect(dead.get(id)! - s.at).toBeGreaterThanOrEqual(full * config.suspicionMinFraction)
      expect(dead.get(id)! - s.at).toBeLessThanOrEqual(full + TICK)
    }
  })

  it('with awarenessMaxMultiplier 1 keeps the score at 0 and the timing unstretched', () => {
    const { a, raisedAt, suspected, dead, indirect } = silentFleet(resolveSwimConfig({ ...config, awarenessMaxMultiplier: 1 }))
    expect(raisedAt).toEqual([])
    expect(a.healthScore).toBe(0)
    expect(indirect.length).toBeGreaterThan(0)
    for (const p of indirect) expect(p.reqAt - p.startedAt).toBe(TIMEOUT)
    for (const [id, s] of suspected) {
      expect(s.multiplier).toBe(1)
      expect(dead.get(id)! - s.at).toBeLessThanOrEqual(suspicionTimeout(config.suspicionMult, 5, INTERVAL) + TICK)
    }
  })

  it('refuting a suspicion of itself raises the score; only a direct ack within the stretched timeout lowers it', () => {
    const a = node('a', ['b', 'c', 'd'])
    for (let i = 1; i <= 3; i++) a.receive(ping('b', i, [suspectSelf(a)]), 0)
    expect(a.incarnation).toBe(3)
    expect(a.healthScore).toBe(3)
    a.receive(ping('b', 9, [{ kind: 'member', member: member('a', 1, 'suspect') }]), 0) // stale: no refutation
    expect(a.healthScore).toBe(3)

    let now = 0
    /** Tick until the next probe ping goes out; returns it and its time. */
    const nextProbe = (): { at: number; to: NodeId; seq: number } => {
      for (; ; now += TICK) {
        const p = a.tick(now).find((o) => o.message.type === 'ping')
        if (p !== undefined) return { at: now, to: p.to, seq: p.message.seq }
      }
    }
    /** Tick up to `until` (inclusive); returns the ping-reqs sent and when the first went out. */
    const tickTo = (until: number): { reqs: Outgoing[]; firstAt: number | null } => {
      const reqs: Outgoing[] = []
      let firstAt: number | null = null
      for (now += TICK; now <= until; now += TICK) {
        for (const o of a.tick(now)) {
          if (o.message.type !== 'ping-req') continue
          firstAt ??= now
          reqs.push(o)
        }
      }
      now = until
      return { reqs, firstAt }
    }

    // Score 3: the direct ping waits 4 timeouts, so an ack 3 timeouts in is still in time → 2.
    const p1 = nextProbe()
    expect(tickTo(p1.at + 3 * TIMEOUT).reqs).toEqual([])
    a.receive(ack(p1.to, p1.seq), now)
    expect(a.healthScore).toBe(2)

    // The next probe came 4 intervals later (started at score 3); at score 2 its ping-reqs go out 3 timeouts in.
    const p2 = nextProbe()
    expect(p2.at - p1.at).toBe(4 * INTERVAL)
    const indirect = tickTo(p2.at + 3 * TIMEOUT + 5 * TICK)
    expect(indirect.firstAt).toBe(p2.at + 3 * TIMEOUT)
    const helper = indirect.reqs[0]!.to
    a.receive(ack(helper, p2.seq), now) // a relayed ack: the target is fine, but says nothing of our timeliness
    expect(a.healthScore).toBe(2)

    // A direct ack that comes after the (stretched) timeout is neutral too.
    const p3 = nextProbe()
    expect(p3.at - p2.at).toBe(3 * INTERVAL)
    expect(tickTo(p3.at + 3 * TIMEOUT + TICK).firstAt).toBe(p3.at + 3 * TIMEOUT)
    a.receive(ack(p3.to, p3.seq), now)
    expect(a.healthScore).toBe(2)
    tickTo(p3.at + 3 * INTERVAL - TICK)
    expect(a.members().every((m) => m.status === 'alive')).toBe(true)

    // A prompt direct ack → 1; an ack for a probe no longer in flight changes nothing.
    const p4 = nextProbe()
    a.receive(ack(p4.to, p4.seq), now)
    expect(a.healthScore).toBe(1)
    a.receive(ack(p4.to, p4.seq), now)
    expect(a.healthScore).toBe(1)
  })

  it('with awarenessMaxMultiplier 1, refutations leave the score at 0', () => {
    const a = node('a', ['b'], resolveSwimConfig({ ...config, awarenessMaxMultiplier: 1 }))
    for (let i = 1; i <= 3; i++) a.receive(ping('b', i, [suspectSelf(a)]), 0)
    expect(a.incarnation).toBe(3)
    expect(a.healthScore).toBe(0)
  })
})

describe('Swim local health awareness on a stalling node (10 nodes, fake time)', () => {
  const N = 10
  const SLOW = 'n3'
  const STALL_MS = 2 * 60_000

  /**
   * A fleet where every message to or from SLOW waits a one-way latency in
   * [minFactor, maxFactor] × probeInterval (its event loop stalls), while the
   * others are healthy, for two simulated minutes; then SLOW recovers.
   */
  function stallingFleet(awarenessMaxMultiplier: number, [minFactor, maxFactor]: [number, number], seed: number) {
    const cfg = resolveSwimConfig({ profile: 'local', awarenessMaxMultiplier })
    const cluster = new SwimCluster({ size: N, config: cfg, seed })
    cluster.run(5 * cfg.probeIntervalMs)
    const from = cluster.clock.now()
    cluster.network.setNodeConditions(SLOW, {
      minLatencyMs: minFactor * cfg.probeIntervalMs,
      maxLatencyMs: maxFactor * cfg.probeIntervalMs,
    })
    let maxScore = 0
    cluster.runUntil(() => {
      maxScore = Math.max(maxScore, cluster.node(SLOW).healthScore)
      return false
    }, STALL_MS)
    const during = cluster.events.filter((e) => e.at >= from)
    const bySlow = during.filter((e) => e.observer === SLOW && e.id !== SLOW)
    return {
      cfg,
      cluster,
      maxScore,
      scoreAtEnd: cluster.node(SLOW).healthScore,
      /** Every member SLOW suspected was healthy: all false suspicions. */
      falseSuspicions: bySlow.filter((e) => e.status === 'suspect').length,
      falseDeathsBySlow: bySlow.filter((e) => e.status === 'dead').length,
      /** Healthy members declared dead by anyone. */
      healthyDeaths: during.filter((e) => e.id !== SLOW && e.status === 'dead').length,
      /** Suspicions of healthy members anywhere (SLOW's, spread by gossip). */
      healthySuspicions: during.filter((e) => e.id !== SLOW && e.status === 'suspect').length,
    }
  }

  it('raises its health score and marks no healthy member dead; without awareness it keeps accusing them; healthy again, its score decays to 0', () => {
    // Round trips up to 2.4 probe intervals: most direct and indirect probes by SLOW outlast the interval.
    const stall: [number, number] = [0, 1.2]
    const aware = stallingFleet(MAX, stall, 1)
    const unaware = stallingFleet(1, stall, 1)
    console.info(
      `stalling node over ${STALL_MS / 1000} s — awareness ×${MAX}: score max ${aware.maxScore}, false suspicions ` +
        `${aware.falseSuspicions} (${aware.healthySuspicions} fleet-wide), healthy deaths ${aware.healthyDeaths}; ` +
        `awareness off: false suspicions ${unaware.falseSuspicions} (${unaware.healthySuspicions} fleet-wide), healthy deaths ${unaware.healthyDeaths}`,
    )
    expect(aware.maxScore).toBeGreaterThan(0)
    expect(aware.scoreAtEnd).toBeGreaterThan(0)
    expect(aware.healthyDeaths).toBe(0)
    for (const id of aware.cluster.ids()) {
      if (id !== SLOW) expect(aware.cluster.everyoneSees(id, 'alive')).toBe(true)
    }
    // The difference awareness makes: the stalling node stops accusing healthy members.
    expect(unaware.maxScore).toBe(0)
    expect(unaware.falseSuspicions).toBeGreaterThanOrEqual(20)
    expect(aware.falseSuspicions * 10).toBeLessThan(unaware.falseSuspicions)
    expect(aware.healthySuspicions * 10).toBeLessThan(unaware.healthySuspicions)

    // Healthy again: each prompt direct ack pays one point back, one probe per stretched interval.
    // From the ceiling that takes Σ (s + 1) × interval for s = 1..max − 1; twice that allows for the
    // suspicions of SLOW still in flight, which it refutes (+1 each).
    const { cluster, cfg } = aware
    cluster.network.setNodeConditions(SLOW, null)
    let payback = 0
    for (let s = 1; s < cfg.awarenessMaxMultiplier; s++) payback += (s + 1) * cfg.probeIntervalMs
    expect(cluster.runUntil(() => cluster.node(SLOW).healthScore === 0, 2 * payback)).toBe(true)
    // And it stays healthy, with everybody alive.
    const healedAt = cluster.clock.now()
    cluster.run(20 * cfg.probeIntervalMs)
    expect(cluster.node(SLOW).healthScore).toBe(0)
    expect(cluster.events.filter((e) => e.at >= healedAt && e.status !== 'alive')).toEqual([])
  })

  it('under longer stalls never declares a healthy member dead, which it does without awareness', () => {
    // Round trips of 1.2 to 3.6 probe intervals: the others rightly find SLOW unresponsive (they may
    // declare it dead, and it refutes); what awareness prevents is SLOW killing the healthy ones.
    const stall: [number, number] = [0.6, 1.8]
    const aware = stallingFleet(MAX, stall, 4)
    const unaware = stallingFleet(1, stall, 4)
    console.info(
      `long stalls over ${STALL_MS / 1000} s — healthy members declared dead by the stalling node: ` +
        `${aware.falseDeathsBySlow} with awareness ×${MAX}, ${unaware.falseDeathsBySlow} without`,
    )
    expect(aware.maxScore).toBe(MAX - 1)
    expect(aware.falseDeathsBySlow).toBe(0)
    expect(aware.healthyDeaths).toBe(0)
    expect(unaware.falseDeathsBySlow).toBeGreaterThan(0)
    expect(aware.falseSuspicions * 10).toBeLessThan(unaware.falseSuspicions)
  })
})
