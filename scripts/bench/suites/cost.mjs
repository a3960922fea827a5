// Cost of an idle fleet member (issue 5 item 7, issue 3): RSS, CPU and bytes
// per second per node at 10 and 25 nodes.
import { readFileSync } from 'node:fs'
import { pause } from '../../lib/poll.mjs'
import { acquireFleet, releaseFleet } from '../lib/fleetPool.mjs'
import { summarize } from '../lib/summarize.mjs'
import { bareProcessRss } from '../lib/fanoutFloor.mjs'
import { fmt, notMeasuredRow, row, target } from '../lib/targets.mjs'

const RSS_TARGET = target('<=', 100, 'MB')
/** Issue 13: RSS added over a bare Node process with a TCP server, at 25 peers. */
const ADDED_TARGET = target('<=', 40, 'MB')
/** Issue 13: idle CPU per node at 25 peers. */
const CPU_TARGET = target('<=', 1, '% of a core')

/** Bytes this process passed to write()/send() and read()/recv() (sockets included), from /proc; null off Linux. */
function procIo(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'utf8')
    const field = (name) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(text)?.[1])
    return { wchar: field('wchar'), rchar: field('rchar') }
  } catch {
    return null
  }
}

export default {
  name: 'cost',
  title: 'Cost per idle node',
  issue: 'issue 5 item 7; issue 3: ≤ 100 MB RSS per node; issue 13: RSS added over a bare Node process ≤ 40 MB and idle CPU ≤ 1 % of a core at 25 peers',
  budgetMs: (quick) => (quick ? 90_000 : 240_000),

  async run(ctx, out) {
    // Fleet sizes: 1, 25 and 10 peers each (10 last: the storm suite that follows can reuse that fleet).
    const sizes = ctx.quick ? [2, 10] : [2, 26, 10]
    const bare = await bareProcessRss()
    out.raw.bareRss = bare
    const windowMs = ctx.quick ? 5_000 : 10_000
    out.method.push(
      `Fleets of ${sizes.join(', ')} processes (so ${sizes.map((n) => n - 1).join(', ')} peers each; compiled JS as shipped, i.e. the bundles of scripts/build-bundle.mjs; local profile, loopback, mDNS off, no admin API, no breaker traffic), fully meshed, then 3 s to settle. "Added" RSS is a node's RSS minus that of a bare Node process holding a TCP server and one connection (scripts/bench/fixtures/fanout-node.mjs), measured in the same run: ${fmt(bare / 2 ** 20, 'MB')}. Over a ${windowMs / 1000} s window: CPU from \`process.cpuUsage()\` inside each node (user + system, % of one core), protocol bytes from \`mesh.stats().gossip\` (encoded SWIM + gossip + sync messages), and socket-level bytes from \`/proc/<pid>/io\` wchar (everything the process wrote: libp2p framing, Noise, Yamux and gossipsub heartbeats included; the bench's own command replies are a few hundred bytes). RSS from \`process.memoryUsage()\` at the end.`,
      'The `local` profile probes every 500 ms and gossips every 100 ms while updates are queued, twice the probe rate of the LAN profile: its idle CPU and bytes are an upper bound for a production (lan) fleet of the same size.',
    )
    const table = { title: 'Per node, idle', columns: ['nodes', 'RSS p50 / max (MB)', 'added over bare p50 / max (MB)', 'CPU p50 / max (% of a core)', 'protocol bytes sent/s p50', 'socket bytes written/s p50', 'messages sent/s p50'], rows: [] }
    out.tables.push(table)
    for (const size of sizes) {
      if (ctx.aborted) return
      let fleet
      try {
        fleet = await acquireFleet(ctx, { size, label: `cost${size}`, events: [] })
        await pause(3000)
        const pids = fleet.live.map((n) => n.child.pid)
        const u0 = await fleet.all({ cmd: 'usage' })
        const s0 = await fleet.all({ cmd: 'counters' })
        const io0 = pids.map(procIo)
        await pause(windowMs)
        const u1 = await fleet.all({ cmd: 'usage' })
        const s1 = await fleet.all({ cmd: 'counters' })
        const io1 = pids.map(procIo)
        const perNode = u1.map((u, i) => {
          const secs = (u.t - u0[i].t) / 1000
          const ioSecs = windowMs / 1000
          return {
            rssMB: u.rss / 2 ** 20,
            cpuPct: ((u.cpu.user + u.cpu.system - u0[i].cpu.user - u0[i].cpu.system) / 1e6 / secs) * 100,
            bytesOutPerSec: (s1[i].gossip.bytesOut - s0[i].gossip.bytesOut) / secs,
            bytesInPerSec: (s1[i].gossip.bytesIn - s0[i].gossip.bytesIn) / secs,
            msgsOutPerSec: (s1[i].gossip.messagesOut - s0[i].gossip.messagesOut) / secs,
            socketBytesPerSec: io0[i] && io1[i] ? (io1[i].wchar - io0[i].wchar) / ioSecs : null,
          }
        })
        out.raw[`size${size}`] = perNode
        const s = (field) => summarize(perNode.map((p) => p[field]).filter((v) => v !== null), { scale: 100 })
        const rss = s('rssMB')
        const cpu = s('cpuPct')
        const bytes = s('bytesOutPerSec')
        const sock = s('socketBytesPerSec')
        const msgs = s('msgsOutPerSec')
        const added = { p50: rss ? rss.p50 - bare / 2 ** 20 : null, max: rss ? rss.max - bare / 2 ** 20 : null }
        table.rows.push([size, `${fmt(rss?.p50)} / ${fmt(rss?.max)}`, `${fmt(added.p50)} / ${fmt(added.max)}`, `${fmt(cpu?.p50)} / ${fmt(cpu?.max)}`, fmt(bytes?.p50), fmt(sock?.p50), fmt(msgs?.p50)])
        out.summary.push(
          row({ metric: `RSS per node, ${size} nodes (max)`, value: rss?.max, unit: 'MB', target: RSS_TARGET, note: `p50 ${fmt(rss?.p50, 'MB')}` }),
          row({
            metric: `RSS added over a bare Node process, ${size - 1} peers (max)`,
            value: added.max,
            unit: 'MB',
            target: size === 26 ? ADDED_TARGET : null,
            note: `bare process ${fmt(bare / 2 ** 20, 'MB')}; p50 ${fmt(added.p50, 'MB')}`,
          }),
          row({ metric: `idle CPU per node, ${size} nodes (p50)`, value: cpu?.p50, unit: '% of a core', target: size === 26 ? CPU_TARGET : null, note: `max ${fmt(cpu?.max, '%')}` }),
          row({ metric: `bytes sent per node per second, ${size} nodes (p50)`, value: bytes?.p50, unit: 'B/s', note: `protocol payload; at the socket ${fmt(sock?.p50, 'B/s')}` }),
        )
      } catch (err) {
        out.errors.push(`${size} nodes: ${err.message}`)
        out.summary.push(notMeasuredRow(`RSS per node, ${size} nodes (max)`, RSS_TARGET, err.message.split('\n')[0]))
      } finally {
        if (fleet) await releaseFleet(ctx, fleet)
      }
    }
  },
}
