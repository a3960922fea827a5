import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { MeshEvent, MeshView } from '@breaker-mesh/mesh'
import { closedPort, json, startFakeAdmin } from '../test/fakeAdmin.js'
import type { FakeAdmin } from '../test/fakeAdmin.js'
import type { StartOptions } from './commands/start.js'
import { run } from './main.js'

// `start` would load libp2p: replace it to check what the flags and env produce.
const startMock = vi.hoisted(() => vi.fn(async (_options: unknown, _io: unknown) => 0))
vi.mock('./commands/start.js', () => ({ start: startMock }))

const PEER = '12D3KooWQa1zfakefakefakefakefakefakefakefake1'
const PEER2 = '12D3KooWQb2zfakefakefakefakefakefakefakefake2'

const VIEW: MeshView = {
  node: { id: PEER, name: 'n1', fleet: 'default', addrs: [`/ip4/127.0.0.1/tcp/7946/p2p/${PEER}`] },
  members: [
    { id: PEER, name: 'n1', status: 'alive', incarnation: 0, addrs: [`/ip4/127.0.0.1/tcp/7946/p2p/${PEER}`] },
    { id: PEER2, name: 'n2', status: 'suspect', incarnation: 3, addrs: ['/ip4/10.0.0.2/tcp/7946'] },
  ],
  breakers: [
    {
      name: 'payments-api',
      state: 'open',
      override: null,
      reason: 'failure rate 63% over 41 calls on n2',
      prober: null,
      version: { lamport: 7, origin: PEER2, vclock: { [PEER2]: 3, [PEER]: 1 } },
      local: { calls: 41, failures: 26, slow: 0 },
      wallTime: Date.now() - 75_000,
      concurrent: true,
    },
  ],
}

interface Captured {
  code: number
  stdout: string
  stderr: string
}

async function cli(argv: string[], signal: AbortSignal = new AbortController().signal): Promise<Captured> {
  let stdout = ''
  let stderr = ''
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    signal,
  })
  return { code, stdout, stderr }
}

