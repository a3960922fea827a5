#!/usr/bin/env node
// breaker-mesh benchmarks: runs the suites, writes bench/results/<suite>.json,
// regenerates BENCHMARKS.md from every JSON present.
//
//   node scripts/bench/run.mjs [--quick] [--only core,hotpath] [--skip cost] [--list] [--report-only]
//
// `npm run bench` builds first (the suites import the compiled packages/*/dist).
// Every child process is killed when a suite ends, and on exit, errors and signals.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import os from 'node:os'
import { installCleanup, killAllChildren, liveChildren } from '../lib/children.mjs'
import { pause } from '../lib/poll.mjs'
import { gitInfo, machineInfo, packageVersions } from './lib/machine.mjs'
import { FULL_RESULTS_DIR, RESULTS_DIR, writeReport } from './lib/report.mjs'
import { suites } from './suites/index.mjs'

const USAGE = `usage: node scripts/bench/run.mjs [--quick] [--only a,b] [--skip a,b] [--list] [--report-only]
  --quick        fewer trials and fleet sizes (the whole run takes under 3 minutes)
  --only a,b     run only these suites (the report still shows every result file present)
  --skip a,b     run all suites but these
  --list         list the suites and exit
  --report-only  regenerate BENCHMARKS.md from bench/results/*.json and exit
suites: ${suites.map((s) => s.name).join(', ')}`

function parseArgs(argv) {
  const opts = { quick: false, only: null, skip: [], list: false, reportOnly: false }
  const names = new Set(suites.map((s) => s.name))
  const list = (flag, value) => {
    if (!value) throw new RangeError(`${flag} needs a comma-separated list of suites`)
    const items = value.split(',').map((s) => s.trim()).filter(Boolean)
    const unknown = items.filter((s) => !names.has(s))
    if (unknown.length) throw new RangeError(`${flag}: unknown suite ${unknown.join(', ')} (suites: ${[...names].join(', ')})`)
    return items
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined]
    switch (flag) {
      case '--quick':
        opts.quick = true
        break
      case '--only':
        opts.only = list(flag, inline ?? argv[++i])
        break
      case '--skip':
        opts.skip = list(flag, inline ?? argv[++i])
        break
      case '--list':
        opts.list = true
        break
      case '--report-only':
        opts.reportOnly = true
        break
      case '--help':
      case '-h':
        console.log(USAGE)
        process.exit(0)
        break
      default:
        throw new RangeError(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`)
    }
  }
  return opts
}

const log = (text) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`)
const load = () => os.loadavg().map((l) => Math.round(l * 100) / 100)

/** Run one suite under its time budget; always returns the JSON document to write. */
async function runSuite(suite, { quick }, pool) {
  const out = { summary: [], tables: [], method: [], notMeasured: [], errors: [], raw: {} }
  const doc = {
    suite: suite.name,
    title: suite.title,
    issue: suite.issue,
    mode: quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    machine: machineInfo(),
    versions: packageVersions(),
    git: gitInfo(),
    loadBefore: load(),
  }
  const budgetMs = suite.budgetMs(quick)
  const controller = new AbortController()
  const ctx = {
    quick,
    /** Aborted when the suite's budget runs out: Fleets stop starting nodes, waits give up. */
    signal: controller.signal,
    get aborted() {
      return controller.signal.aborted
    },
    /** An idle fleet one suite may leave to the next (see lib/fleetPool.mjs). */
    pool,
    log: (text) => log(`${suite.name}: ${text}`),
  }
  const t0 = Date.now()
  let timer
  let status = 'ok'
  let failed = false
  try {
    await Promise.race([
      suite.run(ctx, out),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`suite exceeded its budget of ${budgetMs / 1000} s and was stopped`)), budgetMs)
      }),
    ])
  } catch (err) {
    failed = true
    controller.abort()
    out.errors.push(String(err?.message ?? err))
    log(`${suite.name}: ${String(err?.message ?? err)}`)
  } finally {
    clearTimeout(timer)
    controller.abort()
    // A stopped suite may leave anything behind: kill it all, the pooled fleet included.
    if (failed) pool.fleet = null
    killAllChildren('SIGKILL', pool.fleet ? new Set(pool.fleet.children()) : null)
  }
  if (out.errors.length > 0) status = out.summary.some((r) => r.value !== null) ? 'partial' : 'failed'
  // snapshot now: a suite stopped by its budget may still be unwinding
  return JSON.parse(
    JSON.stringify({ ...doc, status, durationMs: Date.now() - t0, loadAfter: load(), ...out }),
  )
}

async function main() {
  installCleanup('bench')
  const opts = parseArgs(process.argv.slice(2))
  if (opts.list) {
    for (const s of suites) console.log(`${s.name.padEnd(12)} ${s.title}`)
    return
  }
  if (opts.reportOnly) {
    console.log(`wrote ${writeReport()}`)
    return
  }
  mkdirSync(RESULTS_DIR, { recursive: true })
  mkdirSync(FULL_RESULTS_DIR, { recursive: true })
  const chosen = suites.filter((s) => (opts.only ? opts.only.includes(s.name) : true) && !opts.skip.includes(s.name))
  const started = Date.now()
  const pool = { fleet: null }
  log(`${opts.quick ? 'quick' : 'full'} run: ${chosen.map((s) => s.name).join(', ')}`)
  for (const suite of chosen) {
    log(`${suite.name}: start (budget ${suite.budgetMs(opts.quick) / 1000} s)`)
    const doc = await runSuite(suite, opts, pool)
    const path = join(RESULTS_DIR, `${suite.name}.json`)
    writeFileSync(path, JSON.stringify(doc, null, 2) + '\n')
    // full-mode results also go to full/, which the report prefers over a later quick run
    if (!opts.quick) writeFileSync(join(FULL_RESULTS_DIR, `${suite.name}.json`), JSON.stringify(doc, null, 2) + '\n')
    for (const r of doc.summary) log(`${suite.name}: ${r.metric}: ${r.measured}${r.target ? ` (target ${r.target}: ${r.met === true ? 'met' : r.met === false ? 'MISSED' : 'n/a'})` : ''}`)
    log(`${suite.name}: ${doc.status} in ${(doc.durationMs / 1000).toFixed(1)} s → ${path}`)
    // let killed children's sockets close before the next suite starts fleets
    const keep = pool.fleet ? new Set(pool.fleet.children()) : null
    for (let i = 0; i < 20 && liveChildren(keep) > 0; i++) await pause(100)
  }
  if (pool.fleet) await pool.fleet.stop()
  const report = writeReport()
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s; wrote ${report}`)
}

main().catch((err) => {
  log(err instanceof RangeError ? err.message : String(err?.stack ?? err))
  killAllChildren()
  process.exit(err instanceof RangeError ? 2 : 1)
})
