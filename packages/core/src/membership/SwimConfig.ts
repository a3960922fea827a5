import { MAX_UPDATES } from './SwimMessage.js'
import { integerAtLeast, integerIn, invalid, numberAtLeast, numberOver, oneOf } from '../util/validate.js'

/**
 * Timing and fan-out of the SWIM membership protocol (with Lifeguard's
 * refinements). N below is the number of live members (alive + suspect, self
 * included). Every setting names its unit, its formula and what moving it costs,
 * memberlist style. Start from a profile (`profiles.lan`, `profiles.local`) and
 * override single fields with `resolveSwimConfig`.
 */
export interface SwimConfig {
  /**
   * Time between two probes started by this node, ms. Each interval the node
   * pings the next member of a shuffled round-robin, so a crashed member is
   * probed by someone about once per interval, and by every member within N
   * intervals. Lower: faster detection, N messages per interval fleet-wide.
   * Stretched by the node's health multiplier (`awarenessMaxMultiplier`).
   */
  readonly probeIntervalMs: number
  /**
   * How long to wait for the ack of a direct ping before asking
   * `indirectChecks` others to ping the target, ms (< probeIntervalMs). Set it
   * near the 99th percentile round trip: lower causes needless indirect probes,
   * higher leaves less of the interval for the indirect ones. Stretched by
   * the health multiplier like the interval.
   */
  readonly probeTimeoutMs: number
  /**
   * k, the members asked to ping a target that missed the direct ping
   * (ping-req), integer ≥ 0. Each extra path lowers the chance that one lossy
   * link gets a healthy member suspected, at 4 messages per path per failed probe.
   */
  readonly indirectChecks: number
  /**
   * Suspicion lasts `suspicionMult × max(1, log10(N+1)) × probeIntervalMs`
   * before the suspect is declared dead (shortened by confirmations, see
   * `suspicionMinFraction`), ≥ 1. Higher: more time for a slow or unlucky member
   * to refute, slower removal of a crashed one. Each node stretches the
   * suspicions it starts by its health multiplier at that moment.
   */
  readonly suspicionMult: number
  /**
   * Independent confirmations shrink the suspicion timeout from its maximum
   * (above) toward `maximum × suspicionMinFraction` (Lifeguard), in (0, 1].
   * `suspicionMult − 2` confirmations reach the minimum. 1 disables the
   * shrinking; lower removes a crashed member sooner when many agree, but
   * leaves less time to refute.
   */
  readonly suspicionMinFraction: number
  /**
   * Lifeguard's local health awareness: the most this node stretches its own
   * timing when it looks unhealthy itself, integer ≥ 1 (1 disables). The node
   * keeps a health score in 0..awarenessMaxMultiplier − 1: +1 when a probe gets
   * no ack at all (direct or relayed), +1 when it must refute a suspicion of
   * itself, −1 for each direct ack within the probe timeout. Its probe
   * interval, probe timeout and the suspicion timeouts it starts are multiplied
   * by score + 1. A node whose event loop stalls or whose links are slow then
   * probes less often and waits longer instead of suspecting healthy members;
   * it costs slower detection by a node that really is degraded, and, without
   * memberlist's nack messages (not in our wire format), a healthy node that
   * probes a crashed member counts that as trouble of its own for a few probes.
   * Higher: more tolerance for long local stalls, slower worst-case detection.
   */
  readonly awarenessMaxMultiplier: number
  /**
   * Each piggybacked update is sent `retransmitMult × ceil(log10(N+1))` times by
   * every node that queues it, integer ≥ 1. Higher: an update survives more
   * loss, and more of each message is spent on old news.
   */
  readonly retransmitMult: number
  /**
   * Time between two full state syncs (members and breaker table) with a random
   * live member, ms. Run by the runtime, not by `Swim`. It heals whatever gossip
   * lost; lower costs a full table transfer more often.
   */
  readonly pushPullIntervalMs: number
  /**
   * Most updates piggybacked on one ping, ack or ping-req, integer in
   * 1..MAX_UPDATES, 256 (member updates first, then the delegates' items, e.g. breaker records).
   * Higher: faster dissemination under many changes, larger messages.
   */
  readonly maxPiggyback: number
  /**
   * Time between two gossip rounds, ms. A round pings `gossipNodes` random live
   * members with pending updates piggybacked (only when updates are queued; the
   * acks bring the peers' updates back). memberlist's gossip interval: without
   * it, news only rides on one probe per interval and a suspicion can outrun its
   * refutation. Lower spreads news faster at more messages while news is pending.
   */
  readonly gossipIntervalMs: number
  /** Members pinged per gossip round, integer ≥ 0 (0 disables gossip rounds). Higher: faster spread, more messages. */
  readonly gossipNodes: number
  /**
   * How often to retry a dead (not left) member, ms: `Swim.reconnectDue` returns
   * it this often so the runtime re-dials it and runs a push-pull (serf's
   * reconnect). This is what merges the halves of a healed partition. Lower
   * merges sooner, at more dial attempts to members that are really gone.
   */
  readonly reconnectIntervalMs: number
  /**
   * Longest wait between two retries of one dead member, ms (≥
   * reconnectIntervalMs). Each member's retries back off: the first comes
   * `reconnectIntervalMs` after its death, each later one twice as long after
   * the previous, up to this. Lower heals a long partition sooner; higher
   * spends fewer dials on members that are gone for good.
   */
  readonly reconnectMaxIntervalMs: number
  /**
   * Most dead members `reconnectDue` returns per `reconnectIntervalMs`,
   * integer ≥ 1 (the most overdue first). With it, failed dials grow with
   * this number, not with the number of dead members; one successful
   * push-pull with the other side of a partition is enough to start the merge.
   */
  readonly reconnectsPerInterval: number
  /**
   * How long after its death a member is still retried, ms (≥ 0; 0 never
   * retries). Longer heals longer partitions, at more dials to members that are gone for good.
   */
  readonly reconnectTimeoutMs: number
  /**
   * Member retention: how long a dead or left member stays listed before it
   * is forgotten, ms (≥ reconnectTimeoutMs, since only a listed member can be
   * retried). Longer keeps it visible in views, and memory grows with churn
   * (bounded by the member cap, which evicts the oldest gone member first).
   */
  readonly deadMemberRetentionMs: number
}

