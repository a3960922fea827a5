/**
 * Protected mode and the admin token on the real binary: `start` refuses to
 * expose a node, `--insecure` overrides it with a warning, and a node with an
 * admin token answers 401 to a POST without it (changing nothing) while its
 * reads stay open. Needs the compiled dist (`npm run build`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { MeshView } from '@breaker-mesh/mesh'
import { BUILT, Running, cli } from '../test/binHarness.js'

const dir = mkdtempSync(join(tmpdir(), 'bm-bin-sec-'))
const running: Running[] = []
afterAll(() => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

function spawnNode(args: string[], env: Record<string, string> = {}): Running {
  const r = Running.spawn(args, env)
  running.push(r)
  return r
}

async function stop(r: Running): Promise<void> {
  r.child.kill('SIGTERM')
  await r.exited
}

const COMMON = ['--no-mdns', '--profile', 'local', '--fleet', 'sectest']

describe.skipIf(!BUILT)('breaker-mesh start: protected mode', () => {
  it('refuses a non-loopback p2p listen address without a fleet key (exit 2, message says what to add)', async () => {
    const r = await cli(['start', '--listen', '0.0.0.0:0', ...COMMON])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0:0 without a fleet key/)
    expect(r.stderr).toContain('--fleet-key-file')
  })

  it('refuses a non-loopback admin API without a token (exit 2)', async () => {
    const r = await cli(['start', '--listen', '127.0.0.1:0', '--admin', '0.0.0.0:0', ...COMMON])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/refusing to serve the admin API on 0\.0\.0\.0:0 without a token/)
    expect(r.stderr).toContain('--admin-token-file')
  })

  it('a missing or malformed key file exits 2, never starting without a key', async () => {
    const missing = await cli(['start', '--listen', '0.0.0.0:0', '--fleet-key-file', join(dir, 'absent.key'), ...COMMON])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/cannot read the fleet key file .*ENOENT/)
    const badPath = join(dir, 'bad.key')
    writeFileSync(badPath, 'not a key\n')
    const bad = await cli(['start', '--listen', '0.0.0.0:0', ...COMMON], { BREAKER_MESH_FLEET_KEY_FILE: badPath })
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/BREAKER_MESH_FLEET_KEY_FILE.*not a fleet key/s)
  })

  it('--insecure starts with one warning line; BREAKER_MESH_INSECURE=1 too', async () => {
    const flag = spawnNode(['start', '--listen', '0.0.0.0:0', '--admin', '0.0.0.0:0', '--insecure', ...COMMON])
    await flag.match('stdout', /^ready \S+/m)
    expect(flag.stderr.split('\n').filter((l) => /WARNING/.test(l))).toHaveLength(1)
    await stop(flag)
    const env = spawnNode(['start', '--listen', '0.0.0.0:0', '--admin', '127.0.0.1:0', ...COMMON], { BREAKER_MESH_INSECURE: '1' })
    await env.match('stdout', /^ready \S+/m)
    expect(env.stderr).toMatch(/WARNING --insecure: p2p on 0\.0\.0\.0:0 without a fleet key/)
    await stop(env)
  })

  it('with a fleet key from keygen and an admin token, a node starts on 0.0.0.0', async () => {
    const key = await cli(['keygen'])
    expect(key.code).toBe(0)
    const keyPath = join(dir, 'fleet.key')
    writeFileSync(keyPath, key.stdout)
    const tokenPath = join(dir, 'admin.token')
    writeFileSync(tokenPath, 'tok-0123456789abcdef-xyz\n')
    const node = spawnNode(['start', '--listen', '0.0.0.0:0', '--admin', '0.0.0.0:0', '--fleet-key-file', keyPath, '--admin-token-file', tokenPath, ...COMMON])
    await node.match('stdout', /^ready \S+/m)
    expect(node.stderr).not.toContain('WARNING')
    await stop(node)
  })
})

describe.skipIf(!BUILT)('breaker-mesh admin API with a token', () => {
  const TOKEN = 'tok-abcdefghijklmnop-0123'
  let node: Running
  let admin = ''
  const tokenPath = join(dir, 'api.token')
  const wrongPath = join(dir, 'wrong.token')

  const view = async (): Promise<MeshView> => (await (await fetch(`${admin}/v1/view`)).json()) as MeshView
  const breaker = async (name: string) => (await view()).breakers.find((b) => b.name === name)

  it('starts a node with --admin-token-file', async () => {
    writeFileSync(tokenPath, `${TOKEN}\n`)
    writeFileSync(wrongPath, 'tok-this-is-not-the-token\n')
    node = spawnNode(['start', '--listen', '127.0.0.1:0', '--admin', '127.0.0.1:0', '--admin-token-file', tokenPath, ...COMMON])
    await node.match('stdout', /^ready \S+/m)
    admin = (await node.match('stderr', /admin API at (http:\/\/\S+)/))[1] ?? ''
    expect(admin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('a POST without a token or with a wrong one is 401 and changes nothing', async () => {
    for (const headers of [{}, { authorization: 'Bearer tok-this-is-not-the-token' }]) {
      const res = await fetch(`${admin}/v1/breakers/payments/force-open`, { method: 'POST', headers })
      expect(res.status).toBe(401)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ERR_UNAUTHORIZED')
    }
    expect(await breaker('payments')).toBeUndefined()
    const wrong = await cli(['force-open', 'payments', '--admin', admin, '--token-file', wrongPath])
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toContain('wrong admin token (ERR_UNAUTHORIZED, HTTP 401)')
    const none = await cli(['force-open', 'payments', '--admin', admin])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain('ERR_UNAUTHORIZED')
    expect(await breaker('payments')).toBeUndefined()
  })

  it('with the token it succeeds, from curl-like HTTP and from the CLI (--token-file and the env var)', async () => {
    const res = await fetch(`${admin}/v1/breakers/payments/force-open`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(res.status).toBe(200)
    expect((await breaker('payments'))?.override).toBe('forced-open')
    const close = await cli(['force-close', 'payments', '--admin', admin, '--token-file', tokenPath])
    expect(close.code).toBe(0)
    expect((await breaker('payments'))?.override).toBe('forced-closed')
    const reset = await cli(['reset', 'payments', '--admin', admin], { BREAKER_MESH_ADMIN_TOKEN_FILE: tokenPath })
    expect(reset.code).toBe(0)
    expect((await breaker('payments'))?.override).toBeNull()
  })

  it('GET /healthz, /readyz, /metrics and /v1/view stay open; inspect needs no token', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics', '/v1/view']) {
      expect((await fetch(`${admin}${path}`)).status, path).toBe(200)
    }
    const inspect = await cli(['inspect', '--json', '--admin', admin])
    expect(inspect.code).toBe(0)
    expect((JSON.parse(inspect.stdout) as MeshView).node.fleet).toBe('sectest')
    await stop(node)
  })
})
