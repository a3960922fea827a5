#!/usr/bin/env node
// Bundles the compiled runtime of @breaker-mesh/core and @breaker-mesh/mesh
// (tsc's dist/) into a few ES modules per package, dist/bundle/, which their
// package.json `exports` point at. Why: a node loads several hundred small
// modules (libp2p and its dependencies), and each costs memory of its own; as
// bundles an idle node takes ~19 MB less (see BENCHMARKS.md, cost). Readable
// and debuggable: not minified, and each bundle has a source map back to the
// TypeScript sources (run node with --enable-source-maps for TS stack lines).
// Code loaded on demand stays in its own chunk (libp2p in local mode, mDNS,
// the admin server). Part of `npm run build`, after tsc -b. No network.
import { rmSync, statSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const started = Date.now()

/** Some dependencies are CommonJS and call require(): give the bundle a real one. */
const banner = "import { createRequire as __bmCreateRequire } from 'node:module';\nconst require = __bmCreateRequire(import.meta.url);"

async function bundle(pkg, entries, external) {
  const out = `${root}packages/${pkg}/dist/bundle`
  rmSync(out, { recursive: true, force: true })
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, `${root}packages/${pkg}/dist/${file}`])),
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    minify: false,
    // No keepNames: its __name() wrapper ran on every closure a hot function
    // creates (a tenth of a merge's time); names stay as written unless two
    // modules share one (checked by test/packaging.test.ts).
    keepNames: false,
    external,
    banner: { js: banner },
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
    metafile: true,
  })
  const files = Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'))
  const kb = files.reduce((n, f) => n + statSync(`${root}${f}`).size, 0) / 1024
  return `${pkg}: ${files.length} files, ${kb.toFixed(0)} KiB`
}

const lines = [
  await bundle('core', { index: 'index.js', testing: 'testing/index.js' }, ['msgpackr-extract']),
  // The mesh shares the core's bundle (one copy of its classes), and leaves the optional peers to the application.
  await bundle('mesh', { index: 'index.js', testing: 'testing/index.js' }, ['@breaker-mesh/core', '@breaker-mesh/core/*', 'msgpackr-extract', 'cockatiel', 'opossum']),
]
console.log(`build-bundle: ${lines.join('; ')} in ${Date.now() - started} ms`)
