// Real breaker-mesh fleets (compiled CLI, libp2p, mDNS) in network namespaces, driven
// by scripts/simulate: a 3/2 partition and its heal, then loss and delay on every link.
// Views are read straight from each node's admin API (GET /v1/view) from the root
// namespace, so polling costs milliseconds and the measured times are the mesh's.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MeshView } from '@breaker-mesh/mesh'
import { observeFor, pollUntil } from '../../scripts/lib/poll.mjs'
import { NetnsFleet, breakerOf, netnsUnavailable, type BreakerView } from '../../scripts/sim/NetnsFleet.mjs'

const SKIP = netnsUnavailable()
if (SKIP !== null) console.warn(`test/netns/fleet: skipped: ${SKIP}`)

const CLI_MAIN = fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url))
const BREAKER = 'upstream'
const SIZE = 5

function requireBuiltCli() {
  if (!existsSync(CLI_MAIN)) throw new Error(`the CLI is not built (${CLI_MAIN} is missing): run 'npm run build' first`)
}

const name = (i: number) => `n${i}`

function summary(views: ReadonlyArray<MeshView | undefined>, indexes: readonly number[]): string {
  return indexes
    .map((i, k) => {
      const v = views[k]
      if (!v) return `${name(i)}: no answer`
      const b = breakerOf(v, BREAKER)
      const members = v.members.map((m) => `${m.name}=${m.status}`).join(',')
      return `${name(i)}: ${b ? `${b.state}/${b.override ?? '-'} v${b.version.lamport}@${b.version.origin.slice(-6)}` : 'no record'} [${members}]`
    })
    .join('; ')
}

/** A pollUntil check, and an account of its last look for the timeout error. */
interface Look<T> {
  check: () => Promise<T | undefined>
  describe: () => string
}

/**
 * Every node answers and knows all SIZE members as alive — or, with `allowSuspect`,
 * as alive or suspect: on a loaded 2-core host the `local` profile's 100 ms probe
 * timeout makes brief suspicions normal, and they say nothing about fleet formation.
 */
function formed(fleet: NetnsFleet, allowSuspect: boolean): Look<true> {
  const okStatus = (status: string) => status === 'alive' || (allowSuspect && status === 'suspect')
  let last = 'never looked'
  return {
    check: async () => {
      const views = await fleet.views()
      last = summary(views, fleet.indexes)
      return views.every((v) => v !== undefined && v.members.filter((m) => okStatus(m.status)).length === fleet.size) || undefined
    },
    describe: () => last,
  }
}

/** The given nodes all report the breaker forced open with one and the same version. */
function agreeForcedOpen(fleet: NetnsFleet, indexes: readonly number[]): Look<BreakerView> {
  let last = 'never looked'
  return {
    check: async () => {
      const views = await fleet.views(indexes)
      last = summary(views, indexes)
      const records = views.map((v) => (v ? breakerOf(v, BREAKER) : undefined))
      const first = records[0]
      const agreed =
        first !== undefined &&
        records.every(
          (b) =>
            b !== undefined &&
            b.state === 'open' &&
            b.override === 'forced-open' &&
            b.version.lamport === first.version.lamport &&
            b.version.origin === first.version.origin,
        )
      return agreed ? first : undefined
    },
    describe: () => last,
  }
}

/** pollUntil over a Look; resolves with the value and the ms it took. */
async function timed<T>(look: Look<T>, options: { timeoutMs: number; intervalMs?: number; what: string }): Promise<{ value: T; elapsedMs: number }> {
  const started = performance.now()
  const value = await pollUntil(look.check, { ...options, describe: look.describe })
  return { value, elapsedMs: performance.now() - started }
}

async function startFleet(fleet: NetnsFleet, nodeFlags: string[], allowSuspect: boolean) {
  requireBuiltCli()
  await fleet.up({ nodeArgs: nodeFlags })
  const membership = await timed(formed(fleet, allowSuspect), {
    timeoutMs: 60_000,
    intervalMs: 200,
    what: `all ${fleet.size} nodes to see each other ${allowSuspect ? 'alive or suspect' : 'alive'}`,
  })
  console.log(`fleet ${fleet.id}: ${fleet.size} nodes formed one membership ${membership.elapsedMs.toFixed(0)} ms after 'up' returned`)
}

async function stopFleet(fleet: NetnsFleet) {
  await fleet.down()
  console.log(`fleet ${fleet.id}: node logs kept in ${fleet.stateDir}/`)
}

