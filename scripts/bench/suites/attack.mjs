// A hostile key holder against one node (issue 9): memory under half-finished
// frames, and the admin API's responsiveness during a burst of junk frames.
// The attacker is test/fixtures/attacker.mjs: a bare libp2p peer holding the
// fleet key and speaking the fleet's protocols.
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { WIRE_LIMITS, formatFleetKey } from '@breaker-mesh/core'
import { pause } from '../../lib/poll.mjs'
import { runJsonScript } from '../../lib/runJsonScript.mjs'
import { Fleet } from '../lib/Fleet.mjs'
import { summarize } from '../lib/summarize.mjs'
import { fmt, notMeasuredRow, row, target } from '../lib/targets.mjs'

const ATTACKER = fileURLToPath(new URL('../../../test/fixtures/attacker.mjs', import.meta.url))
const RSS_TARGET = target('<=', 50, 'MB')
const VIEW_TARGET = target('<=', 50, 'ms')
const MB = 2 ** 20

/** One attacker run (the child is killed if the suite is stopped); resolves with its result line. */
const runAttacker = (config, signal) => runJsonScript(ATTACKER, config, { signal, timeoutMs: 120_000 })

/** GET `url` back to back (one at a time) until `stop()` is true; returns each latency in ms. */
async function pollLatency(url, stop, gapMs) {
  const samples = []
  while (!stop()) {
    const t0 = performance.now()
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(30_000) })
      await res.arrayBuffer()
      samples.push(performance.now() - t0)
    } catch {
      samples.push(performance.now() - t0)
    }
    await pause(gapMs)
  }
  return samples
}

