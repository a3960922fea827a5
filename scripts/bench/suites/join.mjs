// Join (issue 5 item 4): a new node's createMesh() resolves holding the
// fleet's table of 1,000 breakers — how long it takes.
import { hrNow } from '../../lib/hrNow.mjs'
import { pollUntil } from '../../lib/poll.mjs'
import { acquireFleet, releaseFleet } from '../lib/fleetPool.mjs'
import { summarize } from '../lib/summarize.mjs'
import { fmt, notMeasuredRow, row, target } from '../lib/targets.mjs'

const TARGET = target('<=', 1, 's')
const BREAKERS = 1000

export default {
  name: 'join',
  title: 'Join: a new node gets a 1,000-breaker table',
  issue: 'issue 5 item 4: ≤ 1 s',
  budgetMs: (quick) => (quick ? 60_000 : 180_000),

  async run(ctx, out) {
    const size = ctx.quick ? 3 : 5
    const joins = ctx.quick ? 3 : 10
    out.method.push(
      `A fleet of ${size} processes (local profile, loopback, mDNS off); one node force-opens ${BREAKERS.toLocaleString('en-US')} breakers and the fleet waits until every table is identical. Then, ${joins} times, a new process joins through a seed (\`join: [host:port]\`), and leaves gracefully before the next.`,
      'Figure: from the call of `createMesh()` inside the new process (stamped just before it) until it resolved (stamped right after). `createMesh()` resolves only after the first push-pull sync with a reachable seed, so the table must be complete at that moment; the bench checks its size then, and if it were short, polls until it is complete and reports that time instead.',
      'Also shown: the whole start of the process (spawn → ready, including loading Node and libp2p), which is not part of the target.',
    )
    let fleet
    try {
      fleet = await acquireFleet(ctx, { size, label: 'join', events: [] })
      const writer = fleet.nodes[1] ?? fleet.nodes[0]
      await writer.command({ cmd: 'write-many', n: BREAKERS, prefix: 'join-', chunk: 100 }, 60_000)
      await fleet.waitIdenticalTables({ size: BREAKERS, timeoutMs: 60_000, intervalMs: 100 })
      const results = []
      for (let j = 0; j < joins && !ctx.aborted; j++) {
        const seed = fleet.nodes[j % size]
        const node = await fleet.spawn(seed)
        const ready = node.readyEvent
        let completeAt = ready.t
        if (ready.size < BREAKERS) {
          await pollUntil(async () => (await node.command({ cmd: 'summary' })).size >= BREAKERS, { signal: ctx.signal, timeoutMs: 30_000, intervalMs: 10, what: 'the joined node to hold the whole table' })
          completeAt = hrNow()
        }
        results.push({
          createMeshMs: ready.t - ready.meshCalledAt,
          completeMs: completeAt - ready.meshCalledAt,
          sizeAtReady: ready.size,
          processStartMs: ready.t - node.spawnedAt,
        })
        await node.stop()
        node.killed = true
      }
      const complete = summarize(results.map((r) => r.completeMs))
      const mesh = summarize(results.map((r) => r.createMeshMs))
      const proc = summarize(results.map((r) => r.processStartMs))
      const short = results.filter((r) => r.sizeAtReady < BREAKERS).length
      out.raw.joins = results
      out.tables.push({
        title: `${results.length} joins into a fleet of ${size} holding ${BREAKERS} breakers (ms)`,
        columns: ['measure', 'p50', 'max'],
        rows: [
          ['createMesh() call → resolved with the full table', fmt(complete?.p50), fmt(complete?.max)],
          ['createMesh() call → resolved', fmt(mesh?.p50), fmt(mesh?.max)],
          ['process spawn → ready (Node + libp2p start included)', fmt(proc?.p50), fmt(proc?.max)],
        ],
      })
      out.summary.push(
        row({
          metric: `join: createMesh() resolves holding ${BREAKERS} breakers (p50)`,
          value: complete ? complete.p50 / 1000 : null,
          unit: 's',
          target: TARGET,
          note: short ? `${short} of ${results.length} joins resolved before the table was complete` : `all ${results.length} joins resolved with the full table`,
        }),
        row({ metric: 'join: same, worst of the joins', value: complete ? complete.max / 1000 : null, unit: 's' }),
      )
    } catch (err) {
      out.errors.push(err.message)
      if (!out.summary.length) out.summary.push(notMeasuredRow(`join: createMesh() resolves holding ${BREAKERS} breakers (p50)`, TARGET, err.message.split('\n')[0]))
    } finally {
      // 1,000 extra records: not a fleet to hand over
      if (fleet) await releaseFleet(ctx, fleet, { reusable: false })
    }
  },
}
