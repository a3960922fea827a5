// Fleet decision policies against each other (issue 11 item 4): `any` (the first trip
// opens the fleet), `quorum` (a majority of fresh opinions), `aggregate` (the trip
// rules over the fleet's summed windows), on the scenarios (a)–(e), in fake time on
// MemoryNetwork and, for (a) and (b), on real processes; and the bytes per node per
// second of per-node opinions at 25 nodes × 100 active breakers (issue 11 item 1),
// measured here rather than in the cost suite, which measures an idle fleet and is
// tuned on another branch: this suite owns its own fleets and fixture.
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MeshProcess } from '../../lib/MeshProcess.mjs'
import { hrNow } from '../../lib/hrNow.mjs'
import { pause, pollUntil } from '../../lib/poll.mjs'
import { BASE_OPTIONS, POLICIES, SCENARIOS, opinionCost, runScenario } from '../lib/decisionScenarios.mjs'
import { fmt, row } from '../lib/targets.mjs'

const FIXTURE = fileURLToPath(new URL('../fixtures/decision-node.mjs', import.meta.url))
/** Calls per second of each of the 100 breakers in the cost measurement: a window of 30 calls, over minimumCalls. */
const COST_RPS = 3
const secs = (ms) => (ms === null || ms === undefined ? 'never' : `${fmt(ms / 1000)} s`)

/** Bytes this process wrote (sockets included), from /proc; null off Linux. */
function wchar(pid) {
  try {
    return Number(/^wchar: (\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1])
  } catch {
    return null
  }
}

/** `size` decision-node processes on 127.0.0.1 (local profile), all joined to the first, fully meshed. */
async function startFleet(ctx, size, label) {
  const fleet = `bench-decision-${label}-${process.pid}`
  const nodes = []
  const spawn = async (name, join) => {
    if (ctx.aborted) throw new Error('suite stopped')
    const node = new MeshProcess(name, FIXTURE, { fleet, name, listen: '127.0.0.1:0', join, mdns: false, profile: 'local' }, { keepEvents: false })
    nodes.push(node)
    await node.whenReady(90_000)
    return node
  }
  try {
    const first = await spawn('n1', [])
    let next = 1
    const worker = async () => {
      while (next < size) await spawn(`n${++next}`, [first.hostPort])
    }
    await Promise.all([worker(), worker(), worker()])
    let last = ''
    await pollUntil(
      async () => {
        const views = await Promise.all(nodes.map((n) => n.command({ cmd: 'members' })))
        const counts = views.map((v) => v.members.filter((m) => m.status === 'alive').length)
        last = counts.join(',')
        return counts.every((c) => c === size)
      },
      { timeoutMs: 60_000 + size * 3_000, intervalMs: 250, what: `full membership of ${size}`, describe: () => last, signal: ctx.signal },
    )
  } catch (err) {
    await Promise.all(nodes.map((n) => n.kill()))
    throw err
  }
  return nodes
}

/** Fake time: every scenario under every policy. */
function fakeTime(ctx, out) {
  const table = {
    title: 'Policies compared in fake time (MemoryNetwork, lan profile: opinions every 1 s, TTL 5 s)',
    columns: ['scenario', 'decision', 'outage → fleet open (every node)', 'outage → every node failing fast', 'calls that reached the failing dependency', 'healthy calls refused', 'fleet opens written', 'bytes sent per node per second'],
    rows: [],
  }
  const results = []
  for (const s of SCENARIOS) {
    for (const decision of POLICIES) {
      const r = runScenario(s, decision)
      results.push(r)
      const sides = (list) => (s.partition ? list.map((v, i) => `${['3-side', '2-side'][i]} ${secs(v)}`).join(', ') : secs(list[0]))
      table.rows.push([s.title, decision, sides(r.fleetOpenMs), sides(r.failFastMs), r.admittedFailing, r.refusedHealthy, r.opensWritten, fmt(r.bytesPerNodePerSec)])
    }
  }
  out.tables.push(table)
  out.raw.fakeTime = results
  return results
}