export default {
  name: 'attack',
  title: 'Hostile key holder: memory and responsiveness',
  issue: 'issue 9: RSS within 50 MB of idle under the half-finished-frame attack; /v1/view p99 ≤ 50 ms during a 30k-frame junk burst',
  budgetMs: (quick) => (quick ? 150_000 : 300_000),

  async run(ctx, out) {
    const key = formatFleetKey(randomBytes(32))
    const fleet = new Fleet({ label: 'attack', events: [], log: ctx.log, signal: ctx.signal })
    const nodes = []
    try {
      const extra = { fleetKey: key, admin: { listen: '127.0.0.1:0' } }
      nodes.push(await fleet.spawn(null, { extra }))
      nodes.push(await fleet.spawn(nodes[0], { extra }), await fleet.spawn(nodes[0], { extra }))
      fleet.size = 3
      await fleet.waitMembership({ timeoutMs: 30_000 })
      const victim = nodes[0]
      const admin = victim.readyEvent.admin
      const targetAddr = victim.loopbackAddr
      const fleetName = fleet.fleet
      out.method.push(
        'A 3-node fleet (compiled JS, local profile, loopback, fleet key, admin API on 127.0.0.1) and one attacker process holding the fleet key (test/fixtures/attacker.mjs) aimed at node 1. RSS from `process.memoryUsage()` inside node 1, sampled every 100 ms.',
        `Half-finished frames: 64 streams, each announcing the largest frame a node accepts (${WIRE_LIMITS.maxMessageBytes - 1} bytes; the issue's 8 MiB − 1 frames are now refused at their length prefix) and sending all of it but the last byte, held for 5 s, then closed. Peak RSS during the attack minus the idle RSS before it; then RSS 15 s after the streams closed (5 s with --quick).`,
        `Junk: ${ctx.quick ? '10,000' : '30,000'} random frames (1–512 bytes) on one SWIM stream as fast as the attacker can write, while a client GETs node 1's /v1/view back to back (5 ms apart). Latency p50/p99/max during the burst, next to the same measure with no attack.`,
      )
      const table = { title: 'Node 1 under attack', columns: ['measure', 'value', 'note'], rows: [] }
      out.tables.push(table)

      // --- half-finished frames -------------------------------------------------
      await pause(2000)
      const idle = (await victim.command({ cmd: 'usage' })).rss
      const idleUsage = await victim.command({ cmd: 'usage' })
      let peak = idle
      let peakUsage = idleUsage
      let sampling = true
      const sampler = (async () => {
        while (sampling) {
          const u = await victim.command({ cmd: 'usage' }).catch(() => null)
          if (u && u.rss > peak) {
            peak = u.rss
            peakUsage = u
          }
          await pause(100)
        }
      })()
      const partial = await runAttacker({ target: targetAddr, key, fleet: fleetName, attack: 'partial-frames', streams: 64, announce: WIRE_LIMITS.maxMessageBytes - 1, send: WIRE_LIMITS.maxMessageBytes - 2, holdMs: 5000 }, ctx.signal)
      sampling = false
      await sampler
      await pause(ctx.quick ? 5000 : 15_000)
      const afterUsage = await victim.command({ cmd: 'usage' })
      const after = afterUsage.rss
      const st = await victim.command({ cmd: 'counters' })
      const grew = (peak - idle) / MB
      out.raw.partialFrames = { idleRss: idle, peakRss: peak, afterRss: after, idleUsage, peakUsage, afterUsage, attacker: partial, dropped: st.gossip.dropped, highWater: st.receiveBufferHighWaterBytes, bufferedAfter: st.receiveBufferBytes }
      table.rows.push(
        ['idle RSS', fmt(idle / MB, 'MB'), 'before the attack'],
        ['peak RSS during the attack', fmt(peak / MB, 'MB'), `+${fmt(grew, 'MB')}; attacker wrote ${fmt(partial.written / MB, 'MB')} before its streams were reset`],
        [`RSS ${ctx.quick ? 5 : 15} s after`, fmt(after / MB, 'MB'), `${fmt((after - idle) / MB, 'MB')} over idle`],
        ['V8 heap used idle / peak / after', `${fmt(idleUsage.heapUsed / MB)} / ${fmt(peakUsage.heapUsed / MB)} / ${fmt(afterUsage.heapUsed / MB, 'MB')}`, `array buffers ${fmt(idleUsage.arrayBuffers / MB)} / ${fmt(peakUsage.arrayBuffers / MB)} / ${fmt(afterUsage.arrayBuffers / MB, 'MB')}`],
        ['unfinished-frame bytes held at most', fmt(st.receiveBufferHighWaterBytes / MB, 'MB'), `streams reset over budget: ${st.gossip.dropped['frame-budget'] ?? 0}`],
      )
      out.summary.push(
        row({ metric: 'half-finished frames: RSS growth over idle (peak)', value: grew, unit: 'MB', target: RSS_TARGET, note: `issue 9 before: 1 GB buffered, RSS 1.1 GB after; now ${fmt(after / MB, 'MB')} after (idle ${fmt(idle / MB, 'MB')})` }),
      )

      // --- junk burst and /v1/view latency ---------------------------------------------
      const count = ctx.quick ? 10_000 : 30_000
      let quiet = true
      const quietUntil = performance.now() + 3000
      const base = await pollLatency(`${admin}/v1/view`, () => performance.now() > quietUntil, 5)
      let done = false
      const during = pollLatency(`${admin}/v1/view`, () => done, 5)
      const junk = await runAttacker({ target: targetAddr, key, fleet: fleetName, attack: 'junk', count, settleMs: 500 }, ctx.signal)
      done = true
      quiet = false
      const samples = await during
      const b = summarize(base)
      const d = summarize(samples)
      const st2 = await victim.command({ cmd: 'counters' })
      out.raw.junk = { attacker: junk, baseline: b, during: d, samplesDuring: samples.length, dropped: st2.gossip.dropped, quiet }
      table.rows.push(
        ['/v1/view with no attack p50 / p99', `${fmt(b?.p50, 'ms')} / ${fmt(b?.p99, 'ms')}`, `${b?.count ?? 0} requests`],
        [`/v1/view during ${count.toLocaleString('en-US')} junk frames p50 / p99 / max`, `${fmt(d?.p50, 'ms')} / ${fmt(d?.p99, 'ms')} / ${fmt(d?.max, 'ms')}`, `${d?.count ?? 0} requests over ${fmt(junk.elapsedMs / 1000, 's')}`],
      )
      out.summary.push(
        row({ metric: `junk burst (${count.toLocaleString('en-US')} frames): /v1/view p99`, value: d?.p99, unit: 'ms', target: VIEW_TARGET, note: `${fmt(d && b ? d.p99 / b.p99 : null)}× the no-attack p99 (${fmt(b?.p99, 'ms')}); issue 9 before: maxima 3.7–6 s` }),
      )
    } catch (err) {
      out.errors.push(err.message)
      if (!out.summary.some((r) => r.metric.startsWith('half-finished'))) out.summary.push(notMeasuredRow('half-finished frames: RSS growth over idle (peak)', RSS_TARGET, err.message.split('\n')[0]))
      if (!out.summary.some((r) => r.metric.startsWith('junk'))) out.summary.push(notMeasuredRow('junk burst: /v1/view p99', VIEW_TARGET, err.message.split('\n')[0]))
    } finally {
      await fleet.stop()
    }
  },
}
