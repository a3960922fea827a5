#!/usr/bin/env node
// Builds the web dashboard that every node serves at GET /: type-checks
// packages/mesh/src/dashboard (tsc, noEmit) and bundles it with esbuild into
// packages/mesh/dist/dashboard/{index.html,app.js,app.css}. Part of `npm run build`;
// runs after tsc -b (the dashboard imports the mesh's types). No network.
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const src = `${root}packages/mesh/src/dashboard`
const out = `${root}packages/mesh/dist/dashboard`
const started = Date.now()

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const checked = spawnSync(process.execPath, [tsc, '-p', `${src}/tsconfig.json`], { stdio: 'inherit' })
if (checked.status !== 0) {
  console.error('build-dashboard: type errors in packages/mesh/src/dashboard')
  process.exit(1)
}

mkdirSync(out, { recursive: true })
await build({
  entryPoints: { app: `${src}/main.tsx` },
  outdir: out,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'eof',
  sourcemap: false,
  logLevel: 'warning',
})
copyFileSync(`${src}/index.html`, `${out}/index.html`)

const size = (f) => (statSync(`${out}/${f}`).size / 1024).toFixed(1)
console.log(`build-dashboard: app.js ${size('app.js')} KiB, app.css ${size('app.css')} KiB in ${Date.now() - started} ms`)
