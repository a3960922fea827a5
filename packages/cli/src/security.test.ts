import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseFleetKey } from '@breaker-mesh/core'
import { json, startFakeAdmin } from '../test/fakeAdmin.js'
import type { FakeAdmin } from '../test/fakeAdmin.js'
import type { StartOptions } from './commands/start.js'
import { run } from './main.js'

// `start` would load libp2p: replace it to check what the flags and env produce.
const startMock = vi.hoisted(() => vi.fn(async (_options: unknown, _io: unknown) => 0))
vi.mock('./commands/start.js', () => ({ start: startMock }))

const dir = mkdtempSync(join(tmpdir(), 'bm-cli-sec-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    signal: new AbortController().signal,
  })
  return { code, stdout, stderr }
}

const TOKEN = 'f'.repeat(8) + '0123456789abcdef'

describe('keygen', () => {
  it('prints a new key in the swarm-key format, different each time', async () => {
    const a = await cli(['keygen'])
    const b = await cli(['keygen'])
    expect(a.code).toBe(0)
    expect(a.stdout).toMatch(/^\/key\/swarm\/psk\/1\.0\.0\/\n\/base16\/\n[0-9a-f]{64}\n$/)
    expect(parseFleetKey(a.stdout)).toHaveLength(32)
    expect(a.stdout).not.toBe(b.stdout)
    expect(a.stderr).toBe('')
  })
})