describe.skipIf(SKIP !== null)(`breaker-mesh fleet in network namespaces${SKIP === null ? '' : ` (skipped: ${SKIP})`}`, () => {
  describe('a 3/2 partition and its heal (profile local)', () => {
    const fleet = new NetnsFleet({ id: 202, size: SIZE, log: (text) => console.warn(text) })

    beforeAll(() => startFleet(fleet, [], true), 180_000)
    afterAll(() => stopFleet(fleet), 120_000)

    it('a force-open reaches its own side only, and all 5 agree within 5 s of the heal', async () => {
      await fleet.partition([1, 2, 3], [4, 5])
      await fleet.runOk(['exec', 'n1', 'force-open', BREAKER, '--reason', 'partition test'])

      const sideA = await timed(agreeForcedOpen(fleet, [1, 2, 3]), { timeoutMs: 10_000, what: 'n1..n3 to report the breaker forced open' })
      expect(sideA.value.reason ?? '').toContain('partition test')

      const looks = await observeFor(3_000, async () => {
        const views = await fleet.views([4, 5])
        let answered = 0
        views.forEach((v, k) => {
          if (!v) return
          answered++
          const record = breakerOf(v, BREAKER)
          expect(record?.state ?? 'closed', `n${k + 4} must stay closed: ${summary(views, [4, 5])}`).toBe('closed')
          expect(record?.override ?? null, `n${k + 4} must see no override`).toBeNull()
        })
        return answered
      })
      expect(looks).toBeGreaterThanOrEqual(10)

      await fleet.heal()
      const healed = await timed(agreeForcedOpen(fleet, fleet.indexes), {
        timeoutMs: 20_000,
        what: 'all 5 nodes to agree on the forced-open record after the heal',
      })
      console.log(
        `partition 3/2: n1..n3 forced open ${sideA.elapsedMs.toFixed(0)} ms after the command; ` +
          `n4,n5 stayed closed over ${looks} looks; all 5 agreed ${healed.elapsedMs.toFixed(0)} ms after the heal ` +
          `(version ${healed.value.version.lamport}@${healed.value.version.origin.slice(-6)})`,
      )
      expect(healed.value.version.origin).toBe(sideA.value.version.origin)
      expect(healed.elapsedMs).toBeLessThan(5_000)
    }, 90_000)

    it('status reads every node through breaker-mesh inspect', async () => {
      const status = JSON.parse(await fleet.runOk(['status', '--json'])) as {
        nodes: Array<{ name: string; up: boolean; view: MeshView | null }>
      }
      expect(status.nodes.map((n) => [n.name, n.up, n.view?.node.name])).toEqual(fleet.indexes.map((i) => [name(i), true, name(i)]))
      for (const node of status.nodes) expect(node.view?.breakers.find((b) => b.name === BREAKER)?.override).toBe('forced-open')
    }, 60_000)

    it('takes writes through a node\'s admin API with the fleet\'s admin token, as the bench does', async () => {
      await expect(fetch(`${fleet.adminUrl(4)}/v1/breakers/no-token/force-open`, { method: 'POST' })).resolves.toMatchObject({ status: 401 })
      await fleet.writeMany(4, 'force-open', ['via-admin-1', 'via-admin-2'])
      await pollUntil(
        async () => {
          const views = await fleet.views()
          return views.every((v) => v !== undefined && ['via-admin-1', 'via-admin-2'].every((n) => breakerOf(v, n)?.override === 'forced-open'))
        },
        { timeoutMs: 20_000, intervalMs: 200, what: 'both admin-API writes on all 5 nodes' },
      )
      expect((await fleet.view(1)).breakers.some((b) => b.name === 'no-token')).toBe(false)
    }, 60_000)
  })

  describe('10 % loss and 50 ms delay on every node (profile lan)', () => {
    // 50 ms on each egress makes every round trip >= 100 ms: the `local` profile's
    // 100 ms probe timeout cannot hold on such a network; `lan` (500 ms) is the
    // profile meant for it. The last --profile wins over the script's `--profile local`.
    const fleet = new NetnsFleet({ id: 203, size: SIZE, log: (text) => console.warn(text) })

    beforeAll(() => startFleet(fleet, ['--profile', 'lan'], false), 180_000)
    afterAll(() => stopFleet(fleet), 120_000)

    it('a force-open still converges on all 5, and no node reports another dead over 30 s', async () => {
      await fleet.netem(['--loss', '10%', '--delay', '50ms'])
      const deaths: string[] = []
      const started = performance.now()
      const watch = observeFor(
        30_000,
        async () => {
          const views = await fleet.views(fleet.indexes, 3_000)
          let answered = 0
          views.forEach((v, k) => {
            if (!v) return
            answered++
            for (const m of v.members) {
              if (m.status === 'dead') deaths.push(`${(performance.now() - started).toFixed(0)} ms: n${k + 1} sees ${m.name} dead`)
            }
          })
          return answered
        },
        { intervalMs: 250 },
      )

      await fleet.runOk(['exec', 'n2', 'force-open', BREAKER, '--reason', 'netem test'])
      const converged = await timed(agreeForcedOpen(fleet, fleet.indexes), {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: 'all 5 nodes to agree on the forced-open record under loss and delay',
      })
      const looks = await watch
      console.log(
        `netem 10% loss + 50 ms delay: all 5 agreed ${converged.elapsedMs.toFixed(0)} ms after the force-open; ` +
          `${looks} views over 30 s, ${deaths.length} dead reports${deaths.length > 0 ? `: ${deaths.slice(0, 5).join('; ')}` : ''}`,
      )
      expect(converged.value.reason ?? '').toContain('netem test')
      expect(looks).toBeGreaterThanOrEqual(100)
      expect(deaths).toEqual([])
      await fleet.netem(['clear'])
    }, 120_000)
  })
})
