/**
 * docker-compose.yml stays a correct, protected fleet: every node gets the
 * fleet key and the admin token from the one-shot `secrets` service (nodes
 * listen on 0.0.0.0, so `breaker-mesh start` would refuse without them).
 * Parsed here with `yaml`; where Debian's docker-compose is installed, its
 * `config` must accept the file too (v1 does not know the top-level `name`).
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const FILE = fileURLToPath(new URL('../../docker-compose.yml', import.meta.url))
const text = readFileSync(FILE, 'utf8')

interface Service {
  command?: string[] | string
  environment?: Record<string, string>
  volumes?: string[]
  depends_on?: Record<string, { condition: string }>
}
const compose = parse(text, { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> }
const nodes = Object.entries(compose.services).filter(([name]) => /^node\d+$/.test(name))

describe('docker-compose.yml', () => {
  it('has five nodes, an upstream and the secrets service', () => {
    expect(nodes.map(([n]) => n)).toEqual(['node1', 'node2', 'node3', 'node4', 'node5'])
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['upstream', 'secrets']))
    expect(compose.volumes).toHaveProperty('secrets')
  })

  it.each(nodes)('%s gets the fleet key and admin token from the secrets volume, after it is made', (_name, svc) => {
    expect(svc.environment?.['BREAKER_MESH_LISTEN']).toBe('0.0.0.0:7946')
    expect(svc.environment?.['BREAKER_MESH_FLEET_KEY_FILE']).toBe('/run/breaker-mesh/fleet.key')
    expect(svc.environment?.['BREAKER_MESH_ADMIN_TOKEN_FILE']).toBe('/run/breaker-mesh/admin.token')
    expect(svc.volumes).toContain('secrets:/run/breaker-mesh:ro')
    expect(svc.depends_on?.['secrets']).toEqual({ condition: 'service_completed_successfully' })
    expect(svc.command).not.toContain('--insecure')
  })

  it('the secrets service makes both files with the CLI and never overwrites them', () => {
    const cmd = JSON.stringify(compose.services['secrets']?.command)
    expect(cmd).toContain('test -s /run/breaker-mesh/fleet.key || breaker-mesh keygen > /run/breaker-mesh/fleet.key')
    expect(cmd).toContain('test -s /run/breaker-mesh/admin.token ||')
    expect(cmd).toContain('umask 077')
  })

  const dc = spawnSync('docker-compose', ['--version'], { encoding: 'utf8' })
  it.skipIf(dc.status !== 0)('docker-compose config accepts it (without the top-level name, unknown to compose v1)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bm-compose-'))
    try {
      const copy = join(dir, 'docker-compose.yml')
      writeFileSync(copy, text.replace(/^name: .*$/m, ''))
      const out = execFileSync('docker-compose', ['-f', copy, 'config'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      expect(out).toContain('service_completed_successfully')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
