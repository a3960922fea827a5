// Storm (issue 5 item 6, issue 13 item 4): 10,000 breaker transitions across
// 10 nodes → time until every table is identical, the ingest rate that makes,
// and the messages, bytes and CPU it cost.
import os from 'node:os'
import { pause } from '../../lib/poll.mjs'
import { acquireFleet, releaseFleet } from '../lib/fleetPool.mjs'
import { fmt, notMeasuredRow, row, target } from '../lib/targets.mjs'

const TARGET = target('<=', 2, 's')
const RATE_TARGET = target('>=', 10_000, '/s')
const NODES = 10
const TRANSITIONS = 10_000
const NAMES = 500

const sum = (replies, pick) => replies.reduce((a, r) => a + pick(r), 0)
const totals = (stats) => ({
  messagesOut: sum(stats, (s) => s.gossip.messagesOut),
  bytesOut: sum(stats, (s) => s.gossip.bytesOut),
  messagesIn: sum(stats, (s) => s.gossip.messagesIn),
  bytesIn: sum(stats, (s) => s.gossip.bytesIn),
  t: Math.max(...stats.map((s) => s.t)),
})

export default {
  name: 'storm',
  title: 'Storm: 10,000 transitions across 10 nodes',
  issue: 'issue 13 item 4: converge ≤ 2 s, ≥ 10,000 changes/s (issue 5 asked ≤ 3 s)',
  budgetMs: (quick) => (quick ? 90_000 : 180_000),

  async run(ctx, out) {
    const perNode = TRANSITIONS / NODES
    out.method.push(
      `${NODES} processes (local profile, loopback, mDNS off). Each node writes ${perNode.toLocaleString('en-US')} record versions (force-open → force-close → reset, cycling) over ${NAMES} breaker names shared by the whole fleet, so writers conflict and Lamport LWW must settle every name; all nodes at once, as a burst of 100 writes per event-loop turn ("many breakers changing in one tick", which the mesh coalesces into one gossip message per turn): ${TRANSITIONS.toLocaleString('en-US')} transitions in all.`,
      'Figure: from the first write (earliest start stamp of the nodes) until a poll of all nodes (every 25 ms, once every node has finished writing) finds every table identical (`BreakerTable.fingerprint()`: names, versions, payloads).',
      "Messages and bytes: the sum over nodes of the mesh's own counters (`mesh.stats().gossip`: protocol messages and their encoded bytes, gossip + SWIM + sync; libp2p framing, Noise and Yamux not included) between just before the storm and convergence. The idle rate of the same counters, measured for 2 s before, gives the background share. CPU: `process.cpuUsage()` of every node over the same span: when it approaches the machine's cores, the storm is CPU-bound on this machine (10 nodes share it), not network-bound.",
    )
    let fleet
    try {
      fleet = await acquireFleet(ctx, { size: NODES, label: 'storm', events: [] })
      // a fleet handed over by an earlier suite may hold a few records already
      const base = await fleet.waitIdenticalTables({ timeoutMs: 30_000 }).then(async () => (await fleet.nodes[0].command({ cmd: 'summary' })).size)
      const idle0 = totals(await fleet.all({ cmd: 'counters' }))
      await pause(2000)
      const before = totals(await fleet.all({ cmd: 'counters' }))
      const cpuBefore = await fleet.all({ cmd: 'usage' })
      const idleMsgPerSec = ((before.messagesOut - idle0.messagesOut) * 1000) / (before.t - idle0.t)
      const idleBytesPerSec = ((before.bytesOut - idle0.bytesOut) * 1000) / (before.t - idle0.t)
      const replies = await Promise.all(
        fleet.live.map((node, i) => node.command({ cmd: 'storm', n: perNode, names: NAMES, prefix: 'storm-', offset: i * perNode, chunk: 100 }, 60_000)),
      )
      const start = Math.min(...replies.map((r) => r.t0))
      const written = Math.max(...replies.map((r) => r.t1))
      const identicalAt = await fleet.waitIdenticalTables({ size: base + NAMES, timeoutMs: 60_000, intervalMs: 25 })
      const after = totals(await fleet.all({ cmd: 'counters' }))
      const cpuAfter = await fleet.all({ cmd: 'usage' })
      const cpuSecs = cpuAfter.reduce((a, u, i) => a + (u.cpu.user + u.cpu.system - cpuBefore[i].cpu.user - cpuBefore[i].cpu.system) / 1e6, 0)
      const wallSecs = (Math.max(...cpuAfter.map((u) => u.t)) - Math.min(...cpuBefore.map((u) => u.t))) / 1000
      const summaries = await fleet.all({ cmd: 'summary' })
      const seconds = (identicalAt - start) / 1000
      const messages = after.messagesOut - before.messagesOut
      const bytes = after.bytesOut - before.bytesOut
      const background = (idleMsgPerSec * (after.t - before.t)) / 1000
      const backgroundBytes = (idleBytesPerSec * (after.t - before.t)) / 1000
      out.raw = { start, written, identicalAt, before, after, idleMsgPerSec, idleBytesPerSec, cpuSecs, wallSecs, conflicts: summaries.map((s) => s.conflicts) }
      out.tables.push({
        title: `${TRANSITIONS.toLocaleString('en-US')} transitions, ${NODES} nodes, ${NAMES} shared breakers`,
        columns: ['measure', 'value'],
        rows: [
          ['writes done (first write → last node finished writing)', fmt((written - start) / 1000, 's')],
          ['identical tables on all nodes (first write → poll that saw it)', fmt(seconds, 's')],
          ['after the last write', fmt((identicalAt - written) / 1000, 's')],
          ['messages sent, fleet-wide (of which idle background, estimated)', `${fmt(messages)} (${fmt(background)})`],
          ['bytes sent, fleet-wide (of which idle background, estimated)', `${fmt(bytes / 1e6, 'MB')} (${fmt(backgroundBytes / 1e6, 'MB')})`],
          ['bytes sent per transition, net of background', fmt((bytes - backgroundBytes) / TRANSITIONS, 'B')],
          [`CPU used by the ${NODES} processes meanwhile (the machine has ${os.cpus().length} cores)`, `${fmt(cpuSecs, 'CPU-s')} over ${fmt(wallSecs, 's')} = ${fmt(cpuSecs / wallSecs)} cores busy`],
          ['conflicts seen (concurrent versions merged), per node, median', fmt(summaries.map((s) => s.conflicts).sort((a, b) => a - b)[Math.floor(summaries.length / 2)])],
        ],
      })
      out.summary.push(
        row({
          metric: `storm: ${TRANSITIONS.toLocaleString('en-US')} transitions on ${NODES} nodes → identical tables`,
          value: seconds,
          unit: 's',
          target: TARGET,
          ref: true,
          note: `writing took ${fmt((written - start) / 1000, 's')}; identical ${fmt((identicalAt - written) / 1000, 's')} after the last write`,
        }),
        row({
          metric: 'storm: record changes ingested per second, fleet-wide (transitions ÷ first write → identical)',
          value: TRANSITIONS / seconds,
          unit: '/s',
          target: RATE_TARGET,
          note: `${fmt((cpuSecs * 1000) / TRANSITIONS, 'ms')} of CPU per transition, all 10 processes together; ${fmt(cpuSecs / wallSecs)} of ${os.cpus().length} cores busy`,
        }),
        row({ metric: 'storm: messages sent, fleet-wide', value: messages, unit: 'msgs', note: `~${fmt(background)} of them idle SWIM background` }),
        row({ metric: 'storm: bytes sent, fleet-wide', value: bytes / 1e6, unit: 'MB', note: `protocol payload; ~${fmt(backgroundBytes / 1e6, 'MB')} idle background` }),
      )
    } catch (err) {
      out.errors.push(err.message)
      if (!out.summary.length) out.summary.push(notMeasuredRow(`storm: ${TRANSITIONS.toLocaleString('en-US')} transitions on ${NODES} nodes → identical tables`, TARGET, err.message.split('\n')[0]))
    } finally {
      if (fleet) await releaseFleet(ctx, fleet)
    }
  },
}
