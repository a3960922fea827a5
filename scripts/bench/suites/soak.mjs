// Soak (issue 9): a fleet under steady load with a flapping upstream keeps a
// flat memory: the RSS slope over the run, by least squares.
import { Fleet } from '../lib/Fleet.mjs'
import { fmt, notMeasuredRow, row, target } from '../lib/targets.mjs'
import { pause } from '../../lib/poll.mjs'

const SLOPE_TARGET = target('<=', 1, 'MB/min')
const MB = 2 ** 20

/** Least-squares slope of y over x. */
function slope(points) {
  const n = points.length
  const mx = points.reduce((s, p) => s + p.x, 0) / n
  const my = points.reduce((s, p) => s + p.y, 0) / n
  let num = 0
  let den = 0
  for (const p of points) {
    num += (p.x - mx) * (p.y - my)
    den += (p.x - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

export default {
  name: 'soak',
  title: 'Soak: memory under a steady load with a flapping upstream',
  issue: 'issue 9: RSS slope over 5 minutes ≤ 1 MB/min',
  budgetMs: (quick) => (quick ? 150_000 : 480_000),

  async run(ctx, out) {
    const minutes = ctx.quick ? 1.5 : 5
    const warmupMs = ctx.quick ? 20_000 : 60_000
    const size = 3
    out.method.push(
      `A ${size}-node fleet (compiled JS, local profile, loopback). Every node calls breaker \`soak\` 200 times a second through tryAcquire()/record(); the upstream flaps: 10 s phases alternating no failures and 60 % failures, so the breaker trips, probes fleet-wide and recovers over and over. After a ${warmupMs / 1000} s warm-up, each node's RSS is sampled every 5 s for ${minutes} minutes; the figure is the least-squares slope of RSS over time, per node (the worst node reported). The full run is 5 minutes; --quick runs ${minutes} minutes and says so.`,
    )
    const fleet = new Fleet({ label: 'soak', events: [], log: ctx.log, signal: ctx.signal })
    try {
      await fleet.start(size)
      await fleet.all({ cmd: 'load', name: 'soak', rps: 200, failureRate: 0.6, phaseMs: 10_000 })
      await pause(warmupMs)
      const series = fleet.live.map(() => [])
      const t0 = performance.now()
      while (performance.now() - t0 < minutes * 60_000) {
        if (ctx.aborted) return
        const usage = await fleet.all({ cmd: 'usage' })
        const x = (performance.now() - t0) / 60_000
        usage.forEach((u, i) => series[i].push({ x, y: u.rss / MB }))
        await pause(5000)
      }
      const stats = await fleet.all({ cmd: 'stats' })
      const summaries = await fleet.all({ cmd: 'summary' })
      await fleet.all({ cmd: 'load', rps: 0 })
      const slopes = series.map(slope)
      const worst = Math.max(...slopes)
      out.raw = { series, slopes, summaries, dropped: stats.map((s) => s.stats.gossip.dropped) }
      out.tables.push({
        title: `RSS over ${minutes} minutes of load (after ${warmupMs / 1000} s warm-up)`,
        columns: ['node', 'RSS first / last (MB)', 'slope (MB/min)', 'records in table'],
        rows: series.map((s, i) => [`n${i + 1}`, `${fmt(s[0]?.y)} / ${fmt(s.at(-1)?.y)}`, fmt(slopes[i]), summaries[i].size]),
      })
      out.summary.push(row({ metric: `soak: RSS slope, worst of ${size} nodes over ${minutes} min`, value: worst, unit: 'MB/min', target: SLOPE_TARGET, note: ctx.quick ? 'quick run: shorter than the 5 minutes the target names' : '' }))
    } catch (err) {
      out.errors.push(err.message)
      out.summary.push(notMeasuredRow('soak: RSS slope', SLOPE_TARGET, err.message.split('\n')[0]))
    } finally {
      await fleet.stop()
    }
  },
}