describe('start: protected mode', () => {
  beforeEach(() => startMock.mockClear())
  afterEach(() => vi.unstubAllEnvs())
  const started = (): StartOptions => startMock.mock.calls[0]![0] as StartOptions

  it('refuses a non-loopback listen address without a fleet key: exit 2, says what to add', async () => {
    const r = await cli(['start', '--listen', '0.0.0.0:7946'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0:7946 without a fleet key/)
    expect(r.stderr).toContain('--fleet-key-file PATH')
    expect(r.stderr).toContain('breaker-mesh keygen > fleet.key')
    expect(r.stderr).toContain('--insecure')
    expect(startMock).not.toHaveBeenCalled()
  })

  it('refuses a non-loopback admin address without a token: exit 2, says what to add', async () => {
    const r = await cli(['start', '--listen', '127.0.0.1:0', '--admin', '0.0.0.0:7947'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/refusing to serve the admin API on 0\.0\.0\.0:7947 without a token/)
    expect(r.stderr).toContain('--admin-token-file PATH')
    expect(startMock).not.toHaveBeenCalled()
  })

  it('--insecure starts anyway, with exactly one warning line', async () => {
    const r = await cli(['start', '--listen', '0.0.0.0:0', '--admin', '0.0.0.0:0', '--insecure'])
    expect(r.code).toBe(0)
    const warnings = r.stderr.split('\n').filter((l) => l.includes('WARNING'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/without a fleet key.*without a token/)
    expect(started().insecure).toBe(true)
  })

  it('BREAKER_MESH_INSECURE=1 is --insecure; a bad value is a usage error', async () => {
    vi.stubEnv('BREAKER_MESH_INSECURE', '1')
    expect((await cli(['start', '--listen', '0.0.0.0:0'])).code).toBe(0)
    vi.stubEnv('BREAKER_MESH_INSECURE', 'perhaps')
    const bad = await cli(['start', '--listen', '0.0.0.0:0'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('BREAKER_MESH_INSECURE')
  })

  it('--admin-allowed-hosts and BREAKER_MESH_ADMIN_ALLOWED_HOSTS name extra Host values for the admin API', async () => {
    expect((await cli(['start', '--listen', '127.0.0.1:0', '--admin-allowed-hosts', 'node1,admin.internal'])).code).toBe(0)
    expect(started().adminAllowedHosts).toEqual(['node1', 'admin.internal'])
    startMock.mockClear()
    vi.stubEnv('BREAKER_MESH_ADMIN_ALLOWED_HOSTS', 'svc.ns.svc.cluster.local .example.com')
    expect((await cli(['start', '--listen', '127.0.0.1:0'])).code).toBe(0)
    expect(started().adminAllowedHosts).toEqual(['svc.ns.svc.cluster.local', '.example.com'])
    const bad = await cli(['start', '--listen', '127.0.0.1:0', '--admin-allowed-hosts', 'a/b'])
    expect(bad.code).toBe(2)
  })

  it('loopback needs neither key nor token', async () => {
    expect((await cli(['start', '--listen', '127.0.0.1:0', '--admin', '[::1]:0'])).code).toBe(0)
  })

  it('with a fleet key and an admin token a non-loopback node starts, and gets both', async () => {
    const keyText = (await cli(['keygen'])).stdout
    const key = file('good.key', keyText)
    const token = file('good.token', `${TOKEN}\n`)
    const r = await cli(['start', '--listen', '0.0.0.0:0', '--admin', '0.0.0.0:0', '--fleet-key-file', key, '--admin-token-file', token])
    expect(r.code).toBe(0)
    expect(r.stderr).not.toContain('WARNING')
    expect(started().fleetKey).toBe(keyText)
    expect(started().adminToken).toBe(TOKEN)
  })

  it('reads BREAKER_MESH_FLEET_KEY_FILE and BREAKER_MESH_ADMIN_TOKEN_FILE', async () => {
    const keyText = (await cli(['keygen'])).stdout
    vi.stubEnv('BREAKER_MESH_FLEET_KEY_FILE', file('env.key', keyText))
    vi.stubEnv('BREAKER_MESH_ADMIN_TOKEN_FILE', file('env.token', TOKEN))
    expect((await cli(['start', '--listen', '0.0.0.0:0', '--admin', '0.0.0.0:0'])).code).toBe(0)
    expect(started().fleetKey).toBe(keyText)
    expect(started().adminToken).toBe(TOKEN)
  })

  it.each([
    ['a missing key file', () => ['--fleet-key-file', join(dir, 'nope.key')], /cannot read the fleet key file .*ENOENT.*keygen/],
    ['an empty key file', () => ['--fleet-key-file', file('empty.key', '')], /fleet key is empty/],
    ['a malformed key file', () => ['--fleet-key-file', file('bad.key', '/key/swarm/psk/1.0.0/\n/base16/\nzz\n')], /64 hex digits/],
    ['a missing token file', () => ['--admin-token-file', join(dir, 'nope.token')], /cannot read the admin token file .*ENOENT/],
    ['a short token', () => ['--admin-token-file', file('short.token', 'secret\n')], /16\.\.4096/],
  ])('%s is a usage error (exit 2), never a fallback to none', async (_what, flags, message) => {
    const r = await cli(['start', '--listen', '0.0.0.0:0', ...flags()])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(startMock).not.toHaveBeenCalled()
  })

  it('a missing key file named by the environment is a usage error too', async () => {
    vi.stubEnv('BREAKER_MESH_FLEET_KEY_FILE', join(dir, 'absent.key'))
    const r = await cli(['start', '--listen', '127.0.0.1:0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/BREAKER_MESH_FLEET_KEY_FILE.*cannot read the fleet key file/s)
  })
})

describe('override commands send the admin token', () => {
  let admin: FakeAdmin
  beforeEach(async () => {
    admin = await startFakeAdmin()
  })
  afterEach(async () => {
    vi.unstubAllEnvs()
    await admin.close()
  })

  it('--token-file sends Authorization: Bearer <token> on force-open, force-close and reset', async () => {
    const token = file('cli.token', `  ${TOKEN}  \n`)
    for (const action of ['force-open', 'force-close', 'reset']) {
      admin.on(`POST /v1/breakers/a/${action}`, json(200, { ok: true, breaker: null }))
      expect((await cli([action, 'a', '--admin', admin.address, '--token-file', token])).code).toBe(0)
    }
    expect(admin.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`, `Bearer ${TOKEN}`])
  })

  it('BREAKER_MESH_ADMIN_TOKEN_FILE works for the CLI too; without a token no header is sent', async () => {
    admin.on('POST /v1/breakers/a/reset', json(200, { ok: true, breaker: null }))
    expect((await cli(['reset', 'a', '--admin', admin.address])).code).toBe(0)
    vi.stubEnv('BREAKER_MESH_ADMIN_TOKEN_FILE', file('env-cli.token', TOKEN))
    expect((await cli(['reset', 'a', '--admin', admin.address])).code).toBe(0)
    expect(admin.requests.map((r) => r.headers.authorization)).toEqual([undefined, `Bearer ${TOKEN}`])
  })

  it('a 401 from the node exits 1 with its message', async () => {
    admin.on('POST /v1/breakers/a/reset', json(401, { error: { code: 'ERR_UNAUTHORIZED', message: 'wrong admin token' } }))
    const r = await cli(['reset', 'a', '--admin', admin.address, '--token-file', file('wrong.token', 'x'.repeat(20))])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('wrong admin token (ERR_UNAUTHORIZED, HTTP 401)')
  })
})
