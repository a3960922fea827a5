// scripts/simulate's own plumbing, with a stand-in node (fixtures/standin-node.mjs:
// TCP echo + multicast hellos on the mDNS group + a tiny admin API) instead of
// libp2p, so namespaces, partitions, netem and process control are tested on their own.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { netnsSupport } from './harness/netnsSupport.js'
import { pollUntil } from './harness/pollUntil.js'
import { runSimulate, runSimulateOk, SIMULATE_PATH } from './harness/runSimulate.js'
import { SimFleet } from './harness/SimFleet.js'

const support = netnsSupport()
if (!support.ok) console.warn(`test/netns/plumbing: skipped: ${support.reason}`)

const ID = 201
const fleet = new SimFleet(ID, 3)
const STANDIN = fileURLToPath(new URL('./fixtures/standin-node.mjs', import.meta.url))
const sim = { id: ID, env: { BMSIM_CLI: `${process.execPath} ${STANDIN}` } }

interface ProbeResult {
  ok: boolean
  code?: string
  connectMs?: number
  rttMs?: number
}

/** TCP connect + `count` echo round trips from inside node `from`'s namespace to host:port. */
async function probe(from: number, target: string, timeoutMs = 1500, count = 1): Promise<ProbeResult> {
  const args = ['run', `n${from}`, process.execPath, STANDIN, 'probe', target, '--timeout-ms', String(timeoutMs), '--count', String(count)]
  const out = await runSimulateOk(args, sim)
  return JSON.parse(out) as ProbeResult
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
  return pollUntil(
    async () => {
      const seen: Record<number, string[] | undefined> = {}
      for (const [i, names] of Object.entries(expected)) {
        seen[Number(i)] = await heardBy(Number(i))
        if (JSON.stringify(seen[Number(i)]) !== JSON.stringify(names)) return { done: false, why: JSON.stringify(seen) }
      }
      return { done: true, value: seen }
    },
    { timeoutMs: 10_000, what },
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

describe.skipIf(!support.ok)(`scripts/simulate plumbing with a stand-in node${support.ok ? '' : ` (skipped: ${support.reason})`}`, () => {
  let startedPids: number[] = []

  beforeAll(async () => {
    await runSimulate(['down'], sim)
    await runSimulateOk(['up', '3', '--rps', '0'], sim)
    startedPids = pidsOf(`/tmp/bmsim${ID}`)
  }, 120_000)

  afterAll(async () => {
    await runSimulate(['down'], sim)
  }, 120_000)

  it('builds one namespace per node on the bridge, and status reads every node through the CLI', async () => {
    const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout
    for (const i of fleet.indexes) expect(list).toContain(`bmsim${ID}-n${i}`)
    const addr = spawnSync('ip', ['-n', `bmsim${ID}-n2`, '-4', '-o', 'addr', 'show', 'dev', 'eth0'], { encoding: 'utf8' }).stdout
    expect(addr).toContain(`${fleet.ip(2)}/24`)
    expect(startedPids).toHaveLength(4)

    const status = JSON.parse(await runSimulateOk(['status', '--json'], sim)) as {
      nodes: Array<{ name: string; up: boolean; view: { node: { name: string } } | null }>
    }
    expect(status.nodes.map((n) => [n.name, n.up, n.view?.node.name])).toEqual([
      ['n1', true, 'n1'],
      ['n2', true, 'n2'],
      ['n3', true, 'n3'],
    ])
    const text = await runSimulateOk(['status'], sim)
    expect(text).toMatch(/^n1 +10\.213\.201\.11 +standin-n1 +members: n1=alive/m)
  })

  it('passes multicast (mDNS group 224.0.0.251:5353) between every namespace', async () => {
    await waitHeard({ 1: ['n2', 'n3'], 2: ['n1', 'n3'], 3: ['n1', 'n2'] }, 'every node to hear the other two')
  })

  it('partition cuts TCP both ways and multicast across the groups, keeps each side and the upstream', async () => {
    const out = await runSimulateOk(['partition', 'n1,n2', 'n3'], sim)
    expect(out).toContain('n1,n2 | n3')
    expect(await probe(1, `${fleet.ip(3)}:7946`)).toMatchObject({ ok: false, code: 'EACCES' })
    expect(await probe(3, `${fleet.ip(1)}:7946`)).toMatchObject({ ok: false, code: 'EACCES' })
    expect(await probe(3, `${fleet.ip(2)}:7947`)).toMatchObject({ ok: false, code: 'EACCES' })
    expect(await probe(1, `${fleet.ip(2)}:7946`)).toMatchObject({ ok: true })
    expect(await probe(3, fleet.upstream)).toMatchObject({ ok: true })
    await waitHeard({ 1: ['n2'], 2: ['n1'], 3: [] }, 'multicast to stop crossing the cut')

    await runSimulateOk(['heal'], sim)
    expect(await probe(1, `${fleet.ip(3)}:7946`)).toMatchObject({ ok: true })
    expect(await probe(3, `${fleet.ip(1)}:7946`)).toMatchObject({ ok: true })
    await waitHeard({ 1: ['n2', 'n3'], 3: ['n1', 'n2'] }, 'multicast to cross again after heal')
  })

  it('rejects bad partitions and netem arguments with exit 2', async () => {
    expect((await runSimulate(['partition', 'n1,n2'], sim)).code).toBe(2)
    expect((await runSimulate(['partition', 'n1,n2', 'n2,n3'], sim)).code).toBe(2)
    expect((await runSimulate(['partition', 'n1', 'n9'], sim)).code).toBe(2)
    expect((await runSimulate(['netem', '--loss', '120%'], sim)).code).toBe(2)
    expect((await runSimulate(['netem', '--delay', 'soon'], sim)).code).toBe(2)
    expect((await runSimulate(['netem'], sim)).code).toBe(2)
    expect((await runSimulate(['exec', 'n4', 'inspect'], sim)).code).toBe(2)
  })

  it('netem delays and drops a node’s egress, and clear restores the direct path', async () => {
    // Minimum of 5 round trips against a 200 ms delay: scheduling noise on a loaded
    // host only adds time, so "≥ 195" cannot fail by noise and "< 150" rarely would.
    const DELAY = 200
    const rtt = async (from: number, to: number, timeoutMs = 5000) => {
      const result = await probe(from, `${fleet.ip(to)}:7946`, timeoutMs, 5)
      expect(result.ok, JSON.stringify(result)).toBe(true)
      return result.rttMs ?? NaN
    }
    expect(await rtt(1, 2)).toBeLessThan(DELAY * 0.75)

    await runSimulateOk(['netem', '--delay', `${DELAY}ms`, 'n1'], sim)
    const outbound = await rtt(1, 2)
    const inbound = await rtt(2, 1)
    const untouched = await rtt(2, 3)
    console.log(`netem ${DELAY} ms on n1: min rtt n1->n2 ${outbound.toFixed(1)} ms, n2->n1 ${inbound.toFixed(1)} ms, n2->n3 ${untouched.toFixed(1)} ms`)
    // One shaped egress per round trip: n1's echo (outbound) or n1's reply (inbound).
    expect(outbound).toBeGreaterThanOrEqual(DELAY - 5)
    expect(inbound).toBeGreaterThanOrEqual(DELAY - 5)
    expect(untouched).toBeLessThan(DELAY * 0.75)

    await runSimulateOk(['netem', '--loss', '100%', 'n1'], sim)
    expect(await probe(1, `${fleet.ip(2)}:7946`, 1000)).toMatchObject({ ok: false, code: 'ETIMEDOUT' })

    await runSimulateOk(['netem', 'clear'], sim)
    expect(await rtt(1, 2)).toBeLessThan(DELAY * 0.75)
  })

  it('exec runs the CLI against the node’s admin address', async () => {
    const view = JSON.parse(await runSimulateOk(['exec', 'n3', 'inspect', '--json'], sim)) as { node: { name: string } }
    expect(view.node.name).toBe('n3')
  })

  it('kill stops a node at once and restart brings it back', async () => {
    const before = readFileSync(`/tmp/bmsim${ID}/n2.pid`, 'utf8').trim()
    expect(await runSimulateOk(['kill', 'n2'], sim)).toContain('n2 killed')
    expect(isRunning(Number(before))).toBe(false)
    let status = JSON.parse(await runSimulateOk(['status', '--json'], sim)) as { nodes: Array<{ name: string; up: boolean }> }
    expect(status.nodes.find((n) => n.name === 'n2')?.up).toBe(false)
    expect((await probe(1, `${fleet.ip(2)}:7946`)).ok).toBe(false)

    await runSimulateOk(['restart', 'n2'], sim)
    const after = readFileSync(`/tmp/bmsim${ID}/n2.pid`, 'utf8').trim()
    expect(after).not.toBe(before)
    status = JSON.parse(await runSimulateOk(['status', '--json'], sim)) as { nodes: Array<{ name: string; up: boolean }> }
    expect(status.nodes.find((n) => n.name === 'n2')?.up).toBe(true)
    expect((await probe(1, `${fleet.ip(2)}:7946`)).ok).toBe(true)
  })

  it('refuses to run without root', () => {
    const res = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', SIMULATE_PATH, 'status'], {
      encoding: 'utf8',
      env: { ...process.env, BMSIM_ID: String(ID) },
    })
    if (res.error) return // no setpriv on this host: nothing to check
    expect(res.status).toBe(1)
    expect(res.stderr).toContain('must run as root')
  })

  it('down removes every process, namespace, veth and the bridge, and is idempotent', async () => {
    const pids = [...startedPids, ...pidsOf(`/tmp/bmsim${ID}`)]
    await runSimulateOk(['down'], sim)
    const list = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout
    expect(list).not.toMatch(new RegExp(`^bmsim${ID}-`, 'm'))
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout
    expect(links).not.toMatch(new RegExp(`\\b(bmsim${ID}|bms${ID}n\\d+)[@:]`))
    for (const pid of pids) expect(isRunning(pid)).toBe(false)
    const again = await runSimulate(['down'], sim)
    expect(again.code).toBe(0)
    expect((await runSimulate(['status'], sim)).code).toBe(1)
  })
})
