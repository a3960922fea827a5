// Propagation (issue 5 item 2, issue 3 "Performance"): force-open on one node
// until every other node reports the breaker open, over real processes on
// loopback, next to the loopback TCP round trip measured in the same run.
import os from 'node:os'
import { pause, pollUntil } from '../../lib/poll.mjs'
import { acquireFleet, releaseFleet } from '../lib/fleetPool.mjs'
import { measureFanoutFloor } from '../lib/fanoutFloor.mjs'
import { loopbackRtt } from '../lib/loopbackRtt.mjs'
import { summarize } from '../lib/summarize.mjs'
import { fmt, notMeasuredRow, row, target } from '../lib/targets.mjs'

const P99_TARGET = target('<=', 50, 'ms')
/** Issue 13: propagation p99 at most 3× the raw TCP fan-out floor's p99 at the same N. */
const RATIO_TARGET = target('<=', 3, '×')

/** One force-open; resolves with each other node's delay (ms) or rejects after `timeoutMs`. */
async function trial(fleet, origin, name, timeoutMs) {
  const others = new Set(fleet.live.filter((n) => n !== origin))
  const seen = new Map()
  const off = fleet.onEvent((node, msg) => {
    if (msg.event === 'breaker' && msg.name === name && msg.state === 'open' && others.has(node) && !seen.has(node)) seen.set(node, msg.t)
  })
  try {
    const { t } = await origin.command({ cmd: 'force-open', name })
    await pollUntil(() => seen.size === others.size, {
      signal: fleet.signal,
      timeoutMs,
      intervalMs: 5,
      what: `${name} open on ${others.size} nodes`,
      describe: () => `${seen.size}/${others.size} reported`,
    })
    const delays = [...seen.values()].map((at) => at - t)
    return { all: Math.max(...delays), delays }
  } finally {
    off()
  }
}

/** CPU used by the fleet's processes over `ms`, in cores. */
async function fleetCpu(fleet, ms) {
  const a = await fleet.all({ cmd: 'usage' })
  await pause(ms)
  const b = await fleet.all({ cmd: 'usage' })
  let cores = 0
  a.forEach((u, i) => {
    const d = (b[i].cpu.user + b[i].cpu.system - u.cpu.user - u.cpu.system) / 1000
    cores += d / (b[i].t - u.t)
  })
  return cores
}

