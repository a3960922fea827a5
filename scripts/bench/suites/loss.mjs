// False deaths under packet loss (issue 5 item 3): 10 healthy nodes in network
// namespaces with 5 % loss on every node's egress; every member event is
// followed live; any 'dead' verdict about a node that never stopped is false.
import { hrNow } from '../../lib/hrNow.mjs'
import { pause, pollUntil } from '../../lib/poll.mjs'
import { netnsFleetFor } from '../lib/netnsSuite.mjs'
import { notMeasuredRow, row, target } from '../lib/targets.mjs'

const TARGET = target('==', 0, 'false deaths')
const NODES = 10
const METRIC = `false deaths, ${NODES} nodes, 5 % loss`

export default {
  name: 'loss',
  title: 'False deaths at 5 % packet loss',
  issue: 'issue 5 item 3: 0 false deaths over 5 minutes at 5 % loss',
  budgetMs: (quick) => (quick ? 10_000 : 480_000),

  async run(ctx, out) {
    // BENCH_LOSS_MINUTES shortens the watch when trying the plumbing; the figure's label says how long it ran.
    const minutes = Number(process.env.BENCH_LOSS_MINUTES) > 0 ? Number(process.env.BENCH_LOSS_MINUTES) : 5
    out.method.push(
      `scripts/simulate (BMSIM_ID 151): ${NODES} \`breaker-mesh start\` processes in network namespaces, profile \`lan\` (memberlist's LAN timing, as scripts/sim/README.md advises for lossy networks), demo workload off. After full membership, \`scripts/simulate netem --loss 5%\` on every node (egress, so a round trip crosses two lossy links; the kernel's netem qdisc, or scripts/sim/netem-relay.pl where the kernel lacks sch_netem).`,
      `For ${minutes} minutes the bench follows every node's \`GET /v1/events\` stream and counts member events. No node is stopped, so every 'dead' is a false death; 'suspect' events (later refuted) are counted too. At the end every view must list all ${NODES} alive.`,
    )
    const sim = netnsFleetFor(ctx, out, {
      id: 151,
      size: NODES,
      what: 'false deaths at 5 % loss',
      metric: METRIC,
      target: TARGET,
      quick: { reason: `it watches the fleet for ${minutes} minutes`, note: '5-minute watch' },
    })
    if (!sim) return
    const nodes = Array.from({ length: NODES }, (_, k) => k + 1)
    const closers = []
    let closing = false
    try {
      await sim.up({ rps: 0, nodeArgs: ['--profile', 'lan'] })
      await pollUntil(() => sim.allAlive(), { signal: ctx.signal, timeoutMs: 90_000, intervalMs: 500, what: 'full membership' })
      const counts = { dead: 0, suspect: 0, left: 0, streamErrors: 0 }
      const deaths = []
      const probeSeen = new Set()
      for (const i of nodes) {
        closers.push(
          sim.follow(
            i,
            (e) => {
              if (e.type === 'breaker' && e.name === 'loss-probe') probeSeen.add(i)
              if (e.type !== 'member' || e.name === `n${i}`) return
              if (e.status in counts) counts[e.status]++
              if (e.status === 'dead') deaths.push({ observer: `n${i}`, about: e.name, at: hrNow() })
            },
            () => {
              if (!closing) counts.streamErrors++
            },
          ),
        )
      }
      // prove every stream delivers: a force-open must show up on all of them
      await sim.http(1, 'POST', '/v1/breakers/loss-probe/force-open')
      await pollUntil(() => probeSeen.size === NODES, { signal: ctx.signal, timeoutMs: 30_000, intervalMs: 100, what: 'the probe event on every event stream' })
      const netem = await sim.netem(['--loss', '5%'])
      ctx.log(`netem: ${netem.trim().split('\n').slice(-1)[0] ?? ''}`)
      const t0 = Date.now()
      await pause(minutes * 60_000, ctx.signal) // the watch window (ends early if the suite is stopped)
      const watchedSecs = (Date.now() - t0) / 1000
      await sim.netem(['clear']).catch((err) => out.errors.push(`netem clear: ${err.message}`))
      closing = true
      const allAlive = await sim.allAlive()
      out.raw = { counts, deaths, watchedSecs, allAliveAtEnd: allAlive, netem: netem.trim() }
      out.tables.push({
        title: `${NODES} nodes, 5 % loss on every egress, ${(watchedSecs / 60).toFixed(1)} minutes, lan profile`,
        columns: ['measure', 'value'],
        rows: [
          ["'dead' verdicts about live nodes (false deaths)", counts.dead],
          ["'suspect' verdicts (refuted)", counts.suspect],
          ['every node lists all alive at the end', allAlive ? 'yes' : 'no'],
          ['event streams lost', counts.streamErrors],
        ],
      })
      out.summary.push(row({ metric: `${METRIC}, ${(watchedSecs / 60).toFixed(1)} min, lan profile`, value: counts.dead, unit: 'false deaths', target: TARGET, note: `${counts.suspect} suspicions refuted` }))
      if (counts.streamErrors) out.errors.push(`${counts.streamErrors} event streams broke: false deaths may be undercounted`)
    } catch (err) {
      out.errors.push(err.message)
      if (!out.summary.length) out.summary.push(notMeasuredRow(METRIC, TARGET, err.message.split('\n')[0]))
    } finally {
      closing = true
      for (const close of closers) close()
      await sim.down()
    }
  },
}