describe('run: usage errors exit 2 with usage on stderr', () => {
  it('unknown command', async () => {
    const r = await cli(['explode'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown command 'explode'")
    expect(r.stderr).toContain('Usage: breaker-mesh')
    expect(r.stdout).toBe('')
  })

  it('no command at all', async () => {
    const r = await cli([])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Usage: breaker-mesh')
  })

  it('unknown flag', async () => {
    const r = await cli(['inspect', '--bogus'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown option '--bogus'")
    expect(r.stderr).toContain('Usage: breaker-mesh inspect')
  })

  it.each([
    [['start', '--rps', 'abc', '--target', 'http://x', '--breaker', 'b'], /--rps <n>' argument 'abc' is invalid/],
    [['start', '--rps', '0', '--target', 'http://x', '--breaker', 'b'], /--rps/],
    [['start', '--listen', 'nope'], /--listen <host:port>' argument 'nope' is invalid/],
    [['start', '--listen', 'host:99999'], /0\.\.65535/],
    [['start', '--admin', 'localhost'], /missing :port/],
    [['start', '--join', 'seed'], /"seed" is not host:port/],
    [['start', '--fleet', 'bad fleet!'], /fleet must be 1\.\.64 characters of \[A-Za-z0-9\._-\], got "bad fleet!"/],
    [['start', '--join', 'seed:0'], /a seed needs the port its node listens on/],
    [['start', '--profile', 'wan'], /Allowed choices are lan, local/],
    [['start', '--vclock-ttl-ms', '10'], /not a duration/],
    [['start', '--member-retention-ms', '1h'], /not a duration/],
    [['start', '--target', 'ftp://x', '--breaker', 'b'], /only http and https/],
    [['start', '--target', 'http://x'], /--target and --breaker go together/],
    [['start', '--rps', '5'], /--rps needs --target/],
    [['start', '--decision', 'majority', '--target', 'http://x', '--breaker', 'b'], /Allowed choices are any, quorum, aggregate/],
    [['start', '--decision', 'quorum'], /--decision needs --target/],
    [['start', '--min-reporting', '3'], /--min-reporting needs --target/],
    [['start', '--decision', 'quorum', '--quorum', '1.5', '--target', 'http://x', '--breaker', 'b'], /--quorum <fraction>' argument '1.5' is invalid/],
    [['start', '--decision', 'quorum', '--quorum', '0', '--target', 'http://x', '--breaker', 'b'], /not a quorum/],
    [['start', '--quorum', '0.5', '--target', 'http://x', '--breaker', 'b'], /--quorum needs --decision quorum/],
    [['start', '--decision', 'aggregate', '--min-reporting', '0', '--target', 'http://x', '--breaker', 'b'], /not a number of reporters/],
    [['start', '--decision', 'aggregate', '--min-reporting', '2.5', '--target', 'http://x', '--breaker', 'b'], /not a number of reporters/],
    [['inspect', '--admin', 'nope'], /not host:port/],
    [['inspect', 'extra'], /too many arguments/],
    [['force-open'], /missing required argument 'name'/],
    [['force-close', 'a', '--reason', 'x'], /unknown option '--reason'/],
  ])('%j', async (argv, message) => {
    const r = await cli(argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(startMock).not.toHaveBeenCalled()
  })

  it('--help and --version exit 0 on stdout', async () => {
    const help = await cli(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Usage: breaker-mesh')
    for (const cmd of ['start', 'inspect', 'watch', 'force-open', 'force-close', 'reset']) expect(help.stdout).toContain(cmd)
    const version = await cli(['--version'])
    expect(version.code).toBe(0)
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/)
  })
})

describe('run: environment variables', () => {
  beforeEach(() => startMock.mockClear())
  afterEach(() => vi.unstubAllEnvs())

  const startOptions = (): StartOptions => {
    expect(startMock).toHaveBeenCalledTimes(1)
    return startMock.mock.calls[0]![0] as StartOptions
  }

  it('start has the documented defaults (with --insecure: the default listen address is not loopback)', async () => {
    const r = await cli(['start', '--insecure'])
    expect(r.code).toBe(0)
    expect(startOptions()).toEqual({
      listen: '0.0.0.0:7946',
      join: [],
      mdns: true,
      admin: { host: '127.0.0.1', port: 7947 },
      insecure: true,
      debug: false,
    })
  })

  it('start reads every BREAKER_MESH_* variable', async () => {
    vi.stubEnv('BREAKER_MESH_NAME', 'n7')
    vi.stubEnv('BREAKER_MESH_FLEET', 'checkout')
    vi.stubEnv('BREAKER_MESH_LISTEN', '127.0.0.1:0')
    vi.stubEnv('BREAKER_MESH_JOIN', 'seed-a:7946, seed-b:7946 /dns4/seed-c/tcp/7946')
    vi.stubEnv('BREAKER_MESH_MDNS', '0')
    vi.stubEnv('BREAKER_MESH_ADMIN', '127.0.0.1:9000')
    vi.stubEnv('BREAKER_MESH_PROFILE', 'local')
    vi.stubEnv('BREAKER_MESH_TARGET', 'http://127.0.0.1:8080/health')
    vi.stubEnv('BREAKER_MESH_BREAKER', 'payments-api')
    vi.stubEnv('BREAKER_MESH_RPS', '2.5')
    vi.stubEnv('BREAKER_MESH_DECISION', 'quorum')
    vi.stubEnv('BREAKER_MESH_QUORUM', '0.6')
    vi.stubEnv('BREAKER_MESH_MIN_REPORTING', '4')
    vi.stubEnv('BREAKER_MESH_DEBUG', '1')
    vi.stubEnv('BREAKER_MESH_VCLOCK_TTL_MS', '600000')
    vi.stubEnv('BREAKER_MESH_RECORD_TTL_MS', '7200000')
    vi.stubEnv('BREAKER_MESH_MEMBER_RETENTION_MS', '120000')
    expect((await cli(['start'])).code).toBe(0)
    expect(startOptions()).toEqual({
      name: 'n7',
      fleet: 'checkout',
      listen: '127.0.0.1:0',
      join: ['seed-a:7946', 'seed-b:7946', '/dns4/seed-c/tcp/7946'],
      mdns: false,
      admin: { host: '127.0.0.1', port: 9000 },
      profile: 'local',
      workload: { target: 'http://127.0.0.1:8080/health', breaker: 'payments-api', rps: 2.5, decision: { decision: 'quorum', quorum: 0.6, minReporting: 4 } },
      vclockTtlMs: 600_000,
      recordTtlMs: 7_200_000,
      memberRetentionMs: 120_000,
      insecure: false,
      debug: true,
    })
  })

  it('--decision, --quorum and --min-reporting set the workload breaker\'s fleet decision; without them it has the defaults', async () => {
    expect((await cli(['start', '--listen', '127.0.0.1:0', '--target', 'http://x', '--breaker', 'b', '--decision', 'aggregate', '--min-reporting', '5'])).code).toBe(0)
    expect(startOptions().workload).toEqual({ target: 'http://x/', breaker: 'b', rps: 10, decision: { decision: 'aggregate', minReporting: 5 } })
    startMock.mockClear()
    expect((await cli(['start', '--listen', '127.0.0.1:0', '--target', 'http://x', '--breaker', 'b'])).code).toBe(0)
    expect(startOptions().workload).toEqual({ target: 'http://x/', breaker: 'b', rps: 10, decision: {} })
  })

  it('flags win over the environment', async () => {
    vi.stubEnv('BREAKER_MESH_JOIN', 'env-seed:1')
    vi.stubEnv('BREAKER_MESH_MDNS', 'false')
    vi.stubEnv('BREAKER_MESH_LISTEN', '127.0.0.1:1')
    vi.stubEnv('BREAKER_MESH_ADMIN', '127.0.0.1:2')
    expect((await cli(['start', '--join', 'a:1', 'b:2', '--join', 'c:3', '--mdns', '--listen', '127.0.0.1:5', '--admin', '[::1]:6'])).code).toBe(0)
    const opts = startOptions()
    expect(opts.join).toEqual(['a:1', 'b:2', 'c:3'])
    expect(opts.mdns).toBe(true)
    expect(opts.listen).toBe('127.0.0.1:5')
    expect(opts.admin).toEqual({ host: '::1', port: 6 })
  })

  it('--no-mdns disables mDNS; BREAKER_MESH_MDNS=1 keeps it', async () => {
    expect((await cli(['start', '--no-mdns', '--listen', '127.0.0.1:0'])).code).toBe(0)
    expect(startOptions().mdns).toBe(false)
    startMock.mockClear()
    vi.stubEnv('BREAKER_MESH_MDNS', '1')
    expect((await cli(['start', '--listen', '127.0.0.1:0'])).code).toBe(0)
    expect(startOptions().mdns).toBe(true)
  })

  it('a bad value in a variable is a usage error naming it', async () => {
    vi.stubEnv('BREAKER_MESH_RPS', 'x')
    const rps = await cli(['start', '--target', 'http://x', '--breaker', 'b'])
    expect(rps.code).toBe(2)
    expect(rps.stderr).toContain("from env 'BREAKER_MESH_RPS' is invalid")
    vi.stubEnv('BREAKER_MESH_MDNS', 'maybe')
    vi.stubEnv('BREAKER_MESH_RPS', '1')
    const mdns = await cli(['start'])
    expect(mdns.code).toBe(2)
    expect(mdns.stderr).toContain('BREAKER_MESH_MDNS')
    expect(startMock).not.toHaveBeenCalled()
  })
})

describe('run: talking to the admin API', () => {
  let admin: FakeAdmin
  beforeEach(async () => {
    admin = await startFakeAdmin()
    admin.on('GET /v1/view', json(200, VIEW))
  })
  afterEach(async () => {
    vi.unstubAllEnvs()
    await admin.close()
  })

  it('inspect against a closed port exits 3 with the message', async () => {
    const port = await closedPort()
    const r = await cli(['inspect', '--admin', `127.0.0.1:${port}`])
    expect(r.code).toBe(3)
    expect(r.stderr).toBe(
      `breaker-mesh: cannot reach the admin API at http://127.0.0.1:${port} (ECONNREFUSED). ` +
        'Is a node running? Set --admin or BREAKER_MESH_ADMIN.\n',
    )
    expect(r.stdout).toBe('')
  })

  it('inspect --json prints the view JSON exactly', async () => {
    const r = await cli(['inspect', '--json', '--admin', admin.address])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual(VIEW)
    expect(r.stderr).toBe('')
    expect(admin.requests.map((q) => `${q.method} ${q.url}`)).toEqual(['GET /v1/view'])
  })

  it('inspect reads BREAKER_MESH_ADMIN, and --admin wins over it', async () => {
    vi.stubEnv('BREAKER_MESH_ADMIN', admin.address)
    expect((await cli(['inspect', '--json'])).code).toBe(0)
    const port = await closedPort()
    expect((await cli(['inspect', '--json', '--admin', `127.0.0.1:${port}`])).code).toBe(3)
    vi.stubEnv('BREAKER_MESH_ADMIN', admin.url)
    expect((await cli(['inspect'])).code).toBe(0)
  })

  it('inspect prints members and breakers tables', async () => {
    const r = await cli(['inspect', '--admin', admin.address])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('members (2)')
    expect(r.stdout).toMatch(/n2\s+12D3KooWQb2z…efake2\s+suspect\s+3\s+\/ip4\/10\.0\.0\.2\/tcp\/7946/)
    expect(r.stdout).toContain('breakers (1)')
    expect(r.stdout).toMatch(/payments-api\s+open\s+-\s+n2 \(12D3KooWQb2z…efake2\)\s+1m[1-5][0-9]s ago\s+41\s+26\s+concurrent\s+failure rate 63%/)
  })

  it('inspect shows the fleet column where the node reports opinions, and --breaker NAME every opinion', async () => {
    const decided: MeshView = {
      ...VIEW,
      breakers: [
        {
          ...VIEW.breakers[0]!,
          state: 'closed',
          concurrent: false,
          decision: 'quorum',
          isolated: true,
          fleet: { failing: 1, fresh: 2, needed: 2, degraded: true },
          opinions: [
            { node: PEER, verdict: 'failing', calls: 40, failures: 30, slow: 0, ageMs: 0 },
            { node: PEER2, verdict: 'healthy', calls: 25, failures: 1, slow: 2, ageMs: 1_500 },
          ],
        } as MeshView['breakers'][number],
      ],
    }
    admin.on('GET /v1/view', json(200, decided))
    const table = await cli(['inspect', '--admin', admin.address])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/NAME\s+STATE\s+OVERRIDE\s+ORIGIN\s+CHANGED\s+CALLS\s+FAILURES\s+FLEET\s+NOTES\s+REASON/)
    expect(table.stdout).toMatch(/payments-api\s+closed\s.*\s1\/2 failing, needs 2\s+isolated, degraded\s/)

    const one = await cli(['inspect', '--admin', admin.address, '--breaker', 'payments-api'])
    expect(one.code).toBe(0)
    const lines = one.stdout.split('\n')
    expect(lines).toContain('  decision: quorum')
    expect(lines).toContain('  isolated: this node fails fast on its own; the fleet stays closed')
    expect(lines).toContain('  fleet: 1 of 2 fresh opinions failing, 2 needed to open; degraded: too few reporters, each node decides for itself')
    expect(lines).toContain('opinions (2)')
    expect(one.stdout).toMatch(/NODE\s+VERDICT\s+CALLS\s+FAILURES\s+SLOW\s+AGE\n/)
    expect(one.stdout).toMatch(/n1 \(12D3KooWQa1z…efake1\) \*\s+failing\s+40\s+30\s+0\s+now\n/)
    expect(one.stdout).toMatch(/n2 \(12D3KooWQb2z…efake2\)\s+healthy\s+25\s+1\s+2\s+1s\n/)

    const none = await cli(['inspect', '--admin', admin.address, '--breaker', 'nope'])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('lists no breaker "nope"')
    // --json is the whole view document, --breaker or not
    expect(JSON.parse((await cli(['inspect', '--json', '--breaker', 'nope', '--admin', admin.address])).stdout)).toEqual(decided)
  })

  it('inspect --breaker on a node from before opinions says it reports no decision', async () => {
    const r = await cli(['inspect', '--admin', admin.address, '--breaker', 'payments-api'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('fleet decision: not reported by this node')
    expect((await cli(['inspect', '--admin', admin.address])).stdout).not.toContain('FLEET')
  })

  it('an answer that is not a view exits 1', async () => {
    admin.on('GET /v1/view', json(200, { hello: 'world' }))
    const r = await cli(['inspect', '--json', '--admin', admin.address])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('not a view')
    admin.on('GET /v1/view', (_q, res) => res.end('<html>'))
    expect((await cli(['inspect', '--admin', admin.address])).code).toBe(1)
  })

  it('force-open with a bad name: the node answers 400, exit 1 with its message', async () => {
    const name = 'x'.repeat(200)
    admin.on(
      `POST /v1/breakers/${name}/force-open`,
      json(400, { error: { code: 'ERR_INVALID_BREAKER_NAME', message: 'breaker name must be 1..128 chars, got 200' } }),
    )
    const r = await cli(['force-open', name, '--admin', admin.address])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('breaker-mesh: breaker name must be 1..128 chars, got 200 (ERR_INVALID_BREAKER_NAME, HTTP 400)\n')
  })

  it('force-open sends the URL-encoded name and the reason, and prints the result', async () => {
    const entry = { ...VIEW.breakers[0], name: 'svc/a b', override: 'forced-open' }
    admin.on('POST /v1/breakers/svc%2Fa%20b/force-open', json(200, { ok: true, breaker: entry }))
    const r = await cli(['force-open', 'svc/a b', '--reason', 'deploy', '--admin', admin.address])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('force-open svc/a b: state open, override forced-open\n')
    expect(JSON.parse(admin.requests[0]!.body)).toEqual({ reason: 'deploy' })
    expect(admin.requests[0]!.headers['content-type']).toBe('application/json')
  })

  it('force-open reads BREAKER_MESH_REASON; force-close and reset post to their routes', async () => {
    vi.stubEnv('BREAKER_MESH_REASON', 'from env')
    admin.on('POST /v1/breakers/a/force-open', json(200, { ok: true, breaker: null }))
    admin.on('POST /v1/breakers/a/force-close', json(200, { ok: true, breaker: null }))
    admin.on('POST /v1/breakers/a/reset', json(200, { ok: true, breaker: null }))
    for (const action of ['force-open', 'force-close', 'reset']) {
      const r = await cli([action, 'a', '--admin', admin.address])
      expect(r.code, action).toBe(0)
      expect(r.stdout).toBe(`${action} a\n`)
    }
    expect(admin.requests.map((q) => [q.url, q.body])).toEqual([
      ['/v1/breakers/a/force-open', '{"reason":"from env"}'],
      ['/v1/breakers/a/force-close', '{}'],
      ['/v1/breakers/a/reset', '{}'],
    ])
  })

  it('a 500 without our error shape still exits 1 with the status', async () => {
    admin.on('POST /v1/breakers/a/reset', (_q, res) => {
      res.writeHead(502)
      res.end('bad gateway')
    })
    const r = await cli(['reset', 'a', '--admin', admin.address])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('HTTP 502: bad gateway')
  })

  const EVENTS: MeshEvent[] = [
    {
      type: 'breaker',
      name: 'payments-api',
      state: 'open',
      previous: 'closed',
      override: null,
      reason: 'failure rate 63%',
      origin: PEER2,
      local: false,
      concurrent: false,
      at: Date.UTC(2025, 0, 1, 12),
    },
    { type: 'member', id: PEER2, name: 'n2', status: 'dead', previous: 'suspect', incarnation: 3, at: Date.UTC(2025, 0, 1, 12, 0, 1) },
  ]

  /** An SSE endpoint that sends `EVENTS` (split awkwardly, with comments) and keeps the stream open. */
  function serveEvents(): void {
    admin.on('GET /v1/events', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.write(': connected\n\n')
      const text = EVENTS.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join(': heartbeat\n\n')
      res.write(text.slice(0, 17))
      setTimeout(() => res.write(text.slice(17)), 5)
    })
  }

  async function watchUntil(argv: string[], lines: number): Promise<Captured> {
    const controller = new AbortController()
    let stdout = ''
    let stderr = ''
    const done = run(argv, {
      stdout: {
        write: (s: string) => {
          stdout += s
          if (stdout.split('\n').length > lines) controller.abort()
        },
      },
      stderr: { write: (s: string) => (stderr += s) },
      signal: controller.signal,
    })
    const timer = setTimeout(() => controller.abort(), 20_000)
    const code = await done
    clearTimeout(timer)
    return { code, stdout, stderr }
  }

  it('watch --json prints NDJSON lines from the SSE stream and exits 0 on interrupt', async () => {
    serveEvents()
    const r = await watchUntil(['watch', '--json', '--admin', admin.address], 2)
    expect(r.code).toBe(0)
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(EVENTS)
    expect(admin.requests.map((q) => q.url)).toEqual(['/v1/events'])
  })

  it('watch prints a readable line per event, naming the origin from the view', async () => {
    serveEvents()
    const r = await watchUntil(['watch', '--admin', admin.address], 2)
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')).toEqual([
      '2025-01-01T12:00:00.000Z breaker payments-api closed -> open by n2 (12D3KooWQb2z…efake2), learned "failure rate 63%"',
      '2025-01-01T12:00:01.000Z member n2 (12D3KooWQb2z…efake2) suspect -> dead, incarnation 3',
      '',
    ])
  })

  it('watch exits 3 when the node ends the stream', async () => {
    admin.on('GET /v1/events', (_q, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' })
      res.end(`event: member\ndata: ${JSON.stringify(EVENTS[1])}\n\n`)
    })
    const r = await cli(['watch', '--json', '--admin', admin.address])
    expect(r.code).toBe(3)
    expect(JSON.parse(r.stdout)).toEqual(EVENTS[1])
    expect(r.stderr).toContain('lost the event stream')
  })
})
