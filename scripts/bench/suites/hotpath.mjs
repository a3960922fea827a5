// Hot path against the peers (issue 5, item 1): the per-call overhead of
// MeshBreaker.execute() vs opossum's fire() vs cockatiel's execute(), around
// the same async no-op, in ns/call and bytes/call; the rejection path while
// open; tryAcquire() + record().
import { runWorker } from '../lib/runWorker.mjs'
import { median } from '../lib/summarize.mjs'
import { fmt, row, target } from '../lib/targets.mjs'
import { estimate } from '../lib/timing.mjs'

const LABEL = {
  mesh: 'breaker-mesh MeshBreaker',
  opossum: 'opossum CircuitBreaker (defaults)',
  'opossum-no-timeout': 'opossum CircuitBreaker ({ timeout: false })',
  cockatiel: 'cockatiel circuitBreaker(handleAll, ConsecutiveBreaker(5))',
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
  ['pair', 'mesh'],
  ['pair', 'core'],
]
const ALLOC_FLAGS = ['--expose-gc', '--max-semi-space-size=64', '--min-semi-space-size=64']

export default {
  name: 'hotpath',
  title: 'Hot path against opossum and cockatiel',
  issue: 'issue 5 item 1: overhead ≤ 0.3× opossum and ≤ cockatiel; rejection ≤ 0.1× opossum',
  budgetMs: (quick) => (quick ? 80_000 : 300_000),

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
    )
    const fig = {}
    for (const [path, candidate] of CASES) {
      if (ctx.aborted) return
      const key = `${path}/${candidate}`
      ctx.log(key)
      try {
        const per = []
        for (let rep = 0; rep < reps; rep++) {
          const r = await runWorker('fixtures/hotpath-worker.mjs', { candidate, path, measure: 'time', rounds, roundMs }, { timeoutMs: 90_000 })
          const bare = estimate(r.bare, median)
          const breaker = estimate(r.breaker, median)
          // overhead is a difference: both terms on the same basis
          const basis = bare.basis === 'wall' && breaker.basis === 'wall' ? 'wall' : 'cpu'
          const pick = (e, side) => (basis === e.basis ? e.ns : median(side.cpuNsPerOp))
          per.push({ bare: pick(bare, r.bare), breaker: pick(breaker, r.breaker), contended: basis === 'cpu' })
          out.raw[`${key}#time${rep}`] = r
        }
        const a = await runWorker('fixtures/hotpath-worker.mjs', { candidate, path, measure: 'alloc', samples, calls: 10_000 }, { nodeFlags: ALLOC_FLAGS, timeoutMs: 90_000 })
        out.raw[`${key}#alloc`] = a
        const bareNs = median(per.map((p) => p.bare))
        const breakerNs = median(per.map((p) => p.breaker))
        const overheads = per.map((p) => p.breaker - p.bare)
        const bytes = median(a.breaker.bytesPerCall, { scale: 100 })
        const bareBytes = median(a.bare.bytesPerCall, { scale: 100 })
        fig[key] = {
          bareNs,
          breakerNs,
          overheadNs: median(overheads),
          bytes,
          netBytes: bytes === null || bareBytes === null ? null : bytes - bareBytes,
          contended: per.some((p) => p.contended),
          allocDiscarded: a.breaker.discarded + a.bare.discarded,
        }
      } catch (err) {
        out.errors.push(`${key}: ${err.message}`)
      }
    }
    const f = (key, field) => fig[key]?.[field] ?? null
    const ratio = (a, b) => (a === null || b === null || b <= 0 ? null : a / b)
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
      row({ metric: 'rejection ratio breaker-mesh / opossum', value: ratio(meshReject, f('reject/opossum', 'breakerNs')), unit: '×', target: target('<=', 0.1, '×'), note: `vs cockatiel: ${fmt(ratio(meshReject, f('reject/cockatiel', 'breakerNs')), '×')}` }),
      row({ metric: 'tryAcquire() + record(), MeshBreaker', value: f('pair/mesh', 'breakerNs'), unit: 'ns/pair', note: note('pair/mesh') }),
      row({ metric: 'bytes allocated per execute(), breaker-mesh (net of the bare loop)', value: f('pass/mesh', 'netBytes'), unit: 'B/call', note: `opossum ${fmt(f('pass/opossum', 'netBytes'), 'B')}, cockatiel ${fmt(f('pass/cockatiel', 'netBytes'), 'B')}` }),
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
    )
    out.raw.figures = fig
  },
}
