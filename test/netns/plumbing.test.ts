// scripts/simulate's own plumbing, with a stand-in node (fixtures/standin-node.mjs:
// TCP echo + multicast hellos on the mDNS group + a tiny admin API) instead of
// libp2p, so namespaces, partitions, netem and process control are tested on their own.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pollUntil } from '../../scripts/lib/poll.mjs'
import { NetnsFleet, SIMULATE, netnsUnavailable } from '../../scripts/sim/NetnsFleet.mjs'

const SKIP = netnsUnavailable()
if (SKIP !== null) console.warn(`test/netns/plumbing: skipped: ${SKIP}`)

const ID = 201
const STANDIN = fileURLToPath(new URL('./fixtures/standin-node.mjs', import.meta.url))
const fleet = new NetnsFleet({ id: ID, size: 3, env: { BMSIM_CLI: `${process.execPath} ${STANDIN}` } })
const { plan } = fleet

interface ProbeResult {
  ok: boolean
  code?: string
  connectMs?: number
  rttMs?: number
}

/** TCP connect + `count` echo round trips from inside node `from`'s namespace to host:port. */
async function probe(from: number, target: string, timeoutMs = 1500, count = 1): Promise<ProbeResult> {
  const args = ['run', `n${from}`, process.execPath, STANDIN, 'probe', target, '--timeout-ms', String(timeoutMs), '--count', String(count)]
  return JSON.parse(await fleet.runOk(args)) as ProbeResult
}

/** Names node i heard over multicast in the last second (its view's members, self excluded). */
async function heardBy(i: number): Promise<string[] | undefined> {
  const [view] = await fleet.views([i])
  return view?.members
    .map((m) => m.name)
    .filter((n) => n !== `n${i}`)
    .sort()
}

async function waitHeard(expected: Record<number, string[]>, what: string) {
  const seen: Record<number, string[] | undefined> = {}
  return pollUntil(
    async () => {
      for (const [i, names] of Object.entries(expected)) {
        seen[Number(i)] = await heardBy(Number(i))
        if (JSON.stringify(seen[Number(i)]) !== JSON.stringify(names)) return false
      }
      return seen
    },
    { timeoutMs: 10_000, intervalMs: 100, what, describe: () => JSON.stringify(seen) },
  )
}

