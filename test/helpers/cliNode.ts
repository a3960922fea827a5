/**
 * Real `breaker-mesh start` processes (the built CLI), as an operator runs
 * them: each prints `ready <peer id> <addr>` on stdout and `admin API at
 * <url>` on stderr. For tests that need the whole binary, admin server and
 * dashboard included. Needs `npm run build`. Built on the CLI tests' harness
 * (packages/cli/test/binHarness.ts): output capture, `match`, child tracking.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { BIN, Running, env } from '../../packages/cli/test/binHarness.js'
import { spawnTracked } from '../../scripts/lib/children.mjs'

export const CLI_BIN = BIN
export const CLI_BUILT = existsSync(fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url)))

export class CliNode extends Running {
  id = ''
  /** The first listen multiaddr (a seed for the others). */
  addr = ''
  /** `http://127.0.0.1:PORT` of its admin API and dashboard. */
  admin = ''

  private constructor(
    readonly name: string,
    args: string[],
    extraEnv: Record<string, string>,
  ) {
    super(spawnTracked(process.execPath, [BIN, ...args], { env: env(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] }))
  }

  /** Start a node on 127.0.0.1 (ephemeral ports, no mDNS, fast `local` profile) and wait until it is ready. */
  static async start(
    name: string,
    options: { fleet: string; join?: string; admin?: string; env?: Record<string, string>; args?: string[] },
  ): Promise<CliNode> {
    const admin = options.admin ?? '127.0.0.1:0'
    const args = ['start', '--name', name, '--fleet', options.fleet, '--listen', '127.0.0.1:0', '--admin', admin]
    args.push('--no-mdns', '--profile', 'local')
    if (options.join !== undefined) args.push('--join', options.join)
    args.push(...(options.args ?? []))
    const node = new CliNode(name, args, options.env ?? {})
    try {
      const ready = await node.match('stdout', /^ready (\S+) (\S+)/m)
      node.id = ready[1]!
      node.addr = ready[2]!
      node.admin = (await node.match('stderr', /admin API at (http:\/\/\S+)/))[1]!
    } catch (err) {
      await node.kill()
      throw new Error(`${name}: ${(err as Error).message}`)
    }
    return node
  }

  /** SIGKILL: a crash, no graceful leave. */
  async kill(): Promise<void> {
    if (this.running) this.child.kill('SIGKILL')
    await this.exited
  }

  /** SIGTERM (graceful leave), SIGKILL after `graceMs`. */
  async stop(graceMs = 12_000): Promise<void> {
    if (!this.running) return
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.exited
    clearTimeout(timer)
  }
}