/** Real processes: (a) and (b) at once on one fleet of 5, each policy on breakers of its own. */
async function realScenarios(ctx, out, { warmMs, outageMs }) {
  const nodes = await startFleet(ctx, 5, 'ab')
  try {
    const start = (scenario) => Promise.all(POLICIES.map((decision) => Promise.all(nodes.map((n) => n.command({ cmd: 'workload', prefix: `${scenario}-${decision}-`, names: 1, decision, rps: 20 })))))
    await start('a')
    await start('b')
    await pause(warmMs, ctx.signal)
    // Every node's scenario clock starts now; in (b) only n1's calls fail.
    const fail = (prefix, failing) => Promise.all(nodes.map((n, i) => n.command({ cmd: 'fail', prefix, failing: failing(i) })))
    const t0 = hrNow()
    await Promise.all(POLICIES.flatMap((d) => [fail(`a-${d}-`, () => true), fail(`b-${d}-`, (i) => i === 0)]))
    ctx.log(`outage started ${fmt(hrNow() - t0)} ms after the first fail command`)
    await pause(outageMs, ctx.signal)
    const table = {
      title: `On real processes (5 nodes, local profile: opinions every 500 ms, TTL 2.5 s; ${outageMs / 1000} s of outage after ${warmMs / 1000} s of healthy calls, 20 calls/s per node)`,
      columns: ['scenario', 'decision', 'outage → fleet open (every node)', 'outage → every node failing fast', 'calls that reached the failing dependency', 'healthy calls refused', 'isolated nodes at the end'],
      rows: [],
    }
    for (const [scenario, title] of [
      ['a', '(a) the dependency fails for everyone'],
      ['b', "(b) one node's own path fails"],
    ]) {
      for (const decision of POLICIES) {
        const tallies = await Promise.all(nodes.map((n) => n.command({ cmd: 'tally', prefix: `${scenario}-${decision}-` })))
        const all = (f) => (tallies.every((t) => t.breakers[0][f] !== null) ? Math.max(...tallies.map((t) => t.breakers[0][f])) : null)
        const sum = (c) => tallies.reduce((s, t) => s + t.counts[c], 0)
        const r = { scenario, decision, fleetOpenMs: all('firstOpen'), failFastMs: all('firstRefused'), admittedFailing: sum('admittedFailing'), refusedHealthy: sum('refusedHealthy'), isolated: tallies.filter((t) => t.breakers[0].isolated).length }
        out.raw[`process-${scenario}-${decision}`] = r
        table.rows.push([title, decision, secs(r.fleetOpenMs), secs(r.failFastMs), r.admittedFailing, r.refusedHealthy, r.isolated])
      }
    }
    out.tables.push(table)
  } finally {
    await Promise.all(nodes.map((n) => n.kill()))
  }
}

/** Real processes: 25 nodes, 100 breakers each called twice a second, first decided by any (no opinions), then by quorum. */
async function realCost(ctx, out, { size, names, windowMs }) {
  const nodes = await startFleet(ctx, size, 'cost')
  const measure = async (decision) => {
    await Promise.all(nodes.map((n) => n.command({ cmd: 'workload', prefix: `cost-${decision}-`, names, decision, rps: COST_RPS })))
    await pause(12_000, ctx.signal) // windows fill, opinions reach every node
    const pids = nodes.map((n) => n.child.pid)
    const c0 = await Promise.all(nodes.map((n) => n.command({ cmd: 'counters' })))
    const w0 = pids.map(wchar)
    await pause(windowMs, ctx.signal)
    const c1 = await Promise.all(nodes.map((n) => n.command({ cmd: 'counters' })))
    const w1 = pids.map(wchar)
    await Promise.all(nodes.map((n) => n.command({ cmd: 'idle', prefix: `cost-${decision}-` })))
    const per = (f) => f.reduce((a, b) => a + b, 0) / size
    return {
      protocol: per(c1.map((c, i) => (c.gossip.bytesOut - c0[i].gossip.bytesOut) / ((c.t - c0[i].t) / 1000))),
      socket: w0.every((w) => w !== null) ? per(w1.map((w, i) => (w - w0[i]) / (windowMs / 1000))) : null,
      opinionsHeld: Math.max(...c1.map((c) => c.opinionsHeld)),
      messages: per(c1.map((c, i) => (c.gossip.messagesOut - c0[i].gossip.messagesOut) / ((c.t - c0[i].t) / 1000))),
      published: per(c1.map((c, i) => (c.opinionsPublished - c0[i].opinionsPublished) / ((c.t - c0[i].t) / 1000))),
    }
  }
  try {
    const any = await measure('any')
    await pause(6_000, ctx.signal) // the quorum breakers start from an idle fleet
    const quorum = await measure('quorum')
    out.raw.realCost = { size, names, any, quorum }
    return { any, quorum }
  } finally {
    await Promise.all(nodes.map((n) => n.kill()))
  }
}

