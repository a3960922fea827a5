// Heal (issue 5 item 5): 10 nodes split 5 / 5 by a real network partition
// (namespaces), 1,000 breakers changed on both sides, then the network heals:
// time until every table is identical.
import { hrNow } from '../../lib/hrNow.mjs'
import { pause, pollUntil } from '../../lib/poll.mjs'
import { viewFingerprint } from '../../sim/NetnsFleet.mjs'
import { netnsFleetFor } from '../lib/netnsSuite.mjs'
import { fmt, notMeasuredRow, row, target } from '../lib/targets.mjs'

const TARGET = target('<=', 2, 's')
const NODES = 10
const BREAKERS = 1000
const METRIC = `heal: ${NODES} nodes, ${BREAKERS.toLocaleString('en-US')} breakers changed on both sides → identical tables`

const range = (a, b) => Array.from({ length: b - a + 1 }, (_, k) => a + k)

export default {
  name: 'heal',
  title: 'Heal after a partition',
  issue: 'issue 5 item 5: ≤ 2 s',
  budgetMs: (quick) => (quick ? 10_000 : 360_000),

  async run(ctx, out) {
    out.method.push(
      `scripts/simulate (BMSIM_ID 150): ${NODES} \`breaker-mesh start\` processes, each in its own network namespace on one bridge, profile \`local\`, mDNS on, demo workload off; driven through each node's admin HTTP API from the root namespace.`,
      `Partition n1–n5 | n6–n10 (\`scripts/simulate partition\`: prohibit routes + reverse-path filtering, so dials fail and established connections go silent). Once each side has marked the other dead, the same ${BREAKERS.toLocaleString('en-US')} breaker names are changed on both sides: side A force-opens them, side B force-closes them (200 per node, through 5 different writers per side), and each side converges internally. Every name then holds concurrent versions that Lamport LWW must settle after the heal.`,
      "Heal (`scripts/simulate heal`); the figure runs from the moment the heal command returned (network whole again) until the last change any node applied: every node's own event stream (`GET /v1/events`, followed from before the heal) stamps each breaker change with the node's clock (`at`, the same machine clock as the bench's), and the figure is the latest such stamp on any node. A poll of all 10 views (`GET /v1/view`, every 1 s) then confirms the tables are identical (names, versions, effective states) and that each node's last event per name matches its final view. Polling 300 KB views of 10 nodes every 200 ms, as this suite did before, costs CPU the nodes need and rounds the figure to the poll; the events cost neither. Healing relies on each node re-dialing dead members (reconnect every 1 s in the local profile) and a push-pull on every new connection.",
    )
    const sim = netnsFleetFor(ctx, out, {
      id: 150,
      size: NODES,
      what: 'heal',
      metric: METRIC,
      target: TARGET,
      quick: { reason: 'bringing up a namespace fleet does not fit the quick budget', note: 'namespace fleet' },
    })
    if (!sim) return
    const all = range(1, NODES)
    const closers = []
    const sideA = range(1, NODES / 2)
    const sideB = range(NODES / 2 + 1, NODES)
    const views = (nodes) => Promise.all(nodes.map((i) => sim.view(i)))
    const sameTables = async (nodes, size) => {
      const prints = new Set((await views(nodes)).map(viewFingerprint))
      return prints.size === 1 && [...prints][0].startsWith(`${size}:`)
    }
    try {
      const t0 = Date.now()
      await sim.up({ rps: 0 })
      ctx.log(`namespace fleet up in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
      await pollUntil(() => sim.allAlive(), { signal: ctx.signal, timeoutMs: 60_000, intervalMs: 500, what: 'full membership' })
      await sim.partition(sideA, sideB)
      const tPart = hrNow()
      const sees = (side, other, status) => async () =>
        (await views(side)).every((v) => other.every((j) => v.members.some((m) => m.name === `n${j}` && m.status === status)))
      await pollUntil(async () => (await sees(sideA, sideB, 'dead')()) && (await sees(sideB, sideA, 'dead')()), { signal: ctx.signal, timeoutMs: 90_000, intervalMs: 500, what: 'each side to mark the other dead' })
      const splitSecs = (hrNow() - tPart) / 1000
      const per = BREAKERS / sideA.length
      const nameAt = (k) => `heal-${k}`
      await Promise.all([
        ...sideA.map((i, k) => sim.writeMany(i, 'force-open', range(k * per, k * per + per - 1).map(nameAt))),
        ...sideB.map((i, k) => sim.writeMany(i, 'force-close', range(k * per, k * per + per - 1).map(nameAt))),
      ])
      await pollUntil(async () => (await sameTables(sideA, BREAKERS)) && (await sameTables(sideB, BREAKERS)), { signal: ctx.signal, timeoutMs: 60_000, intervalMs: 250, what: 'each side to converge internally' })
      // Every node's own record of what it applied, from before the heal on.
      const lastChange = new Map(all.map((i) => [i, new Map()]))
      const streamErrors = []
      let following = true
      for (const i of all) {
        closers.push(
          sim.follow(
            i,
            (e) => {
              if (e.type === 'breaker') lastChange.get(i).set(e.name, e)
            },
            (err) => following && streamErrors.push(`n${i}: ${err.message}`),
          ),
        )
      }
      // prove every stream delivers before the heal: a force-open of a probe breaker on each side
      await Promise.all([sim.http(sideA[0], 'POST', '/v1/breakers/heal-probe-a/force-open'), sim.http(sideB[0], 'POST', '/v1/breakers/heal-probe-b/force-open')])
      const probed = (i) => lastChange.get(i).has(sideA.includes(i) ? 'heal-probe-a' : 'heal-probe-b')
      await pollUntil(() => all.every(probed), { signal: ctx.signal, timeoutMs: 30_000, intervalMs: 100, what: 'the probe event on every event stream' })
      const size = BREAKERS + 2
      const tHealStartWall = Date.now()
      const tHealStart = hrNow()
      await sim.heal()
      const tHealed = hrNow()
      const tHealedWall = Date.now()
      const identicalAt = await pollUntil(async () => ((await sameTables(all, size)) ? hrNow() : false), { signal: ctx.signal, timeoutMs: 60_000, intervalMs: 1000, what: 'identical tables on all 10 nodes after the heal' })
      const aliveAt = await pollUntil(async () => (await sim.allAlive()) && hrNow(), { signal: ctx.signal, timeoutMs: 60_000, intervalMs: 200, what: 'full membership after the heal' })
      await pause(500, ctx.signal) // events already written by the nodes reach this process
      following = false
      const final = await views(all)
      let lastAt = tHealedWall
      let changesAfterHeal = 0
      const mismatched = []
      all.forEach((i, k) => {
        const byName = new Map(final[k].breakers.map((b) => [b.name, b]))
        for (const [name, e] of lastChange.get(i)) {
          if (e.at < tHealStartWall) continue
          changesAfterHeal++
          lastAt = Math.max(lastAt, e.at)
          const b = byName.get(name)
          if (!b || b.version.origin !== e.origin || b.state !== e.state || b.override !== e.override) mismatched.push(`n${i} ${name}`)
        }
      })
      if (streamErrors.length > 0) throw new Error(`event streams broke: ${streamErrors.join('; ')}`)
      if (mismatched.length > 0) throw new Error(`a node's last event disagrees with its final view for ${mismatched.length} names, e.g. ${mismatched.slice(0, 3).join(', ')}`)
      const secs = (lastAt - tHealedWall) / 1000
      const polledSecs = (identicalAt - tHealed) / 1000
      const opens = final[0].breakers.filter((b) => b.name.startsWith('heal-') && !b.name.startsWith('heal-probe') && b.state === 'open').length
      out.raw = { splitSecs, healCommandMs: tHealed - tHealStart, identicalSecs: secs, polledIdenticalSecs: polledSecs, changesAfterHeal, aliveSecs: (aliveAt - tHealed) / 1000, openAfter: opens }
      out.tables.push({
        title: 'Partition and heal, 10 nodes in namespaces',
        columns: ['measure', 'value'],
        rows: [
          ['partition → each side marked the other dead', fmt(splitSecs, 's')],
          ['heal command (route flush in 10 namespaces)', fmt(tHealed - tHealStart, 'ms')],
          ['heal → last change applied on any node (nodes\' own events)', fmt(secs, 's')],
          ['changes applied after the heal, all nodes', fmt(changesAfterHeal)],
          ['heal → a 1 s poll of all views saw identical tables (confirmation)', fmt(polledSecs, 's')],
          ['heal → every node lists every node alive', fmt((aliveAt - tHealed) / 1000, 's')],
          [`winners after the heal (of ${BREAKERS} conflicting names)`, `${opens} open (side A), ${BREAKERS - opens} closed (side B)`],
        ],
      })
      out.summary.push(row({ metric: METRIC, value: secs, unit: 's', target: TARGET, note: `from the nodes' own events; a 1 s poll confirmed identical tables at ${fmt(polledSecs, 's')}`, ref: true }))
    } catch (err) {
      out.errors.push(err.message)
      if (!out.summary.length) out.summary.push(notMeasuredRow(METRIC, TARGET, err.message.split('\n')[0]))
    } finally {
      for (const close of closers) close()
      await sim.down()
    }
  },
}
