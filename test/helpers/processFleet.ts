import { spawn } from 'node:child_process'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const FIXTURE = fileURLToPath(new URL('../fixtures/mesh-node.mjs', import.meta.url))

export interface NodeEvent {
  event: string
  t: number
  [key: string]: unknown
}

/** One real breaker-mesh process (test/fixtures/mesh-node.mjs), driven over stdin/stdout. */
export class NodeProcess {
  readonly events: NodeEvent[] = []
  id = ''
  addrs: string[] = []
  exited = false
  private nextId = 1
  private readonly waiting = new Map<number, (reply: Record<string, unknown>) => void>()
  private readonly stderr: string[] = []
  readonly ready: Promise<void>

  constructor(
    readonly name: string,
    readonly child: ChildProcessWithoutNullStreams,
  ) {
    let onReady!: () => void
    let onFail!: (err: Error) => void
    this.ready = new Promise<void>((resolve, reject) => {
      onReady = resolve
      onFail = reject
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      let msg: Record<string, unknown>
      try {
        msg = JSON.parse(line) as Record<string, unknown>
      } catch {
        return
      }
      if (typeof msg.reply === 'number') {
        this.waiting.get(msg.reply)?.(msg)
        this.waiting.delete(msg.reply)
      } else if (typeof msg.event === 'string') {
        this.events.push(msg as NodeEvent)
        if (msg.event === 'ready') {
          this.id = String(msg.id)
          this.addrs = msg.addrs as string[]
          onReady()
        }
      }
    })
    createInterface({ input: child.stderr }).on('line', (line) => {
      this.stderr.push(line)
      if (this.stderr.length > 200) this.stderr.shift()
    })
    child.on('exit', (code, signal) => {
      this.exited = true
      onFail(new Error(`${name} exited (${code ?? signal}) before ready:\n${this.stderr.join('\n')}`))
      for (const resolve of this.waiting.values()) resolve({ error: `${name} exited` })
      this.waiting.clear()
    })
  }

  /** Send a command and wait for its reply. */
  command<T = Record<string, unknown>>(cmd: Record<string, unknown>, timeoutMs = 15_000): Promise<T & { error?: string }> {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      if (this.exited) return reject(new Error(`${this.name} has exited`))
      const timer = setTimeout(() => {
        this.waiting.delete(id)
        reject(new Error(`${this.name}: no reply to ${JSON.stringify(cmd)} within ${timeoutMs} ms`))
      }, timeoutMs)
      this.waiting.set(id, (reply) => {
        clearTimeout(timer)
        resolve(reply as T & { error?: string })
      })
      this.child.stdin.write(JSON.stringify({ ...cmd, id }) + '\n')
    })
  }

  /** The tail of the child's stderr, for failure messages. */
  logs(): string {
    return this.stderr.join('\n')
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.exited) return Promise.resolve()
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve())
      this.child.kill(signal)
    })
  }
}

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
  const child = spawn(process.execPath, [FIXTURE, JSON.stringify(config)], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  })
  const node = new NodeProcess(options.name, child)
  live.add(node)
  child.on('exit', () => live.delete(node))
  await node.ready
  return node
}

const live = new Set<NodeProcess>()

/** Kill every node process still running (call from afterAll / afterEach). */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((n) => n.kill('SIGKILL')))
}

// Never leave a child behind, even if the test runner dies.
process.once('exit', () => {
  for (const node of live) node.child.kill('SIGKILL')
})

/** Poll `check` until it returns true or `timeoutMs` passes; returns elapsed ms or throws with `what`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 25): Promise<number> {
  const started = performance.now()
  for (;;) {
    if (await check()) return performance.now() - started
    if (performance.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** Start a fleet of `n` nodes: node 0 first, the rest joining it (by host:port seed) in parallel. */
export async function spawnFleet(n: number, base: Omit<SpawnOptions, 'name'> = {}): Promise<NodeProcess[]> {
  const first = await spawnNode({ ...base, name: 'n1' })
  const seed = first.addrs.find((a) => a.includes('/ip4/127.0.0.1/'))
  if (!seed) throw new Error(`n1 has no loopback address: ${first.addrs.join(' ')}`)
  const hostPort = seedHostPort(seed)
  const rest = await Promise.all(
    Array.from({ length: n - 1 }, (_, i) => spawnNode({ ...base, name: `n${i + 2}`, join: [hostPort] })),
  )
  return [first, ...rest]
}

/** '/ip4/127.0.0.1/tcp/4321/p2p/…' → '127.0.0.1:4321' */
export function seedHostPort(multiaddr: string): string {
  const m = /\/ip4\/([^/]+)\/tcp\/(\d+)/.exec(multiaddr)
  if (!m) throw new Error(`not an ip4/tcp multiaddr: ${multiaddr}`)
  return `${m[1]}:${m[2]}`
}
