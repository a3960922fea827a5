// The fleet decision policies (`any`, `quorum`, `aggregate`) against each other, in
// fake time on core's MemoryNetwork (FleetSim): the scenarios of issue 11 item 4.
// Every node calls one dependency through breaker 'dep' at a fixed rate; a scenario
// says, per node and instant, whether that node's call to it fails. Counted per call:
// admitted while failing (reached the failing dependency), refused while healthy (a
// healthy call refused), refused while failing (protected). Deterministic per seed.
import { FleetSim, seededRandom } from '@breaker-mesh/core/testing'

/** The trip rules every policy runs with: the library's defaults (50 % over 10 s, 20 calls, 5 s cooldown). */
export const BASE_OPTIONS = { failureRate: 50, minimumCalls: 20, window: { kind: 'time', ms: 10_000 }, cooldownMs: 5_000 }
export const POLICIES = ['any', 'quorum', 'aggregate']

const WARM_MS = 15_000

/**
 * The scenarios. `fails(i, t, rnd)` is whether node i's call at fake ms t (from the
 * outage start) fails; `sick(i)` names the nodes whose own path fails in (b).
 */
export const SCENARIOS = [
  {
    id: 'a',
    title: '(a) the dependency fails for everyone',
    size: 5,
    rps: 20,
    durationMs: 30_000,
    fails: () => true,
  },
  {
    id: 'b',
    title: "(b) one node's own path fails, the others are fine",
    size: 5,
    rps: 20,
    durationMs: 30_000,
    fails: (i) => i === 0,
    sick: (i) => i === 0,
  },
  {
    id: 'c',
    title: '(c) 20 nodes at 1 call/s while the dependency fails',
    size: 20,
    rps: 1,
    durationMs: 30_000,
    fails: () => true,
  },
  {
    id: 'd',
    title: '(d) a 3/2 partition during an outage',
    size: 5,
    rps: 20,
    durationMs: 30_000,
    fails: () => true,
    partition: [
      [0, 1, 2],
      [3, 4],
    ],
  },
  {
    id: 'f',
    title: '(f) one sick node carries most of the traffic (100 calls/s; the 4 others 5 calls/s, fine)',
    size: 5,
    rps: (i) => (i === 0 ? 100 : 5),
    durationMs: 30_000,
    fails: (i) => i === 0,
    sick: (i) => i === 0,
  },
  {
    id: 'e',
    title: '(e) flapping: 50 % failures and healthy in alternating 10 s phases',
    size: 5,
    rps: 20,
    durationMs: 60_000,
    fails: (_i, t, rnd) => Math.floor(t / 10_000) % 2 === 0 && rnd() < 0.5,
  },
]

/**
 * Run one scenario under one policy (`rps`: calls per second of every node, or per node index). Returns, from the outage start (fake ms):
 * when every node (of each side, in a partition) saw the fleet open, when every node
 * was failing fast (fleet open or isolated), calls admitted while failing, healthy
 * calls refused, fleet opens written, and protocol bytes sent per node per second.
 */
