/**
 * Real breaker-mesh processes (test/fixtures/mesh-node.mjs) on 127.0.0.1, driven
 * over JSON lines by scripts/lib/MeshProcess.mjs. Always killAll() in afterEach /
 * afterAll; a node still running when the test process exits is SIGKILLed anyway.
 */
import { fileURLToPath } from 'node:url'
import type { MeshView } from '@breaker-mesh/mesh'
import { MeshProcess, seedHostPort } from '../../scripts/lib/MeshProcess.mjs'
import { pollUntil } from '../../scripts/lib/poll.mjs'

export { seedHostPort }

const FIXTURE = fileURLToPath(new URL('../fixtures/mesh-node.mjs', import.meta.url))

export interface NodeEvent {
  event: string
  t: number
  [key: string]: unknown
}

/** One node process: `command()` it, read its `events`, `kill()` it. */
export type NodeProcess = MeshProcess<NodeEvent>

export interface SpawnOptions {
  name: string
  fleet?: string
  join?: string[]
  profile?: 'lan' | 'local'
  mdns?: boolean
  breakers?: Record<string, unknown>
  fleetOptions?: Record<string, unknown>
  p2pOptions?: Record<string, unknown>
  joinTimeoutMs?: number
  env?: Record<string, string>
  /** Fleet key text (swarm-key format), passed to createMesh. */
  fleetKey?: string
}

const live = new Set<NodeProcess>()

/** Start a node process on 127.0.0.1 with an ephemeral port; resolves when it is ready (joined). */
export async function spawnNode(options: SpawnOptions): Promise<NodeProcess> {
  const config = {
    name: options.name,
    fleet: options.fleet ?? 'test',
    listen: '127.0.0.1:0',
    join: options.join ?? [],
    mdns: options.mdns ?? false,
    profile: options.profile ?? 'local',
    breakers: options.breakers ?? {},
    fleetOptions: options.fleetOptions,
    p2pOptions: options.p2pOptions,
    joinTimeoutMs: options.joinTimeoutMs,
    fleetKey: options.fleetKey,
  }
  const node = new MeshProcess<NodeEvent>(options.name, FIXTURE, config, options.env === undefined ? {} : { env: options.env })
  live.add(node)
  node.child.once('close', () => live.delete(node))
  try {
    await node.whenReady(90_000)
  } catch (err) {
    await node.kill()
    throw err
  }
  return node
}

/** Kill every node process still running (call from afterAll / afterEach). */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((n) => n.kill('SIGKILL')))
}

/** Start a fleet of `n` nodes: node 0 first, the rest joining it (by host:port seed) in parallel. */
export async function spawnFleet(n: number, base: Omit<SpawnOptions, 'name'> = {}): Promise<NodeProcess[]> {
  const first = await spawnNode({ ...base, name: 'n1' })
  const seed = seedHostPort(first.loopbackAddr)
  const rest = await Promise.all(Array.from({ length: n - 1 }, (_, i) => spawnNode({ ...base, name: `n${i + 2}`, join: [seed] })))
  return [first, ...rest]
}

/** A node's view (mesh.view()). */
export async function viewOf(node: NodeProcess): Promise<MeshView> {
  return (await node.command<{ view: MeshView }>({ cmd: 'view' })).view
}

/**
 * Wait until every node lists all of `nodes` as live members: alive, or with
 * `allowSuspect` also suspect (a node refuting a suspicion on a loaded machine).
 */
export async function waitFullMembership(nodes: readonly NodeProcess[], { timeoutMs = 20_000, allowSuspect = false } = {}): Promise<void> {
  const ok = (status: string) => status === 'alive' || (allowSuspect && status === 'suspect')
  let last = ''
  await pollUntil(
    async () => {
      const counts = await Promise.all(nodes.map(async (n) => (await viewOf(n)).members.filter((m) => ok(m.status)).length))
      last = counts.map((c, i) => `${nodes[i]!.name} sees ${c}`).join(', ')
      return counts.every((c) => c === nodes.length)
    },
    { timeoutMs, what: `every node to list all ${nodes.length} ${allowSuspect ? 'alive or suspect' : 'alive'}`, describe: () => last },
  )
}

/** Force `name` open on `from` and wait until every node of `fleet` holds the override: the fleet still spreads writes. */
export async function forceOpenEverywhere(fleet: readonly NodeProcess[], from: NodeProcess, name: string, timeoutMs = 20_000): Promise<void> {
  await from.command({ cmd: 'force-open', name })
  let missing: string[] = []
  await pollUntil(
    async () => {
      const views = await Promise.all(fleet.map((n) => viewOf(n)))
      missing = fleet.filter((_, i) => views[i]!.breakers.find((b) => b.name === name)?.override !== 'forced-open').map((n) => n.name)
      return missing.length === 0
    },
    { timeoutMs, what: `${name} forced open on every node`, describe: () => `not yet on ${missing.join(', ')}` },
  )
}
