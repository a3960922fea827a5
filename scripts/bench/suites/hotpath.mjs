// Hot path against the peers (issue 5, item 1): the per-call overhead of
// MeshBreaker.execute() vs opossum's fire() vs cockatiel's execute(), around
// the same async no-op, in ns/call and bytes/call; the rejection path while
// open; tryAcquire() + record(). Issue 12 adds: execute() with a listener on
// every event, execute() with a timeout (vs opossum's and cockatiel's), the
// cost of breaker.fetch() over bare fetch(), and local-mode startup.
import { fileURLToPath } from 'node:url'
import { runJsonScript } from '../../lib/runJsonScript.mjs'
import { median } from '../lib/summarize.mjs'
import { fmt, row, target } from '../lib/targets.mjs'
import { estimate } from '../lib/timing.mjs'

const WORKER = fileURLToPath(new URL('../fixtures/hotpath-worker.mjs', import.meta.url))

const LABEL = {
  mesh: 'breaker-mesh MeshBreaker',
  opossum: 'opossum CircuitBreaker (defaults)',
  'opossum-no-timeout': 'opossum CircuitBreaker ({ timeout: false })',
  cockatiel: 'cockatiel circuitBreaker(handleAll, ConsecutiveBreaker(5))',
  'cockatiel-timeout': 'cockatiel wrap(circuitBreaker, timeout(10 s, cooperative))',
  core: 'breaker-mesh core CircuitBreaker (pure)',
}
const CASES = [
  ['pass', 'mesh'],
  ['pass', 'opossum'],
  ['pass', 'opossum-no-timeout'],
  ['pass', 'cockatiel'],
  ['reject', 'mesh'],
  ['reject', 'opossum'],
  ['reject', 'cockatiel'],
  ['try-reject', 'mesh'],
  ['pair', 'mesh'],
  ['pair', 'core'],
  ['events', 'mesh'],
  ['timeout', 'mesh'],
  ['timeout', 'cockatiel-timeout'],
  ['fetch', 'mesh'],
  ['fetch-stub', 'mesh'],
]
/** Paths whose allocation is not measured (an HTTP round trip per call allocates far more than the breaker). */
const NO_ALLOC = new Set(['fetch'])
const ALLOC_FLAGS = ['--expose-gc', '--max-semi-space-size=64', '--min-semi-space-size=64']