/** A pid that exited counts as gone even while it waits, a zombie, for its reaper. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

function pidsOf(state: string): number[] {
  const pids: number[] = []
  for (const file of ['n1.pid', 'n2.pid', 'n3.pid', 'upstream.pid']) {
    const path = `${state}/${file}`
    if (existsSync(path)) pids.push(Number(readFileSync(path, 'utf8').trim()))
  }
  return pids
}

describe.skipIf(SKIP !== null)(`scripts/simulate plumbing with a stand-in node${SKIP === null ? '' : ` (skipped: ${SKIP})`}`, () => {
  let startedPids: number[] = []

  beforeAll(async () => {
    await fleet.up({ rps: 0 })
    startedPids = pidsOf(fleet.stateDir)
  }, 120_000)

  afterAll(() => fleet.down(), 120_000)

  it('builds one namespace per node on the bridge, and status reads every node through the CLI', async () => {
    const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout
    for (const i of fleet.indexes) expect(list).toContain(plan.namespace(i))
    const addr = spawnSync('ip', ['-n', plan.namespace(2), '-4', '-o', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' }).stdout
    expect(addr).toContain(`${fleet.ip(2)}/24`)
    expect(startedPids).toHaveLength(4)

    const status = JSON.parse(await fleet.runOk(['status', '--json'])) as {
      nodes: Array<{ name: string; up: boolean; view: { node: { name: string } } | null }>
    }
    expect(status.nodes.map((n) => [n.name, n.up, n.view?.node.name])).toEqual([
      ['n1', true, 'n1'],
      ['n2', true, 'n2'],
      ['n3', true, 'n3'],
    ])
    const text = await fleet.runOk(['status'])
    expect(text).toMatch(new RegExp(`^n1 +${plan.ip(1).replaceAll('.', '\\.')} +standin-n1 +members: n1=alive`, 'm'))
  })

  it('passes multicast (mDNS group 224.0.0.251:5353) between every namespace', async () => {
    await waitHeard({ 1: ['n2', 'n3'], 2: ['n1', 'n3'], 3: ['n1', 'n2'] }, 'every node to hear the other two')
  })

  it('partition cuts TCP both ways and multicast across the groups, keeps each side and the upstream', async () => {
    const out = await fleet.partition([1, 2], [3])
    expect(out).toContain('n1,n2 | n3')
    expect(await probe(1, plan.listen(3))).toMatchObject({ ok: false, code: 'EACCES' })
    expect(await probe(3, plan.listen(1))).toMatchObject({ ok: false, code: 'EACCES' })
    expect(await probe(3, plan.admin(2))).toMatchObject({ ok: false, code: 'EACCES' })
    expect(await probe(1, plan.listen(2))).toMatchObject({ ok: true })
    expect(await probe(3, fleet.upstream)).toMatchObject({ ok: true })
    await waitHeard({ 1: ['n2'], 2: ['n1'], 3: [] }, 'multicast to stop crossing the cut')

    await fleet.heal()
    expect(await probe(1, plan.listen(3))).toMatchObject({ ok: true })
    expect(await probe(3, plan.listen(1))).toMatchObject({ ok: true })
    await waitHeard({ 1: ['n2', 'n3'], 3: ['n1', 'n2'] }, 'multicast to cross again after heal')
  })

  it('rejects bad partitions and netem arguments with exit 2', async () => {
    expect((await fleet.run(['partition', 'n1,n2'])).code).toBe(2)
    expect((await fleet.run(['partition', 'n1,n2', 'n2,n3'])).code).toBe(2)
    expect((await fleet.run(['partition', 'n1', 'n9'])).code).toBe(2)
    expect((await fleet.run(['netem', '--loss', '120%'])).code).toBe(2)
    expect((await fleet.run(['netem', '--delay', 'soon'])).code).toBe(2)
    expect((await fleet.run(['netem'])).code).toBe(2)
    expect((await fleet.run(['exec', 'n4', 'inspect'])).code).toBe(2)
  })

  it('netem delays and drops a node’s egress, and clear restores the direct path', async () => {
    // Minimum of 5 round trips against a 200 ms delay: scheduling noise on a loaded
    // host only adds time, so "≥ 195" cannot fail by noise and "< 150" rarely would.
    const DELAY = 200
    const rtt = async (from: number, to: number, timeoutMs = 5000) => {
      const result = await probe(from, plan.listen(to), timeoutMs, 5)
      expect(result.ok, JSON.stringify(result)).toBe(true)
      return result.rttMs ?? NaN
    }
    expect(await rtt(1, 2)).toBeLessThan(DELAY * 0.75)

    await fleet.netem(['--delay', `${DELAY}ms`, 'n1'])
    const outbound = await rtt(1, 2)
    const inbound = await rtt(2, 1)
    const untouched = await rtt(2, 3)
    console.log(`netem ${DELAY} ms on n1: min rtt n1->n2 ${outbound.toFixed(1)} ms, n2->n1 ${inbound.toFixed(1)} ms, n2->n3 ${untouched.toFixed(1)} ms`)
    // One shaped egress per round trip: n1's echo (outbound) or n1's reply (inbound).
    expect(outbound).toBeGreaterThanOrEqual(DELAY - 5)
    expect(inbound).toBeGreaterThanOrEqual(DELAY - 5)
    expect(untouched).toBeLessThan(DELAY * 0.75)

    await fleet.netem(['--loss', '100%', 'n1'])
    expect(await probe(1, plan.listen(2), 1000)).toMatchObject({ ok: false, code: 'ETIMEDOUT' })

    await fleet.netem(['clear'])
    expect(await rtt(1, 2)).toBeLessThan(DELAY * 0.75)
  })

  it('exec runs the CLI against the node’s admin address', async () => {
    const view = JSON.parse(await fleet.runOk(['exec', 'n3', 'inspect', '--json'])) as { node: { name: string } }
    expect(view.node.name).toBe('n3')
  })

  it('kill stops a node at once and restart brings it back', async () => {
    const before = readFileSync(`${fleet.stateDir}/n2.pid`, 'utf8').trim()
    expect(await fleet.runOk(['kill', 'n2'])).toContain('n2 killed')
    expect(isRunning(Number(before))).toBe(false)
    let status = JSON.parse(await fleet.runOk(['status', '--json'])) as { nodes: Array<{ name: string; up: boolean }> }
    expect(status.nodes.find((n) => n.name === 'n2')?.up).toBe(false)
    expect((await probe(1, plan.listen(2))).ok).toBe(false)

    await fleet.runOk(['restart', 'n2'])
    const after = readFileSync(`${fleet.stateDir}/n2.pid`, 'utf8').trim()
    expect(after).not.toBe(before)
    status = JSON.parse(await fleet.runOk(['status', '--json'])) as { nodes: Array<{ name: string; up: boolean }> }
    expect(status.nodes.find((n) => n.name === 'n2')?.up).toBe(true)
    expect((await probe(1, plan.listen(2))).ok).toBe(true)
  })

  it('refuses to run without root', () => {
    const res = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', SIMULATE, 'status'], {
      encoding: 'utf8',
      env: { ...process.env, BMSIM_ID: String(ID) },
    })
    if (res.error) return // no setpriv on this host: nothing to check
    expect(res.status).toBe(1)
    expect(res.stderr).toContain('must run as root')
  })

  it('down removes every process, namespace, veth and the bridge, and is idempotent', async () => {
    const pids = [...startedPids, ...pidsOf(fleet.stateDir)]
    await fleet.runOk(['down'])
    const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout
    expect(list).not.toMatch(new RegExp(`^${plan.nsPrefix}`, 'm'))
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout
    expect(links).not.toMatch(new RegExp(`\\b(${plan.bridge}|${plan.vethPrefix}\\d+)[@:]`))
    for (const pid of pids) expect(isRunning(pid)).toBe(false)
    const again = await fleet.run(['down'])
    expect(again.code).toBe(0)
    expect((await fleet.run(['status'])).code).toBe(1)
  })
})
