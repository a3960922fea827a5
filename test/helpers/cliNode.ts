/**
 * Real `breaker-mesh start` processes (the built CLI), as an operator runs
 * them: each prints `ready <peer id> <addr>` on stdout and `admin API at
 * <url>` on stderr. For tests that need the whole binary, admin server and
 * dashboard included. Needs `npm run build`.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const CLI_BIN = fileURLToPath(new URL('../../packages/cli/bin/breaker-mesh.js', import.meta.url))
export const CLI_BUILT = existsSync(fileURLToPath(new URL('../../packages/cli/dist/main.js', import.meta.url)))

export class CliNode {
  stdout = ''
  stderr = ''
  id = ''
  /** The first listen multiaddr (a seed for the others). */
  addr = ''
  /** `http://127.0.0.1:PORT` of its admin API and dashboard. */
  admin = ''
  readonly exited: Promise<number | null>

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (c: Buffer) => (this.stdout += c.toString()))
    child.stderr?.on('data', (c: Buffer) => {
      this.stderr += c.toString()
      if (this.stderr.length > 64_000) this.stderr = this.stderr.slice(-32_000)
    })
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code)))
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
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BREAKER_MESH_')))
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      env: { ...clean, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const node = new CliNode(name, child)
    const ready = await node.match('stdout', /^ready (\S+) (\S+)/m)
    node.id = ready[1]!
    node.addr = ready[2]!
    node.admin = (await node.match('stderr', /admin API at (http:\/\/\S+)/))[1]!
    return node
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  /** Wait for `re` on one of the outputs, failing if the process exits first. */
  async match(stream: 'stdout' | 'stderr', re: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const m = this[stream].match(re)
      if (m) return m
      if (!this.running) throw new Error(`${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before ${re}: ${this.stderr}`)
      if (Date.now() > deadline) throw new Error(`${this.name}: timed out waiting for ${re} on ${stream}; stderr: ${this.stderr}`)
      await new Promise((r) => setTimeout(r, 20))
    }
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
