// BENCHMARKS.md, regenerated from every bench/results/*.json present (not only the
// suites of the last run), so partial runs (`--only`) keep the other tables.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './machine.mjs'

export const RESULTS_DIR = join(ROOT, 'bench', 'results')
/** Full-mode results are also kept here, so a later quick run does not hide them. */
export const FULL_RESULTS_DIR = join(RESULTS_DIR, 'full')
export const REPORT_PATH = join(ROOT, 'BENCHMARKS.md')
/** Hand-written prose placed after the summary: where the time and memory go, with the profile evidence. */
export const ANALYSIS_PATH = join(ROOT, 'scripts', 'bench', 'analysis.md')

/** Suite order in the report. Unknown suites follow, alphabetically. */
const ORDER = ['core', 'hotpath', 'propagation', 'detection', 'join', 'storm', 'heal', 'loss', 'cost']

/** Every result file, parsed, in report order (unreadable files are listed as such). */
export function loadResults(dir = RESULTS_DIR) {
  let files = []
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
  const results = files.map((f) => {
    try {
      return JSON.parse(readFileSync(join(dir, f), 'utf8'))
    } catch (err) {
      return { suite: f.replace(/\.json$/, ''), title: f, status: 'unreadable', errors: [String(err)] }
    }
  })
  const rank = (s) => (ORDER.includes(s.suite) ? ORDER.indexOf(s.suite) : ORDER.length)
  return results.sort((a, b) => rank(a) - rank(b) || String(a.suite).localeCompare(String(b.suite)))
}

const esc = (v) => String(v ?? '').replace(/\|/g, '\\|').replace(/\n/g, ' ')
const metText = (met) => (met === true ? 'yes' : met === false ? '**no**' : '–')

function table(columns, rows) {
  const lines = [`| ${columns.map(esc).join(' | ')} |`, `|${columns.map(() => '---').join('|')}|`]
  for (const r of rows) lines.push(`| ${r.map(esc).join(' | ')} |`)
  return lines.join('\n')
}

function summaryTable(rows, withSuite) {
  const columns = [...(withSuite ? ['suite'] : []), 'metric', 'target', 'measured', 'met?', 'note']
  return table(
    columns,
    rows.map((r) => [...(withSuite ? [r.suite] : []), r.metric, r.target ?? '–', r.measured, metText(r.met), r.note ?? '']),
  )
}

function machineLine(m) {
  if (!m) return 'unknown machine'
  return `${m.cpuModel}, ${m.cores} cores, ${(m.memoryTotalMB / 1024).toFixed(1)} GB RAM, ${m.platform}, Node ${m.node} (V8 ${m.v8})`
}

function section(r) {
  const out = [`## ${r.title ?? r.suite}`, '']
  const when = r.date ? `${r.date.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}` : 'unknown date'
  const load = r.loadBefore ? `; load average before/after ${r.loadBefore.join(' ')} / ${(r.loadAfter ?? []).join(' ')}` : ''
  out.push(`Run: ${when}, ${r.mode ?? '?'} mode, ${r.durationMs ? `${(r.durationMs / 1000).toFixed(1)} s` : '?'}, status **${r.status}**${load}.`)
  if (r.machine) out.push(`Machine: ${machineLine(r.machine)}.`)
  if (r.issue) out.push(`Targets from: ${r.issue}.`)
  out.push('')
  if (r.summary?.length) out.push(summaryTable(r.summary, false), '')
  for (const t of r.tables ?? []) {
    out.push(`**${t.title}**`, '', table(t.columns, t.rows), '')
    if (t.note) out.push(t.note, '')
  }
  if (r.notMeasured?.length) {
    out.push('Not measured in this run:', '')
    for (const n of r.notMeasured) out.push(`- ${n.what}: ${n.reason}`)
    out.push('')
  }
  if (r.errors?.length) {
    out.push('Errors:', '')
    for (const e of r.errors) out.push(`- ${esc(String(e).split('\n')[0]).slice(0, 400)}`)
    out.push('')
  }
  if (r.method?.length) {
    out.push('Method:', '')
    for (const m of r.method) out.push(`- ${m}`)
    out.push('')
  }
  return out.join('\n')
}

function referenceSection(results) {
  const ours = results.flatMap((r) => (r.summary ?? []).filter((row) => row.ref).map((row) => ({ ...row, suite: r.suite })))
  const lines = [
    '## Reference figures from elsewhere',
    '',
    'Figures commonly quoted for comparable systems, to read ours against (they were not measured here):',
    '',
    '- **Gossip-based circuit-breaker state sync** is usually quoted at **100–500 ms** to propagate a state change across a fleet.',
    "- **HashiCorp memberlist's gossip convergence model** (the simulator published with serf/memberlist): with memberlist's default LAN",
    '  settings, **99.9 % of a 30–100-node cluster** learns an update in **1.4–1.6 s**.',
    '',
  ]
  if (ours.length) {
    lines.push('Ours, from the tables below:', '', summaryTable(ours, true), '')
  }
  lines.push(
    'Caveats: our fleet numbers come from processes sharing one machine over loopback (no real network latency, but',
    'every node competes for the same cores), with the `local` SWIM profile where stated; the quoted figures are for',
    'real networks and, for memberlist, its LAN timing (probe 1 s, gossip 200 ms).',
    '',
  )
  return lines.join('\n')
}

/**
 * What the report shows per suite: the latest result, unless it is a quick run
 * and a full-mode result exists (full runs measure the target sizes; quick runs
 * skip some). Quick results shown nowhere else are returned as `newerQuick`.
 */