export type SwimProfileName = 'lan' | 'local'

const HOUR = 3_600_000

const lan: SwimConfig = Object.freeze({
  probeIntervalMs: 1_000,
  probeTimeoutMs: 500,
  indirectChecks: 3,
  suspicionMult: 4,
  suspicionMinFraction: 0.5,
  awarenessMaxMultiplier: 8,
  retransmitMult: 4,
  pushPullIntervalMs: 30_000,
  maxPiggyback: 16,
  gossipIntervalMs: 200,
  gossipNodes: 3,
  reconnectIntervalMs: 10_000,
  reconnectMaxIntervalMs: 120_000,
  reconnectsPerInterval: 4,
  reconnectTimeoutMs: 6 * HOUR,
  deadMemberRetentionMs: 6 * HOUR,
})

const local: SwimConfig = Object.freeze({
  probeIntervalMs: 500,
  probeTimeoutMs: 250,
  indirectChecks: 3,
  suspicionMult: 3,
  suspicionMinFraction: 0.5,
  awarenessMaxMultiplier: 8,
  retransmitMult: 3,
  pushPullIntervalMs: 5_000,
  maxPiggyback: 16,
  gossipIntervalMs: 100,
  gossipNodes: 3,
  reconnectIntervalMs: 1_000,
  reconnectMaxIntervalMs: 8_000,
  reconnectsPerInterval: 4,
  reconnectTimeoutMs: 60_000,
  deadMemberRetentionMs: 60_000,
})

/**
 * Named profiles. `lan`: memberlist's LAN defaults (probe 1 s, timeout 500 ms,
 * k = 3, suspicion ×4, retransmit ×4, awareness ×8, push-pull 30 s), reconnect
 * 10 s after a death, backing off to every 2 min, for 6 h (4 members per 10 s
 * at most); dead and left members listed for 6 h. `local`: for tests and fleets of processes on one host
 * (probe 500 ms, timeout 250 ms, k = 3, suspicion ×3, retransmit ×3, awareness
 * ×8, push-pull 5 s), reconnect 1 s after a death, backing off to every 8 s,
 * for 60 s (4 members a second at most); gone members listed for 60 s. Its timeout leaves room for
 * event-loop stalls of 100+ ms on a loaded 2-core machine running one process
 * per node, while a crash is still declared within a few seconds (suspicion
 * 3 × log10(N+1) × 500 ms: about 2.6 s at N = 50, before confirmations).
 */
