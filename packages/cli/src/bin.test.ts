/**
 * The real binary as a child process: exit codes, stdout/stderr split, and a
 * two-node fleet driven only through the CLI. Needs the compiled dist
 * (`npm run build`, or `npx tsc -b packages/cli`).
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { afterAll, describe, expect, it } from 'vitest'
import type { MeshView } from '@breaker-mesh/mesh'
import { BUILT, Running, cli, eventually } from '../test/binHarness.js'
import { closedPort } from '../test/fakeAdmin.js'

describe.skipIf(!BUILT)('breaker-mesh binary', () => {
  it('an unknown command exits 2 with usage on stderr, nothing on stdout', async () => {
    const r = await cli(['explode'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown command 'explode'")
    expect(r.stderr).toContain('Usage: breaker-mesh')
    expect(r.stdout).toBe('')
  })

  it('a bad value exits 2, from a flag or from the environment', async () => {
    expect((await cli(['start', '--rps', 'abc', '--target', 'http://x', '--breaker', 'b'])).code).toBe(2)
    const fromEnv = await cli(['start'], { BREAKER_MESH_LISTEN: 'nope' })
    expect(fromEnv.code).toBe(2)
    expect(fromEnv.stderr).toContain('BREAKER_MESH_LISTEN')
  })

  it('inspect with no node listening exits 3 with the message', async () => {
    const port = await closedPort()
    const r = await cli(['inspect'], { BREAKER_MESH_ADMIN: `127.0.0.1:${port}` })
    expect(r.code).toBe(3)
    expect(r.stderr).toBe(
      `breaker-mesh: cannot reach the admin API at http://127.0.0.1:${port} (ECONNREFUSED). ` +
        'Is a node running? Set --admin or BREAKER_MESH_ADMIN.\n',
    )
  })

  describe('a two-node fleet driven through the CLI', () => {
    const nodes: Running[] = []
    let target: Server | undefined
    afterAll(async () => {
      for (const n of nodes) if (n.child.exitCode === null) n.child.kill('SIGKILL')
      await new Promise<void>((resolve) => (target ? target.close(() => resolve()) : resolve()))
    })

    it('starts, joins, trips a breaker by the workload, propagates an override, streams events, stops on signals', async () => {
      // A downstream that always fails: the workload's calls are failures.
      target = createServer((_req, res) => {
        res.writeHead(500)
        res.end()
      })
      await new Promise<void>((resolve) => target?.listen(0, '127.0.0.1', resolve))
      const targetPort = (target.address() as { port: number }).port

      const common = ['--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--no-mdns', '--profile', 'local', '--fleet', 'clitest']
      const a = Running.spawn(['start', '--name', 'a', ...common])
      nodes.push(a)
      const [readyA, idA, addrA] = await a.match('stdout', /^ready (\S+) (\S+)\n/)
      expect(readyA).toBeDefined()
      const adminA = (await a.match('stderr', /admin API at (http:\/\/\S+)/))[1]!

      const b = Running.spawn(['start', '--name', 'b', ...common], {
        BREAKER_MESH_JOIN: addrA!,
        BREAKER_MESH_TARGET: `http://127.0.0.1:${targetPort}/`,
        BREAKER_MESH_BREAKER: 'downstream',
        BREAKER_MESH_RPS: '20',
      })
      nodes.push(b)
      const [, idB] = await b.match('stdout', /^ready (\S+) /)
      const adminB = (await b.match('stderr', /admin API at (http:\/\/\S+)/))[1]!
      // Exactly one line on stdout.
      expect(b.stdout.trimEnd().split('\n')).toHaveLength(1)

      // Polling reads the API directly (a child process per poll is slow on a busy machine).
      const viewOf = async (admin: string): Promise<MeshView> => (await (await fetch(`${admin}/v1/view`)).json()) as MeshView
      const inspected = await cli(['inspect', '--json', '--admin', adminA])
      expect(inspected.code, inspected.stderr).toBe(0)
      expect((JSON.parse(inspected.stdout) as MeshView).node).toEqual((await viewOf(adminA)).node)

      // B joined A: each lists both, alive.
      await eventually(async () => {
        const view = await viewOf(adminA)
        const alive = view.members.filter((m) => m.status === 'alive').map((m) => m.id)
        return alive.includes(idA!) && alive.includes(idB!) ? true : undefined
      }, 'A to see B alive')

      // B's workload calls through breaker "downstream" fail, B opens it, and A learns that by gossip.
      const opened = await eventually(async () => {
        const entry = (await viewOf(adminA)).breakers.find((x) => x.name === 'downstream')
        return entry && entry.state !== 'closed' ? entry : undefined
      }, 'downstream open on A')
      expect(opened.version.origin).toBe(idB)

      // Watch A's events while forcing a breaker open through B.
      const watcher = Running.spawn(['watch', '--json', '--admin', adminA])
      nodes.push(watcher)
      await eventually(async () => {
        const r = await cli(['force-open', 'payments-api', '--reason', 'cli test', '--admin', adminB])
        expect(r.code, r.stderr).toBe(0)
        return watcher.stdout.includes('"name":"payments-api"') ? true : undefined
      }, 'the override event on A', 30_000)
      const event = watcher.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; name?: string; override?: string })
        .find((e) => e.name === 'payments-api')
      expect(event).toMatchObject({ type: 'breaker', override: 'forced-open' })
      const onA = (await viewOf(adminA)).breakers.find((x) => x.name === 'payments-api')
      expect(onA).toMatchObject({ state: 'open', override: 'forced-open' })

      const human = await cli(['inspect', '--admin', adminA])
      expect(human.code).toBe(0)
      expect(human.stdout).toMatch(/payments-api\s+open\s+forced-open\s+b \(/)

      const badName = await cli(['force-open', 'x'.repeat(200), '--admin', adminA])
      expect(badName.code).toBe(1)
      expect(badName.stderr).toContain('ERR_INVALID_BREAKER_NAME')

      watcher.child.kill('SIGINT')
      expect(await watcher.exited).toBe(0)
      b.child.kill('SIGTERM')
      expect(await b.exited).toBe(0)
      // A sees B leave gracefully.
      let seen: string | undefined
      await eventually(async () => {
        const m = (await viewOf(adminA)).members.find((x) => x.id === idB)
        seen = m?.status
        return seen === 'left' ? true : undefined
      }, 'B to be left on A').catch((err: Error) => {
        throw new Error(`${err.message} (last status: ${seen}); A's stderr: ${a.stderr.slice(-2000)}`)
      })
      a.child.kill('SIGINT')
      expect(await a.exited).toBe(0)
    }, 180_000)
  })
})