export function runScenario(scenario, decision, { swim = 'lan', seed = 7 } = {}) {
  const sim = new FleetSim({ size: scenario.size, swim, seed })
  if (sim.runUntil(() => sim.viewsAgree(), 120_000, 20) === undefined) throw new Error(`${scenario.id}/${decision}: the fleet never formed`)
  const options = { ...BASE_OPTIONS, decision }
  const breakers = sim.nodes.map((n) => n.breaker('dep', options))
  const rnd = seededRandom(seed * 31 + scenario.size)

  let outageAt = Infinity
  const counts = { admittedFailing: 0, refusedHealthy: 0, refusedFailing: 0, admittedHealthy: 0, healthyRefusedOnHealthyNodes: 0 }
  const firstOpen = new Array(scenario.size).fill(null)
  const firstFailFast = new Array(scenario.size).fill(null)
  let opensWritten = 0
  for (const [i, node] of sim.nodes.entries()) {
    node.onBreakerChange((c) => {
      const t = sim.clock.now()
      if (t < outageAt) return
      if (c.record.state === 'open' && c.previous?.state !== 'open') {
        if (firstOpen[i] === null) firstOpen[i] = t - outageAt
        if (c.local) opensWritten++
      }
    })
  }

  // Each node calls every 1000/rps ms, staggered.
  for (let i = 0; i < scenario.size; i++) {
    const period = 1000 / (typeof scenario.rps === 'function' ? scenario.rps(i) : scenario.rps)
    const call = () => {
      const t = sim.clock.now()
      const during = t >= outageAt
      const failing = during && scenario.fails(i, t - outageAt, rnd)
      const b = breakers[i]
      if (b.tryAcquire()) {
        b.record(!failing, 5)
        if (failing) counts.admittedFailing++
        else counts.admittedHealthy++
      } else if (during) {
        if (failing) counts.refusedFailing++
        else {
          counts.refusedHealthy++
          if (!scenario.sick?.(i)) counts.healthyRefusedOnHealthyNodes++
        }
        if (firstFailFast[i] === null) firstFailFast[i] = t - outageAt
      }
      sim.clock.setTimeout(call, period)
    }
    sim.clock.setTimeout(call, (period * i) / scenario.size)
  }

  sim.run(WARM_MS)
  outageAt = sim.clock.now()
  for (const c of Object.keys(counts)) counts[c] = 0
  const bytes0 = sim.nodes.map((n) => n.counters.bytesOut)
  if (scenario.partition) sim.partition(...scenario.partition)
  sim.run(scenario.durationMs)
  const bytesPerNodePerSec = sim.nodes.reduce((sum, n, i) => sum + n.counters.bytesOut - bytes0[i], 0) / scenario.size / (scenario.durationMs / 1000)

  const groups = scenario.partition ?? [sim.nodes.map((_, i) => i)]
  const whenAll = (firsts, group) => (group.every((i) => firsts[i] !== null) ? Math.max(...group.map((i) => firsts[i])) : null)
  return {
    scenario: scenario.id,
    decision,
    fleetOpenMs: groups.map((g) => whenAll(firstOpen, g)),
    failFastMs: groups.map((g) => whenAll(firstFailFast, g)),
    ...counts,
    opensWritten,
    isolatedAtEnd: sim.nodes.filter((n) => n.existingBreaker('dep')?.isolated).length,
    bytesPerNodePerSec,
  }
}

/**
 * Protocol bytes per node per second of a fleet of `size` nodes in fake time, each
 * calling `breakers` breakers decided by `decision` at `rps` calls per second each,
 * all healthy, over `windowMs` after a warm-up (the cost of publishing opinions).
 */
export function opinionCost({ size = 25, breakers = 100, rps = 3, decision = 'quorum', swim = 'lan', windowMs = 30_000, seed = 3 } = {}) {
  const sim = new FleetSim({ size, swim, seed })
  if (sim.runUntil(() => sim.viewsAgree(), 120_000, 20) === undefined) throw new Error('the fleet never formed')
  const options = { ...BASE_OPTIONS, decision }
  const period = 1000 / rps
  for (const node of sim.nodes) {
    const handles = Array.from({ length: breakers }, (_, k) => node.breaker(`svc-${String(k).padStart(3, '0')}`, options))
    const tick = () => {
      for (const b of handles) if (b.tryAcquire()) b.record(true, 5)
      sim.clock.setTimeout(tick, period)
    }
    sim.clock.setTimeout(tick, Math.floor(sim.clock.now() % period))
  }
  sim.run(15_000)
  const bytes0 = sim.nodes.map((n) => n.counters.bytesOut)
  const msgs0 = sim.nodes.map((n) => n.counters.messagesOut)
  const pub0 = sim.nodes.map((n) => n.counters.opinionsPublished)
  sim.run(windowMs)
  const secs = windowMs / 1000
  const held = sim.nodes.map((n) => n.opinionsHeld)
  return {
    bytesPerNodePerSec: sim.nodes.reduce((s, n, i) => s + n.counters.bytesOut - bytes0[i], 0) / size / secs,
    messagesPerNodePerSec: sim.nodes.reduce((s, n, i) => s + n.counters.messagesOut - msgs0[i], 0) / size / secs,
    publishedPerNodePerSec: sim.nodes.reduce((s, n, i) => s + n.counters.opinionsPublished - pub0[i], 0) / size / secs,
    opinionsHeldMax: Math.max(...held),
    fresh: sim.nodes[0].decision('svc-000').fleet.fresh,
  }
}
