// Failure detection (issue 5 item 3): SIGKILL one node, time until every other
// node's membership says it is dead. The killed node is replaced after each
// kill, so the fleet keeps its size.
import { hrNow } from '../../lib/hrNow.mjs'
import { pollUntil } from '../../lib/poll.mjs'
import { acquireFleet, releaseFleet } from '../lib/fleetPool.mjs'
import { summarize } from '../lib/summarize.mjs'
import { fmt, notMeasuredRow, row, target } from '../lib/targets.mjs'

const P50_TARGET = target('<=', 4, 's')

/** Kill `victim`; resolves with the seconds until each other node reported it suspect / dead. */
async function killTrial(fleet, victim, timeoutMs) {
  const others = new Set(fleet.live.filter((n) => n !== victim))
  const dead = new Map()
  let firstSuspect = null
  const off = fleet.onEvent((node, msg) => {
    if (msg.event !== 'member' || msg.id !== victim.id || !others.has(node)) return
    if (msg.status === 'suspect' && firstSuspect === null) firstSuspect = msg.t
    if (msg.status === 'dead' && !dead.has(node)) dead.set(node, msg.t)
  })
  try {
    const t0 = hrNow()
    void victim.kill()
    victim.killed = true
    await pollUntil(() => dead.size === others.size, {
      signal: fleet.signal,
      timeoutMs,
      intervalMs: 20,
      what: `${others.size} nodes to mark ${victim.name} dead`,
      describe: () => `${dead.size}/${others.size}`,
    })
    const times = [...dead.values()].map((t) => (t - t0) / 1000)
    return { all: Math.max(...times), first: Math.min(...times), firstSuspect: firstSuspect === null ? null : (firstSuspect - t0) / 1000 }
  } finally {
    off()
  }
}

export default {
  name: 'detection',
  title: 'Failure detection after SIGKILL',
  issue: 'issue 5 item 3: p50 ≤ 4 s at 25 nodes (false deaths at 5 % loss: see the loss suite)',
  budgetMs: (quick) => (quick ? 120_000 : 480_000),

  async run(ctx, out) {
    // [nodes, kills, profile]
    const plan = ctx.quick ? [[10, 4, 'local']] : [[10, 10, 'local'], [25, 10, 'local'], [10, 5, 'lan']]
    out.method.push(
      'Fleets of real breaker-mesh processes on 127.0.0.1 (mDNS off, joined through the first node), fully meshed before the first kill. A kill: SIGKILL to one node (never the seed), t0 stamped just before the signal; every other node stamps the moment its mesh emits the member event with status \'dead\' for it. The figure per kill is the time until the LAST node said dead. Deadline 30 s (local) / 60 s (lan) per kill.',
      'After each kill a fresh node joins (through the seed) and the fleet waits until every node lists every live node alive, so each kill happens at full size. Dead members stay in the views as dead (as SWIM keeps them), which does not change the probing of live ones.',
      "Profiles: `local` (probe 500 ms, timeout 250 ms, suspicion 3 × log10(N+1) × 500 ms, shrinking to half with confirmations, stretched by Lifeguard awareness on a slow node) is what every fleet bench here uses; `lan` is memberlist's LAN defaults (probe 1 s, timeout 500 ms, suspicion 4 × log10(N+1) × 1 s). The issue's 4 s target is checked against the 25-node local fleet; the lan row shows what production defaults give.",
    )
    const table = { title: 'Seconds from SIGKILL until every other node reports the node dead', columns: ['nodes', 'profile', 'kills ok', 'p50', 'max', 'first node p50', 'first suspicion p50'], rows: [] }
    out.tables.push(table)
    for (const [size, kills, profile] of plan) {
      if (ctx.aborted) return
      const key = `${size}-${profile}`
      const deadline = profile === 'lan' ? 60_000 : 30_000
      let fleet
      try {
        fleet = await acquireFleet(ctx, { size, profile, label: `det${key}`, events: ['member'] })
        const seed = fleet.nodes[0]
        const results = []
        let failed = 0
        for (let k = 0; k < kills && !ctx.aborted; k++) {
          const candidates = fleet.live.filter((n) => n !== seed)
          const victim = candidates[k % candidates.length]
          try {
            results.push(await killTrial(fleet, victim, deadline))
          } catch (err) {
            failed++
            ctx.log(`kill ${k} at ${key}: ${err.message}`)
          }
          if (k < kills - 1) {
            await fleet.spawn(seed)
            await fleet.waitMembership({ timeoutMs: deadline })
          }
        }
        const all = summarize(results.map((r) => r.all))
        const first = summarize(results.map((r) => r.first))
        const suspect = summarize(results.map((r) => r.firstSuspect).filter((v) => v !== null))
        out.raw[key] = { results, failed }
        table.rows.push([size, profile, `${results.length}/${results.length + failed}`, fmt(all?.p50), fmt(all?.max), fmt(first?.p50), fmt(suspect?.p50)])
        const failNote = failed ? `${failed} of ${kills} kills not detected by every node within ${deadline / 1000} s` : ''
        out.summary.push(
          row({ metric: `detection p50, ${size} nodes, ${profile} profile`, value: all?.p50, unit: 's', target: size === 25 && profile === 'local' ? P50_TARGET : null, note: failNote }),
          row({ metric: `detection max, ${size} nodes, ${profile} profile`, value: all?.max, unit: 's' }),
        )
        if (failed) out.errors.push(`${key}: ${failNote}`)
      } catch (err) {
        out.errors.push(`${key}: ${err.message}`)
        out.summary.push(notMeasuredRow(`detection p50, ${size} nodes, ${profile} profile`, size === 25 && profile === 'local' ? P50_TARGET : null, err.message.split('\n')[0]))
      } finally {
        // dead members stay in every view: not a fleet to hand over
        if (fleet) await releaseFleet(ctx, fleet, { reusable: false })
      }
    }
    if (ctx.quick) out.summary.push(notMeasuredRow('detection p50, 25 nodes, local profile', P50_TARGET, 'quick mode runs 10 nodes; the full run measures 25'))
  },
}
