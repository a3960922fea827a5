/**
 * What each package would publish (`npm pack --dry-run --json`, after the
 * build): the metadata a registry user relies on, a LICENSE, the compiled
 * entry points, and no build caches, tests or test fixtures.
 */
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PACKAGES = ['core', 'mesh', 'cli']

function packedFiles(dir: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, timeout: 60_000 }, (err, stdout) => {
      if (err) return reject(err)
      const [report] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>
      resolve((report?.files ?? []).map((f) => f.path))
    })
  })
}

describe.each(PACKAGES)('packages/%s', (name) => {
  const dir = `${ROOT}packages/${name}`
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as Record<string, unknown>

  it('declares engines, repository, license, exports and types', () => {
    expect(pkg.license).toBe('MIT')
    expect((pkg.engines as { node?: string })?.node).toMatch(/^>=20\.\d+/)
    expect(pkg.repository).toMatchObject({ type: 'git', directory: `packages/${name}` })
    expect(pkg.types).toBe('./dist/index.d.ts')
    // core and mesh ship their runtime as bundles (scripts/build-bundle.mjs); the CLI as modules.
    const entry = name === 'cli' ? './dist/index.js' : './dist/bundle/index.js'
    expect((pkg.exports as Record<string, unknown>)['.']).toEqual({ types: './dist/index.d.ts', default: entry })
  })

  it('packs a LICENSE and the compiled entry points, and no .tsbuildinfo, test or fixture', async () => {
    const files = await packedFiles(dir)
    const entry = name === 'cli' ? 'dist/index.js' : 'dist/bundle/index.js'
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', entry, 'dist/index.d.ts']))
    expect(files.filter((f) => /tsbuildinfo|\.test\.|fixtures\//.test(f))).toEqual([])
    expect(readFileSync(`${dir}/LICENSE`, 'utf8')).toMatch(/^MIT License/)
  })
})

describe.each(['core', 'mesh'])('the %s bundle', (name) => {
  it('keeps every exported class under its own name (the bundle renames one only on a clash or a self-reference)', async () => {
    const bundle = (await import(`${ROOT}packages/${name}/dist/bundle/index.js`)) as Record<string, unknown>
    const named = Object.entries(bundle).filter(
      (entry): entry is [string, { name: string }] => typeof entry[1] === 'function' && /^[A-Z]/.test(entry[0]),
    )
    expect(named.length).toBeGreaterThan(3)
    expect(named.filter(([exported, value]) => value.name !== exported).map(([exported, value]) => `${exported} is named ${value.name}`)).toEqual([])
  })
})