export default {
  name: 'propagation',
  title: 'Propagation of a state change across the fleet',
  issue: 'issue 5 item 2 and issue 3: p99 ≤ 50 ms at 25 processes',
  budgetMs: (quick) => (quick ? 120_000 : 600_000),

  async run(ctx, out) {
    const sizes = ctx.quick ? [5, 10] : [5, 10, 25, 50]
    const trials = ctx.quick ? 20 : 50
    const warmup = 3
    out.method.push(
      `Fleets of ${sizes.join(', ')} real breaker-mesh processes (scripts/bench/fixtures/bench-node.mjs embedding \`createMesh()\`, compiled JS) on 127.0.0.1, SWIM profile \`local\`, mDNS off, all joined through the first node's \`host:port\`. Each fleet is fully meshed (every node lists every node alive) before the trials.`,
      `Trial: \`mesh.forceOpen(name)\` on one node (origin rotating over the fleet, a fresh breaker name per trial); t0 is stamped in the origin right after the call returns (the gossip message leaves on the next event-loop turn, so t0 precedes it). Each other node stamps the moment its mesh emits the 'breaker' event with state 'open'. A trial's figure is the time until the LAST node reported it; ${trials} trials per size after ${warmup} unrecorded warm-up trials, 50 ms apart, 10 s deadline each (a trial past it counts as failed).`,
      `Floor: the same fan-out with no libp2p, measured in the same run just before each fleet starts: N plain Node processes (scripts/bench/fixtures/fanout-node.mjs), each with a TCP connection (TCP_NODELAY) to every other; one writes a 100-byte frame to every peer and the time until the last peer has read it is one sample (origin rotating, ${trials} samples after 3 warm-ups). Propagation is reported as a ratio to it: p50 / floor p50 and p99 / floor p99.`,
      'Extra row: 1-byte TCP ping-pong between two processes over loopback (TCP_NODELAY), 500 round trips, measured right after each fleet is up (same load).',
      '50 processes only run when the machine holds them: projected from the measured idle CPU of the 25-process fleet, the 50 must use less than 70 % of the cores.',
    )
    const table = {
      title: 'Time until every other node reports the force-open (ms)',
      columns: ['processes', 'trials ok', 'p50', 'p90', 'p99', 'max', 'per-node p50', 'floor p50 / p99', 'ratio p50 / p99', 'loopback RTT p50 / p99', 'fleet idle CPU (cores)'],
      rows: [],
    }
    out.tables.push(table)
    let idleCpu25 = null
    for (const size of sizes) {
      if (ctx.aborted) return
      if (size === 50) {
        const projected = idleCpu25 === null ? null : idleCpu25 * 2
        if (projected === null || projected > 0.7 * os.cpus().length) {
          out.notMeasured.push({
            what: 'propagation at 50 processes',
            reason: projected === null ? 'the 25-process fleet did not run' : `the machine does not hold it: 25 idle processes used ${fmt(idleCpu25)} cores, so 50 would need ~${fmt(projected)} of ${os.cpus().length}`,
          })
          continue
        }
      }
      let fleet
      try {
        // The floor first, with no fleet running: a pooled fleet of another size stops now.
        if (ctx.pool.fleet && ctx.pool.fleet.size !== size) {
          await ctx.pool.fleet.stop()
          ctx.pool.fleet = null
        }
        const floor = summarize(await measureFanoutFloor(size, { trials, signal: ctx.signal }))
        fleet = await acquireFleet(ctx, { size, label: `prop${size}`, events: ['breaker'] })
        const rtt = summarize(await loopbackRtt({ count: 500 }))
        const cpu = await fleetCpu(fleet, 2000)
        if (size === 25) idleCpu25 = cpu
        const results = []
        let failed = 0
        for (let i = 0; i < warmup + trials && !ctx.aborted; i++) {
          const origin = fleet.live[i % fleet.live.length]
          try {
            const r = await trial(fleet, origin, `prop-${size}-${i}`, 10_000)
            if (i >= warmup) results.push(r)
          } catch (err) {
            if (i >= warmup) failed++
            ctx.log(`trial ${i} at ${size}: ${err.message}`)
          }
          await pause(50)
        }
        const all = summarize(results.map((r) => r.all))
        const perNode = summarize(results.flatMap((r) => r.delays))
        out.raw[`size${size}`] = { trials: results.map((r) => r.all), perNode: results.map((r) => r.delays), failed, rtt, floor, idleCpuCores: cpu }
        const r50 = all && floor ? all.p50 / floor.p50 : null
        const r99 = all && floor ? all.p99 / floor.p99 : null
        table.rows.push([
          size,
          `${results.length}/${results.length + failed}`,
          fmt(all?.p50),
          fmt(all?.p90),
          fmt(all?.p99),
          fmt(all?.max),
          fmt(perNode?.p50),
          `${fmt(floor?.p50)} / ${fmt(floor?.p99)}`,
          `${fmt(r50)} / ${fmt(r99)}`,
          `${fmt(rtt?.p50)} / ${fmt(rtt?.p99)}`,
          fmt(cpu),
        ])
        const failNote = failed ? `${failed} of ${failed + results.length} trials missed the 10 s deadline` : ''
        out.summary.push(
          row({ metric: `propagation p50, ${size} processes`, value: all?.p50, unit: 'ms', note: `loopback RTT p50 ${fmt(rtt?.p50, 'ms')}`, ref: true }),
          row({ metric: `propagation p99, ${size} processes`, value: all?.p99, unit: 'ms', target: size === 25 ? P99_TARGET : null, note: failNote, ref: true }),
          row({ metric: `propagation max, ${size} processes`, value: all?.max, unit: 'ms' }),
          row({ metric: `propagation p50 ÷ floor p50, ${size} processes`, value: r50, unit: '×', note: `floor p50 ${fmt(floor?.p50, 'ms')} (raw TCP fan-out, same run)` }),
          row({
            metric: `propagation p99 ÷ floor p99, ${size} processes`,
            value: r99,
            unit: '×',
            target: size >= 10 ? RATIO_TARGET : null,
            note: `floor p99 ${fmt(floor?.p99, 'ms')} (raw TCP fan-out, same run)`,
          }),
        )
        if (failed) out.errors.push(`${size} processes: ${failNote}`)
      } catch (err) {
        out.errors.push(`${size} processes: ${err.message}`)
        out.summary.push(notMeasuredRow(`propagation p99, ${size} processes`, size === 25 ? P99_TARGET : null, err.message.split('\n')[0]))
      } finally {
        if (fleet) await releaseFleet(ctx, fleet)
      }
    }
    if (!sizes.includes(25)) out.summary.push(notMeasuredRow('propagation p99, 25 processes', P99_TARGET, 'quick mode runs 5 and 10 processes; the full run measures 25'))
  },
}
