/**
 * The architecture's rules as tests (docs/ARCHITECTURE.md, "Layers"): which
 * package and which core layer may import which, no import cycle inside a
 * package (type-only imports and lazy `import()` included), and no source file
 * over the size a newcomer can read in one go.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const PACKAGES = ['core', 'mesh', 'cli'] as const
type Pkg = (typeof PACKAGES)[number]

/** Source files of a folder, recursively: not tests, not test fixtures (`fixtures/` folders). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return ['node_modules', 'dist', 'fixtures'].includes(name) ? [] : sources(path)
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) && !/\.d\.ts$/.test(name) ? [path] : []
  })
}

const SPEC = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm

/** Every module specifier a file imports (static, re-export, type-only or dynamic). */
function specifiers(file: string): string[] {
  const code = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  return [...code.matchAll(SPEC)].map((m) => m[1] ?? m[2] ?? '')
}

/** A relative specifier resolved to a source file of the same package, or undefined. */
function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined
  const base = resolve(dirname(from), spec)
  for (const candidate of [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), `${base}.ts`, join(base, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate
    } catch {
      // try the next
    }
  }
  return undefined
}

const srcOf = (pkg: Pkg): string => join(ROOT, 'packages', pkg, 'src')
// Browser code bundled on its own (it imports only types from the mesh).
const isBrowserCode = (file: string): boolean => file.includes(`${join('mesh', 'src', 'dashboard')}`)

describe('layers', () => {
  it('core ← mesh ← cli: a package imports only the packages below it', () => {
    const allowed: Record<Pkg, string[]> = { core: [], mesh: ['@breaker-mesh/core'], cli: ['@breaker-mesh/core', '@breaker-mesh/mesh'] }
    const offences: string[] = []
    for (const pkg of PACKAGES) {
      for (const file of sources(srcOf(pkg))) {
        for (const spec of specifiers(file)) {
          const target = /^@breaker-mesh\/([a-z]+)/.exec(spec)
          if (target && !allowed[pkg].some((a) => spec === a || spec.startsWith(`${a}/`))) {
            offences.push(`${relative(ROOT, file)} imports ${spec}`)
          }
        }
      }
    }
    expect(offences).toEqual([])
  })

  it('only packages/mesh imports libp2p, and only from src/p2p (and the p2p test entry)', () => {
    const offences: string[] = []
    for (const pkg of PACKAGES) {
      for (const file of sources(srcOf(pkg))) {
        const inP2p = pkg === 'mesh' && relative(srcOf('mesh'), file).startsWith('p2p')
        for (const spec of specifiers(file)) {
          if (/^(libp2p|@libp2p\/|@chainsafe\/)/.test(spec) && !inP2p) offences.push(`${relative(ROOT, file)} imports ${spec}`)
        }
      }
    }
    expect(offences).toEqual([])
  })

  it('inside core, each layer imports only the layers below it', () => {
    // folder → folders it may import (besides itself, types.ts and util/)
    const below: Record<string, string[]> = {
      clock: [],
      breaker: ['clock'],
      table: ['clock'],
      membership: ['clock'],
      wire: ['clock', 'table', 'membership'],
      security: [],
      node: ['clock', 'breaker', 'table', 'membership', 'wire'],
      testing: ['clock', 'breaker', 'table', 'membership', 'wire', 'node'],
    }
    const core = srcOf('core')
    const offences: string[] = []
    for (const file of sources(core)) {
      const layer = relative(core, file).split('/')[0]!
      if (!(layer in below)) continue
      for (const spec of specifiers(file)) {
        const target = resolveLocal(file, spec)
        if (!target) continue
        const to = relative(core, target).split('/')[0]!
        if (to === layer || to === 'types.ts' || to === 'util' || !(to in below)) continue
        if (!below[layer]!.includes(to)) offences.push(`${relative(ROOT, file)} (${layer}) imports ${relative(ROOT, target)} (${to})`)
      }
    }
    expect(offences).toEqual([])
  })
})

describe('no import cycle inside a package', () => {
  for (const pkg of PACKAGES) {
    it(`packages/${pkg}/src`, () => {
      const files = sources(srcOf(pkg)).filter((f) => !isBrowserCode(f))
      const edges = new Map(files.map((f) => [f, specifiers(f).map((s) => resolveLocal(f, s)).filter((t): t is string => t !== undefined)]))
      const cycles: string[] = []
      const state = new Map<string, 'open' | 'done'>()
      const stack: string[] = []
      const visit = (f: string): void => {
        state.set(f, 'open')
        stack.push(f)
        for (const t of edges.get(f) ?? []) {
          if (state.get(t) === 'open') cycles.push([...stack.slice(stack.indexOf(t)), t].map((x) => relative(srcOf(pkg), x)).join(' → '))
          else if (!state.has(t)) visit(t)
        }
        stack.pop()
        state.set(f, 'done')
      }
      for (const f of files) if (!state.has(f)) visit(f)
      expect(cycles).toEqual([])
    })
  }
})

describe('file size', () => {
  it('no source file of packages/*/src or scripts/ is over 400 lines', () => {
    const MAX = 400
    const files = [...PACKAGES.flatMap((p) => sources(srcOf(p))), ...scriptFiles(join(ROOT, 'scripts'))]
    const long = files
      .map((f) => [relative(ROOT, f), readFileSync(f, 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > MAX)
      .map(([f, n]) => `${f}: ${n} lines`)
    expect(long).toEqual([])
  })
})

function scriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return scriptFiles(path)
    return /\.(mjs|ts)$/.test(name) && !/\.test\./.test(name) && !/\.d\.mts$/.test(name) ? [path] : []
  })
}