export default {
  name: 'decision',
  title: 'Fleet decision policies: any, quorum, aggregate',
  issue: 'issue 11 (per-node opinions and fleet decision policies): item 4, the scenarios (a)–(e); item 1, bytes per node per second at 25 nodes × 100 active breakers',
  budgetMs: (quick) => (quick ? 170_000 : 600_000),

  async run(ctx, out) {
    out.method.push(
      `Trip rules for every policy: the defaults (${BASE_OPTIONS.failureRate} % failures over a ${BASE_OPTIONS.window.ms / 1000} s window, at least ${BASE_OPTIONS.minimumCalls} calls, ${BASE_OPTIONS.cooldownMs / 1000} s cooldown); quorum: a majority, minReporting 3; aggregate: minReporting 3. Every node calls the dependency at a fixed rate (20 calls/s; 1 call/s in (c)) through breaker \`dep\`, healthy for 15 s (so every window is full when the outage starts), then the scenario: (a) every call fails; (b) node 1's calls fail, the others' succeed; (c) 20 nodes, every call fails; (d) the fleet splits 3/2 as every call starts failing; (f) as (b), but node 1 makes 100 calls/s and the others 5 (a sick batch worker beside quiet instances); (e) 10 s phases alternate 50 % random failures and none, for 60 s.`,
      '"outage → fleet open": until every node (of each side) holds the breaker record open; "failing fast": until every node refuses calls (fleet open or isolated); "calls that reached the failing dependency": calls admitted while they would fail, all nodes; "healthy calls refused": calls refused that would have succeeded (in (b): on the four healthy nodes; in (e): during the healthy phases and the lucky half of the failing ones). "fleet opens written": record writes that opened the fleet (re-opens after a failed probe included; concurrent writers each count). Bytes: encoded protocol messages (SWIM, gossip deltas, push-pull) per node per second during the scenario, gossipsub relaying not included.',
      'Fake time: `FleetSim` (`@breaker-mesh/core/testing`, compiled), the `lan` SWIM profile (the production default: opinions every 1 s, TTL 5 s), 1–5 ms links, seed 7; deterministic. Real processes: `scripts/bench/fixtures/decision-node.mjs` (createMesh, libp2p on loopback, `local` profile), synthetic calls (no I/O) so that only the fleet decision is measured.',
      `Opinion cost: every node calls 100 breakers ${COST_RPS} times a second each (all healthy), first decided by \`any\` (no opinions: the baseline), then by \`quorum\`; after 12 s (windows full, opinions everywhere), protocol bytes (\`mesh.stats().gossip.bytesOut\`) and socket bytes (\`/proc/<pid>/io\` wchar: libp2p, Noise, Yamux and gossipsub relays included) over a window, per node per second. Rerun: \`node scripts/bench/run.mjs --only decision\` (add \`--quick\` for a 10 s outage on processes and no 25-process run).`,
    )
    // 1. Fake time: every scenario, every policy.
    const fake = fakeTime(ctx, out)
    const pick = (s, d) => fake.find((r) => r.scenario === s && r.decision === d)
    for (const d of POLICIES) {
      out.summary.push(row({ metric: `(b) healthy calls refused on the 4 healthy nodes, ${d} (fake time)`, value: pick('b', d).healthyRefusedOnHealthyNodes, unit: 'calls', note: pick('b', d).fleetOpenMs[0] === null ? 'no false fleet-open' : `false fleet-open after ${secs(pick('b', d).fleetOpenMs[0])}` }))
    }
    for (const d of POLICIES) {
      out.summary.push(row({ metric: `(c) 20 nodes at 1 call/s: calls that reached the failing dependency in 30 s, ${d} (fake time)`, value: pick('c', d).admittedFailing, unit: 'calls', note: pick('c', d).fleetOpenMs[0] === null ? 'never opens' : `fleet open after ${secs(pick('c', d).fleetOpenMs[0])}` }))
    }
    // 2. Opinion cost in fake time, 25 × 100 (exact protocol bytes, no relays).
    const cost = { table: { title: `Cost of per-node opinions: 25 nodes × 100 active breakers (${COST_RPS} calls/s each, all healthy)`, columns: ['where', 'decision', 'protocol bytes sent per node per second', 'socket bytes written per node per second', 'messages sent per node per second', 'opinions published per node per second', 'opinions held per node (max)'], rows: [] } }
    cost.table.note =
      'Protocol bytes are the encoded messages a node sends (each gossip delta counted once); the socket column adds what libp2p does with them: every delta flood-published to the 24 peers and relayed by gossipsub, Noise and Yamux framing. On processes the fleet runs 25 nodes on this 2-core machine: event-loop stalls move windows in bursts (more opinions published than the keep-alives alone) and connections that drop and come back each start a push-pull, which carries the sides\' opinions; fake time shows the cost of the protocol itself.'

    for (const swim of ['lan', 'local']) {
      for (const decision of ['any', 'quorum']) {
        const c = opinionCost({ decision, rps: COST_RPS, swim })
        out.raw[`fakeCost-${swim}-${decision}`] = c
        cost.table.rows.push([`fake time (${swim} profile)`, decision, fmt(c.bytesPerNodePerSec), '–', fmt(c.messagesPerNodePerSec), fmt(c.publishedPerNodePerSec), c.opinionsHeldMax])
      }
    }
    out.summary.push(
      row({
        metric: 'opinions: bytes sent per node per second, 25 nodes × 100 active breakers (fake time, lan)',
        value: out.raw['fakeCost-lan-quorum'].bytesPerNodePerSec,
        unit: 'B/s',
        note: `any (no opinions): ${fmt(out.raw['fakeCost-lan-any'].bytesPerNodePerSec, 'B/s')}; local profile ${fmt(out.raw['fakeCost-local-quorum'].bytesPerNodePerSec, 'B/s')} vs ${fmt(out.raw['fakeCost-local-any'].bytesPerNodePerSec, 'B/s')}`,
      }),
    )
    out.tables.push(cost.table)
    if (ctx.aborted) return
    // 3. Real processes: (a) and (b).
    try {
      await realScenarios(ctx, out, ctx.quick ? { warmMs: 12_000, outageMs: 10_000 } : { warmMs: 15_000, outageMs: 20_000 })
    } catch (err) {
      out.errors.push(`processes, (a) and (b): ${err.message}`)
    }
    if (ctx.aborted) return
    // 4. Real processes: 25 × 100 (full mode only: 25 processes take a minute to start on 2 cores).
    if (ctx.quick) {
      out.notMeasured.push({ what: 'opinion cost on 25 real processes × 100 breakers', reason: 'full mode only (`node scripts/bench/run.mjs --only decision`)' })
      return
    }
    try {
      const real = await realCost(ctx, out, { size: 25, names: 100, windowMs: 10_000 })
      for (const [decision, r] of Object.entries(real)) cost.table.rows.push(['25 processes (local profile)', decision, fmt(r.protocol), fmt(r.socket), fmt(r.messages), fmt(r.published), r.opinionsHeld])
      out.summary.push(
        row({ metric: 'opinions: bytes sent per node per second, 25 processes × 100 active breakers (protocol)', value: real.quorum.protocol, unit: 'B/s', note: `any (no opinions): ${fmt(real.any.protocol, 'B/s')}; at the socket ${fmt(real.quorum.socket, 'B/s')} vs ${fmt(real.any.socket, 'B/s')}` }),
      )
    } catch (err) {
      out.errors.push(`processes, 25 × 100: ${err.message}`)
    }
  },
}