export function chooseResults(latest, full) {
  const fullBySuite = new Map(full.map((r) => [r.suite, r]))
  const shown = []
  const newerQuick = []
  for (const r of latest) {
    const f = fullBySuite.get(r.suite)
    if (r.mode === 'quick' && f) {
      shown.push(f)
      newerQuick.push(r)
    } else shown.push(r)
    fullBySuite.delete(r.suite)
  }
  shown.push(...fullBySuite.values())
  const rank = (s) => (ORDER.includes(s.suite) ? ORDER.indexOf(s.suite) : ORDER.length)
  shown.sort((a, b) => rank(a) - rank(b))
  return { shown, newerQuick }
}

function quickSection(newerQuick) {
  if (newerQuick.length === 0) return ''
  const rows = newerQuick.flatMap((r) => (r.summary ?? []).filter((row) => row.value !== null).map((row) => ({ ...row, suite: r.suite })))
  if (rows.length === 0) return ''
  const dates = newerQuick.map((r) => r.date ?? '').filter(Boolean).sort()[0]?.slice(0, 16).replace('T', ' ') ?? 'unknown date'
  return [
    '## Latest quick run',
    '',
    `A quick run (started ${dates} UTC) came after the full results shown in the sections below; its figures (fewer trials and sizes; raw data in \`bench/results/<suite>.json\`, the full run's in \`bench/results/full/\`):`,
    '',
    summaryTable(rows, true),
    '',
  ].join('\n')
}

/** The whole BENCHMARKS.md text for `results` (and `newerQuick`, see chooseResults). */
export function renderReport(results, newerQuick = []) {
  const latest = [...results].filter((r) => r.date).sort((a, b) => String(b.date).localeCompare(String(a.date)))[0]
  const all = results.flatMap((r) => (r.summary ?? []).map((row) => ({ ...row, suite: r.suite })))
  const targeted = all.filter((row) => row.target !== null)
  const met = targeted.filter((row) => row.met === true).length
  const missed = targeted.filter((row) => row.met === false).length
  const open = targeted.length - met - missed
  const out = [
    '# breaker-mesh benchmarks',
    '',
    '<!-- Generated by scripts/bench/run.mjs from bench/results/*.json. Do not edit by hand: run `npm run bench`. -->',
    '',
    'Regenerate with `npm run bench` (full run) or `npm run bench -- --quick` (fewer trials and fleet sizes, under 3',
    'minutes); `-- --only core,hotpath` runs some suites and keeps the others\' last results. Raw numbers, method notes',
    'and machine details are in `bench/results/<suite>.json` (latest run) and `bench/results/full/` (latest full run,',
    'which the sections below prefer). Nothing here is a test: no test asserts a time.',
    '',
    `Targets: **${met} met, ${missed} missed, ${open} not measured** (of ${targeted.length} with a target).`,
    '',
    '## Machine and versions',
    '',
  ]
  if (latest) {
    out.push(`- Latest run: ${latest.date} (${latest.mode} mode)`)
    out.push(`- Machine: ${machineLine(latest.machine)}`)
    if (latest.git) out.push(`- Commit: ${latest.git.commit ?? 'unknown'}${latest.git.dirty ? ' (with uncommitted changes)' : ''}`)
    const v = latest.versions ?? {}
    out.push(`- Packages: ${Object.entries(v).map(([k, ver]) => `${k} ${ver ?? 'not installed'}`).join(', ')}`)
    const modes = new Set(results.map((r) => r.mode))
    if (modes.size > 1) out.push(`- Note: the suites below come from runs in different modes (${[...modes].join(', ')}); each section says which.`)
  } else {
    out.push('No results yet.')
  }
  out.push(
    '',
    '## Method in short',
    '',
    '- Percentiles come from HdrHistogram (`hdr-histogram-js`, 3 significant digits, µs resolution), never hand-rolled.',
    '- In-process benchmarks run every library in a fresh Node process (JIT state of one never colours another), warm',
    '  up, then run interleaved rounds; the figure is the median over the rounds in which the process had at least',
    '  85 % of a core. When fewer than 3 such rounds exist (a machine busy with other work), the figure is the median',
    '  CPU time (user + system) per operation instead, and the row says so.',
    '- Fleet benchmarks start real breaker-mesh processes (compiled JS, libp2p over TCP on 127.0.0.1, mDNS off, joined',
    '  through a `host:port` seed). Times are taken from high-resolution epoch timestamps stamped inside the processes',
    '  (`performance.timeOrigin + performance.now()`), so stdout piping adds nothing. Every wait has a deadline; a',
    '  bench that cannot finish records its failure.',
    '',
    '## Summary: every figure next to its target',
    '',
    summaryTable(all, true),
    '',
    existsSync(ANALYSIS_PATH) ? readFileSync(ANALYSIS_PATH, 'utf8').trim() : '',
    '',
    quickSection(newerQuick),
    referenceSection(results),
  )
  for (const r of results) out.push(section(r))
  return out.join('\n').replace(/\n{3,}/g, '\n\n') + '\n'
}

/** Rewrite BENCHMARKS.md from the JSON files; returns its path. */
export function writeReport() {
  const { shown, newerQuick } = chooseResults(loadResults(RESULTS_DIR), loadResults(FULL_RESULTS_DIR))
  writeFileSync(REPORT_PATH, renderReport(shown, newerQuick))
  return REPORT_PATH
}