export const profiles: Readonly<Record<SwimProfileName, SwimConfig>> = Object.freeze({ lan, local })

const FIELDS = Object.keys(lan) as ReadonlyArray<keyof SwimConfig>

/** A profile name, or some fields over a profile (`profile`, default 'lan'). */
export type SwimConfigInput = SwimProfileName | (Partial<SwimConfig> & { readonly profile?: SwimProfileName })

/**
 * Build a validated, frozen config: a profile name, or a partial config laid
 * over `profile` (default 'lan'). Throws a `RangeError` naming the field and
 * value for an unknown profile, an unknown field or a value out of range.
 */
export function resolveSwimConfig(input: SwimConfigInput = 'lan'): SwimConfig {
  if (typeof input === 'string') return validateSwimConfig({ ...profileOf(input) })
  const { profile, ...fields } = input
  for (const key of Object.keys(fields)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new RangeError(`SwimConfig has no field '${key}' (known: ${FIELDS.join(', ')})`)
    }
  }
  const merged: Record<string, unknown> = { ...profileOf(profile ?? 'lan') }
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) merged[key] = value
  return validateSwimConfig(merged as unknown as SwimConfig)
}

function profileOf(name: string): SwimConfig {
  return profiles[oneOf('SwimConfig profile', name, ['lan', 'local'])]
}

/** Check every field of a complete config; returns a frozen copy or throws a `RangeError`. */
export function validateSwimConfig(config: SwimConfig): SwimConfig {
  const c = config
  const f = (field: keyof SwimConfig): string => `SwimConfig.${field}`
  numberOver(f('probeIntervalMs'), c.probeIntervalMs, 0)
  numberOver(f('probeTimeoutMs'), c.probeTimeoutMs, 0)
  if (c.probeTimeoutMs >= c.probeIntervalMs) {
    throw invalid(f('probeTimeoutMs'), `less than probeIntervalMs (${c.probeIntervalMs}), to leave time for indirect probes`, c.probeTimeoutMs)
  }
  integerAtLeast(f('indirectChecks'), c.indirectChecks, 0)
  numberAtLeast(f('suspicionMult'), c.suspicionMult, 1)
  numberOver(f('suspicionMinFraction'), c.suspicionMinFraction, 0, 1)
  integerAtLeast(f('awarenessMaxMultiplier'), c.awarenessMaxMultiplier, 1)
  integerAtLeast(f('retransmitMult'), c.retransmitMult, 1)
  numberOver(f('pushPullIntervalMs'), c.pushPullIntervalMs, 0)
  // at most what the decoder accepts on one message
  integerIn(f('maxPiggyback'), c.maxPiggyback, 1, MAX_UPDATES)
  numberOver(f('gossipIntervalMs'), c.gossipIntervalMs, 0)
  integerAtLeast(f('gossipNodes'), c.gossipNodes, 0)
  numberOver(f('reconnectIntervalMs'), c.reconnectIntervalMs, 0)
  if (!(Number.isFinite(c.reconnectMaxIntervalMs) && c.reconnectMaxIntervalMs >= c.reconnectIntervalMs)) {
    throw invalid(f('reconnectMaxIntervalMs'), `a finite number ≥ reconnectIntervalMs (${c.reconnectIntervalMs})`, c.reconnectMaxIntervalMs)
  }
  integerAtLeast(f('reconnectsPerInterval'), c.reconnectsPerInterval, 1)
  numberAtLeast(f('reconnectTimeoutMs'), c.reconnectTimeoutMs, 0)
  if (!(Number.isFinite(c.deadMemberRetentionMs) && c.deadMemberRetentionMs >= c.reconnectTimeoutMs)) {
    throw invalid(
      f('deadMemberRetentionMs'),
      `a finite number ≥ reconnectTimeoutMs (${c.reconnectTimeoutMs}): only a listed member can be retried`,
      c.deadMemberRetentionMs,
    )
  }
  const copy: Record<string, number> = {}
  for (const key of FIELDS) copy[key] = c[key]
  return Object.freeze(copy as unknown as SwimConfig)
}
