// Core engine throughput (issue 2, "Performance"): record merges per second
// including decode + validate + merge of a 1-record delta, and tryAcquire +
// record pairs per second on a closed CircuitBreaker. One core, one process per mode.
import { fileURLToPath } from 'node:url'
import { runJsonScript } from '../../lib/runJsonScript.mjs'
import { median } from '../lib/summarize.mjs'
import { fmt, row, target } from '../lib/targets.mjs'
import { estimate } from '../lib/timing.mjs'

const WORKER = fileURLToPath(new URL('../fixtures/core-worker.mjs', import.meta.url))

const MODES = [
  { mode: 'merge-fresh', what: 'decode + validate + merge, 1-record delta, newer than the table (every merge changes it)' },
  { mode: 'merge-stale', what: 'decode + validate + merge, 1-record delta the table already holds a newer version of' },
  { mode: 'fleet-receive', what: 'FleetNode.receive() of the same delta: channel check, merge, piggyback queue, change event' },
  { mode: 'pair', what: 'CircuitBreaker.tryAcquire(now) + record(ok, ms, now), closed, default options, `now` passed in' },
  { mode: 'pair-clock', what: 'the same pair reading performance.now() for each call (as the runtime does)' },
]

export default {
  name: 'core',
  title: 'Core engine: merges and permission checks per second',
  issue: 'issue 2 (Performance): ≥ 1,000,000 merges/s and ≥ 10,000,000 permission checks/s on one core',
  budgetMs: (quick) => (quick ? 60_000 : 180_000),

  async run(ctx, out) {
    const rounds = ctx.quick ? 7 : 21
    const roundMs = ctx.quick ? 50 : 100
    out.method.push(
      `Each mode runs in a fresh Node process (\`scripts/bench/fixtures/core-worker.mjs\`), single-threaded, importing the compiled \`@breaker-mesh/core\`. After ≥ 300 ms of warm-up, n is calibrated so a round lasts ~${roundMs} ms of CPU; ${rounds} rounds; the figure is 1e9 / median ns per operation.`,
      'Merge input: 20,000 pre-encoded `delta` messages (msgpackr, the real wire format, ~360 bytes, 52-character peer ids, vector clocks of up to 5 entries), 5 origins over 100 breaker names, Lamport times increasing. "fresh" starts a new table at each pass over the pool so every merge is a real change (checked: the worker fails if one is not); "stale" merges into a table that already holds newer versions.',
      'Pairs: default breaker options (failure rate 50 % over a 10 s window of 10 buckets, minimum 20 calls), 1 call in 16 failing (never trips; checked), simulated time advancing 1 µs per pair so the window rotates buckets.',
      'The machine may be shared: a round in which the process got < 85 % of a core measured the scheduler. The figure is the median wall time of the uncontended rounds when there are ≥ 3 of them, else the median CPU time (user + system) per operation over all rounds, marked "CPU-time figure".',
    )
    const table = { title: 'Per mode', columns: ['mode', 'what', 'ops/s (median)', 'ns/op', 'uncontended rounds', 'note'], rows: [] }
    const perMode = {}
    for (const { mode, what } of MODES) {
      if (ctx.aborted) return
      ctx.log(mode)
      try {
        const r = await runJsonScript(WORKER, { mode, rounds, roundMs }, { timeoutMs: 90_000 })
        const e = estimate(r, median)
        perMode[mode] = { nsPerOp: e.ns, opsPerSec: 1e9 / e.ns, contended: e.basis === 'cpu' }
        out.raw[mode] = r
        table.rows.push([mode, what, fmt(1e9 / e.ns), fmt(e.ns), `${e.clean}/${e.of}`, e.basis === 'cpu' ? 'machine busy: CPU-time figure' : ''])
      } catch (err) {
        out.errors.push(`${mode}: ${err.message}`)
        table.rows.push([mode, what, 'failed', '', '', err.message.split('\n')[0].slice(0, 200)])
      }
    }
    out.tables.push(table)
    const ops = (mode) => perMode[mode]?.opsPerSec ?? null
    const contendedNote = (mode) => (perMode[mode]?.contended ? 'machine busy: CPU-time figure' : '')
    out.summary.push(
      row({ metric: 'merges/s (decode + validate + merge, 1-record delta)', value: ops('merge-fresh'), unit: '/s', target: target('>=', 1_000_000, '/s'), note: contendedNote('merge-fresh') }),
      row({ metric: 'merges/s, stale version (dropped after compare)', value: ops('merge-stale'), unit: '/s', note: contendedNote('merge-stale') }),
      row({ metric: 'FleetNode.receive() of a 1-record delta', value: ops('fleet-receive'), unit: '/s', note: contendedNote('fleet-receive') }),
      row({ metric: 'tryAcquire + record pairs/s, closed CircuitBreaker', value: ops('pair'), unit: '/s', target: target('>=', 10_000_000, '/s'), note: contendedNote('pair') }),
      row({ metric: 'tryAcquire + record pairs/s with performance.now() per call', value: ops('pair-clock'), unit: '/s', note: contendedNote('pair-clock') }),
    )
  },
}