export default {
  name: 'hotpath',
  title: 'Hot path against opossum and cockatiel',
  issue: 'issue 5 item 1: overhead ≤ 0.3× opossum and ≤ cockatiel; issue 13: rejection ≤ 0.2× opossum or a non-throwing path ≤ 100 ns; issue 12: rows for events, timeouts, fetch, local-mode startup',
  budgetMs: (quick) => (quick ? 120_000 : 420_000),

  async run(ctx, out) {
    const reps = ctx.quick ? 1 : 3
    const rounds = ctx.quick ? 7 : 11
    const roundMs = ctx.quick ? 40 : 60
    const samples = ctx.quick ? 3 : 7
    out.method.push(
      'Workload: `async () => 1`, the same function for all three libraries. Each (library, path) runs in a fresh Node process (`scripts/bench/fixtures/hotpath-worker.mjs`) importing the compiled packages, so one library\'s JIT state cannot colour another\'s.',
      `Time: after ≥ 300 ms warm-up, rounds of the bare loop (\`await fn()\`) and of the breaker loop (\`await breaker.execute(fn)\`) alternate, ${rounds} of each, ~${roundMs} ms of CPU per round; ns/call is the median over rounds (over the rounds in which the process had ≥ 85 % of a core). Overhead = breaker ns/call − bare ns/call of the same process. On a busy machine (fewer than 3 rounds with ≥ 85 % of a core) both terms use the median CPU time (user + system) per call instead of wall time, flagged in the notes. ${reps > 1 ? `Repeated in ${reps} processes per case; the figure is the median of the per-process figures.` : 'One process per case (quick mode).'}`,
      `Allocation: a separate process run with \`${ALLOC_FLAGS.join(' ')}\`: two forced GCs, then heap used (\`v8.getHeapStatistics().used_heap_size\`) before and after 10,000 calls; a 'gc' PerformanceObserver discards any sample during which a GC ran (with a 64 MB new space none normally does), so the heap growth is exactly what the calls allocated. Median of ${samples} samples; "net" subtracts the bare loop's own allocation (the promise of the async no-op and of the await).`,
      'MeshBreaker is built as `createMesh()` builds it: `new MeshBreaker(fleetNode.breaker(name, opts), () => performance.now())` over a FleetNode whose transport drops messages (no libp2p on the call path). Default breaker options (failure rate 50 % over 10 s).',
      'opossum defaults: a 10 s `timeout`, i.e. one setTimeout/clearTimeout per call, plus its rolling stats and events; opossum with `{ timeout: false }` is shown too. cockatiel: `circuitBreaker(handleAll, { halfOpenAfter, breaker: new ConsecutiveBreaker(5) })`.',
      'Rejection path: each breaker is opened by real failures of the same function (mesh: `consecutiveFailures: 5`; opossum: its default 50 % error threshold; cockatiel: 5 consecutive), with cooldowns of an hour, then the loop calls it and catches the rejection (mesh: `BreakerOpenError`, opossum: `EOPENBREAKER`, cockatiel: `BrokenCircuitError`). The worker checks the state before and after.',
      'tryAcquire + record: `if (b.tryAcquire()) b.record(true, 0)` on a closed breaker — MeshBreaker (which reads performance.now() for the clock) and the pure core CircuitBreaker given performance.now(); the peers have no such API.',
      'Events: the pass loop with a no-op listener on each of `success`, `failure`, `reject`, `timeout` and `state` (only `success` fires per call). Timeout: the pass loop with a 10 s timeout that never fires — breaker-mesh `timeoutMs: 10000`, cockatiel `wrap(breaker, timeout(10000, Cooperative))`, opossum\'s defaults (its 10 s `timeout`: the pass/opossum figure).',
      'fetch: `await (await b.fetch(url)).arrayBuffer()` against `await (await fetch(url)).arrayBuffer()`, interleaved, to a node:http server in the same process on 127.0.0.1 answering 200 "ok" (undici keep-alive), the same batch size for both, three times the rounds, the order of the two loops swapped every other round (HTTP calls are cheaper right after others). The overhead is the difference of two medians of ~100 µs calls, so it carries their noise (a few µs either way on a busy machine).',
      'fetch-stub: the same two loops with `globalThis.fetch` replaced by a stub that answers a ready Response at once, so the difference is the breaker\'s own work per fetch (what the HTTP figure cannot resolve); it is also shown as a share of the bare HTTP fetch.',
      'Startup: a fresh process imports `@breaker-mesh/mesh` and calls `createMesh({ network: false })` (local mode: no libp2p loaded); the figure is the median over processes of the createMesh() time, the import time shown beside it.',
    )
    const fig = {}
    for (const [path, candidate] of CASES) {
      if (ctx.aborted) return
      const key = `${path}/${candidate}`
      ctx.log(key)
      try {
        const per = []
        for (let rep = 0; rep < reps; rep++) {
          // HTTP calls are noisier: three times the rounds.
          const r = await runJsonScript(WORKER, { candidate, path, measure: 'time', rounds: path === 'fetch' ? rounds * 3 : rounds, roundMs }, { timeoutMs: 90_000 })
          const bare = estimate(r.bare, median)
          const breaker = estimate(r.breaker, median)
          // overhead is a difference: both terms on the same basis
          const basis = bare.basis === 'wall' && breaker.basis === 'wall' ? 'wall' : 'cpu'
          const pick = (e, side) => (basis === e.basis ? e.ns : median(side.cpuNsPerOp))
          per.push({ bare: pick(bare, r.bare), breaker: pick(breaker, r.breaker), contended: basis === 'cpu' })
          out.raw[`${key}#time${rep}`] = r
        }
        const a = NO_ALLOC.has(path) ? null : await runJsonScript(WORKER, { candidate, path, measure: 'alloc', samples, calls: 10_000 }, { execArgv: ALLOC_FLAGS, timeoutMs: 90_000 })
        out.raw[`${key}#alloc`] = a
        const bareNs = median(per.map((p) => p.bare))
        const breakerNs = median(per.map((p) => p.breaker))
        const overheads = per.map((p) => p.breaker - p.bare)
        const bytes = a === null ? null : median(a.breaker.bytesPerCall, { scale: 100 })
        const bareBytes = a === null ? null : median(a.bare.bytesPerCall, { scale: 100 })
        fig[key] = {
          bareNs,
          breakerNs,
          overheadNs: median(overheads),
          bytes,
          netBytes: bytes === null || bareBytes === null ? null : bytes - bareBytes,
          contended: per.some((p) => p.contended),
          allocDiscarded: a === null ? null : a.breaker.discarded + a.bare.discarded,
        }
      } catch (err) {
        out.errors.push(`${key}: ${err.message}`)
      }
    }
    // Local-mode startup: one sample per fresh process.
    if (!ctx.aborted) {
      ctx.log('startup/mesh')
      try {
        const runs = []
        for (let i = 0; i < (ctx.quick ? 5 : 11); i++) runs.push(await runJsonScript(WORKER, { candidate: 'mesh', path: 'startup' }, { timeoutMs: 60_000 }))
        out.raw['startup/mesh'] = runs
        fig['startup/mesh'] = { createMs: median(runs.map((r) => r.createMs), { scale: 1000 }), importMs: median(runs.map((r) => r.importMs), { scale: 1000 }) }
      } catch (err) {
        out.errors.push(`startup/mesh: ${err.message}`)
      }
    }
    const f = (key, field) => fig[key]?.[field] ?? null
    const ratio = (a, b) => (a === null || b === null || b <= 0 ? null : a / b)
    const us = (ns) => (ns === null ? null : ns / 1000)
    const pct = (a, b) => (a === null || b === null || b <= 0 ? null : (100 * a) / b)
    const note = (...keys) => (keys.some((k) => fig[k]?.contended) ? 'machine busy: CPU-time figure' : '')

    const meshOverhead = f('pass/mesh', 'overheadNs')
    const meshReject = f('reject/mesh', 'breakerNs')
    out.summary.push(
      row({ metric: 'execute() overhead, breaker-mesh', value: meshOverhead, unit: 'ns/call', note: note('pass/mesh') }),
      row({ metric: 'execute() overhead, opossum (defaults)', value: f('pass/opossum', 'overheadNs'), unit: 'ns/call', note: note('pass/opossum') }),
      row({ metric: 'execute() overhead, cockatiel', value: f('pass/cockatiel', 'overheadNs'), unit: 'ns/call', note: note('pass/cockatiel') }),
      row({ metric: 'overhead ratio breaker-mesh / opossum', value: ratio(meshOverhead, f('pass/opossum', 'overheadNs')), unit: '×', target: target('<=', 0.3, '×'), note: `vs opossum { timeout: false }: ${fmt(ratio(meshOverhead, f('pass/opossum-no-timeout', 'overheadNs')), '×')}` }),
      row({ metric: 'overhead ratio breaker-mesh / cockatiel', value: ratio(meshOverhead, f('pass/cockatiel', 'overheadNs')), unit: '×', target: target('<=', 1, '×') }),
      row({ metric: 'rejection while open, breaker-mesh', value: meshReject, unit: 'ns/call', note: note('reject/mesh') }),
      row({ metric: 'rejection ratio breaker-mesh / opossum', value: ratio(meshReject, f('reject/opossum', 'breakerNs')), unit: '×', target: target('<=', 0.2, '×'), note: `vs cockatiel: ${fmt(ratio(meshReject, f('reject/cockatiel', 'breakerNs')), '×')}; the floor of a rejected promise carrying an Error in V8` }),
      row({
        metric: 'refusal through tryExecute() (no throw), breaker-mesh',
        value: f('try-reject/mesh', 'breakerNs'),
        unit: 'ns/call',
        target: target('<=', 100, 'ns'),
        note: `${fmt(ratio(f('try-reject/mesh', 'breakerNs'), f('reject/opossum', 'breakerNs')), '×')} opossum's rejection; resolves a shared frozen { ok: false, refused }${note('try-reject/mesh') ? `; ${note('try-reject/mesh')}` : ''}`,
      }),
      row({ metric: 'tryAcquire() + record(), MeshBreaker', value: f('pair/mesh', 'breakerNs'), unit: 'ns/pair', note: note('pair/mesh') }),
      row({ metric: 'bytes allocated per execute(), breaker-mesh (net of the bare loop)', value: f('pass/mesh', 'netBytes'), unit: 'B/call', note: `opossum ${fmt(f('pass/opossum', 'netBytes'), 'B')}, cockatiel ${fmt(f('pass/cockatiel', 'netBytes'), 'B')}` }),
      row({ metric: 'execute() overhead, listener on every event, breaker-mesh', value: f('events/mesh', 'overheadNs'), unit: 'ns/call', note: `${fmt(ratio(f('events/mesh', 'overheadNs'), meshOverhead), '×')} the overhead without listeners; vs cockatiel ${fmt(ratio(f('events/mesh', 'overheadNs'), f('pass/cockatiel', 'overheadNs')), '×')}${note('events/mesh') ? `; ${note('events/mesh')}` : ''}` }),
      row({ metric: 'execute() overhead with a 10 s timeout, breaker-mesh', value: f('timeout/mesh', 'overheadNs'), unit: 'ns/call', note: `cockatiel wrap(breaker, timeout): ${fmt(f('timeout/cockatiel-timeout', 'overheadNs'), 'ns')}; opossum defaults: ${fmt(f('pass/opossum', 'overheadNs'), 'ns')}${note('timeout/mesh') ? `; ${note('timeout/mesh')}` : ''}` }),
      row({ metric: 'timeout overhead ratio breaker-mesh / opossum (both with a 10 s timeout)', value: ratio(f('timeout/mesh', 'overheadNs'), f('pass/opossum', 'overheadNs')), unit: '×', note: `vs cockatiel wrap(breaker, timeout): ${fmt(ratio(f('timeout/mesh', 'overheadNs'), f('timeout/cockatiel-timeout', 'overheadNs')), '×')}` }),
      row({ metric: 'breaker.fetch() over bare fetch(): the breaker\'s own cost', value: f('fetch-stub/mesh', 'overheadNs'), unit: 'ns/call', note: `${fmt(pct(f('fetch-stub/mesh', 'overheadNs'), f('fetch/mesh', 'bareNs')), '%')} of a bare fetch() to 127.0.0.1 (${fmt(us(f('fetch/mesh', 'bareNs')), 'µs')})${note('fetch-stub/mesh') ? `; ${note('fetch-stub/mesh')}` : ''}` }),
      row({ metric: 'breaker.fetch() over bare fetch(), measured through a local HTTP server', value: us(f('fetch/mesh', 'overheadNs')), unit: 'µs/call', note: `noisy: the difference of two ~${fmt(us(f('fetch/mesh', 'bareNs')), 'µs')} medians${note('fetch/mesh') ? `; ${note('fetch/mesh')}` : ''}` }),
      row({ metric: 'createMesh({ network: false }) startup', value: f('startup/mesh', 'createMs'), unit: 'ms', note: `importing @breaker-mesh/mesh first: ${fmt(f('startup/mesh', 'importMs'), 'ms')}` }),
    )
    const rows = (path, candidates) =>
      candidates
        .filter((c) => fig[`${path}/${c}`])
        .map((c) => {
          const k = `${path}/${c}`
          return [
            LABEL[c],
            fmt(f(k, 'breakerNs')),
            path === 'pass' ? fmt(f(k, 'bareNs')) : '–',
            path === 'pass' ? fmt(f(k, 'overheadNs')) : fmt(f(k, 'breakerNs')),
            path === 'pass' ? fmt(ratio(f(k, 'overheadNs'), meshOverhead), '×') : path === 'reject' ? fmt(ratio(f(k, 'breakerNs'), meshReject), '×') : '–',
            fmt(f(k, 'bytes')),
            path === 'pass' ? fmt(f(k, 'netBytes')) : '–',
          ]
        })
    const columns = ['library', 'ns/call', 'bare ns/call', 'overhead ns/call', 'cost vs breaker-mesh', 'bytes/call', 'net bytes/call']
    out.tables.push(
      { title: 'Closed breaker: await breaker.execute(async no-op)', columns, rows: rows('pass', ['mesh', 'opossum', 'opossum-no-timeout', 'cockatiel']) },
      { title: 'Open breaker: the rejected call (the whole cost is overhead)', columns, rows: rows('reject', ['mesh', 'opossum', 'cockatiel']) },
      { title: 'tryAcquire() + record(true, 0), closed', columns, rows: rows('pair', ['mesh', 'core']) },
      {
        title: 'Per-call features (issue 12): events, timeouts, fetch',
        columns: ['case', 'ns/call', 'bare ns/call', 'overhead ns/call', 'vs plain execute()', 'bytes/call', 'net bytes/call'],
        rows: [
          ['breaker-mesh execute(), no listener, no timeout', 'pass/mesh'],
          ['breaker-mesh execute(), a listener on every event', 'events/mesh'],
          ['breaker-mesh execute(), timeoutMs 10 s', 'timeout/mesh'],
          ['opossum fire(), defaults (10 s timeout)', 'pass/opossum'],
          [LABEL['cockatiel-timeout'], 'timeout/cockatiel-timeout'],
          ['breaker-mesh fetch() vs bare fetch(), 127.0.0.1', 'fetch/mesh'],
          ['breaker-mesh fetch() vs bare fetch(), stub fetch (no I/O)', 'fetch-stub/mesh'],
        ]
          .filter(([, k]) => fig[k])
          .map(([label, k]) => [label, fmt(f(k, 'breakerNs')), fmt(f(k, 'bareNs')), fmt(f(k, 'overheadNs')), fmt(ratio(f(k, 'overheadNs'), meshOverhead), '×'), fmt(f(k, 'bytes')), fmt(f(k, 'netBytes'))]),
      },
    )
    out.raw.figures = fig
  },
}
