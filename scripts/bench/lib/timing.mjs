// Timing loops for in-process micro-benchmarks. A measured body is `run(n)`:
// it performs n operations (its own loop, so there is no call per operation
// beyond what is measured) and may be sync or async.

const now = () => process.hrtime.bigint()

/** Wall time of `run(n)` in ns. */
export async function timeOnce(run, n) {
  const t0 = now()
  await run(n)
  return Number(now() - t0)
}

/**
 * Pick n so that one `run(n)` lasts about `roundMs`. Warms the code up first
 * (`warmupMs` of small batches, so the optimizing compiler has run), then grows
 * n until a run takes at least a quarter of the round (in CPU time) and scales it.
 */
export async function calibrate(run, roundMs, { start = 1000, max = 50_000_000, warmupMs = 300 } = {}) {
  const deadline = Date.now() + warmupMs
  while (Date.now() < deadline) await run(start)
  let n = start
  for (;;) {
    // CPU time, not wall time: on a shared machine a descheduled run would make n far too small.
    const cpu0 = process.cpuUsage()
    await run(n)
    const cpu = process.cpuUsage(cpu0)
    const ns = (cpu.user + cpu.system) * 1000
    if (ns >= (roundMs * 1e6) / 4 || n >= max) {
      const perOp = Math.max(ns, 1) / n
      return Math.max(1, Math.min(max, Math.round((roundMs * 1e6) / perOp)))
    }
    n *= 4
  }
}

/**
 * Warm up for `warmupMs`, then `rounds` rounds of n operations each. With several
 * bodies, their rounds are interleaved (A B A B …) so that drift in the machine's
 * state (other processes, frequency) hits all of them alike.
 * `n` is the operations per round: one number for all bodies, or one per body name.
 * Returns, per body and round: wall ns per operation, CPU ns per operation
 * (process user + system time) and the CPU share (CPU / wall: below ~0.9 the
 * process waited for a core).
 */
export async function measureInterleaved(bodies, { rounds, n, warmupMs = 200, alternate = false }) {
  const names = Object.keys(bodies)
  const count = (name) => (typeof n === 'number' ? n : n[name])
  const deadline = Date.now() + warmupMs
  while (Date.now() < deadline) for (const name of names) await bodies[name](Math.max(1, Math.round(count(name) / 10)))
  const out = Object.fromEntries(names.map((name) => [name, { nsPerOp: [], cpuNsPerOp: [], cpuShare: [] }]))
  for (let r = 0; r < rounds; r++) {
    // alternate: every other round runs the bodies in reverse order (for bodies whose cost depends on what ran just before, e.g. HTTP).
    for (const name of alternate && r % 2 === 1 ? [...names].reverse() : names) {
      const cpu0 = process.cpuUsage()
      const ns = await timeOnce(bodies[name], count(name))
      const cpu = process.cpuUsage(cpu0)
      const cpuNs = (cpu.user + cpu.system) * 1000
      out[name].nsPerOp.push(ns / count(name))
      out[name].cpuNsPerOp.push(cpuNs / count(name))
      out[name].cpuShare.push(cpuNs / ns)
    }
  }
  return out
}

/**
 * The figure for one body's rounds. On a machine shared with other processes a
 * round that waited for a core measures the scheduler, not the code, so:
 * the median wall time of the rounds in which the process had a core to itself
 * (CPU share ≥ `minShare`) when at least `minRounds` such rounds exist; else the
 * median CPU time per operation over all rounds (process user + system time,
 * which a descheduled process does not accumulate), flagged `basis: 'cpu'`.
 * `median` is the caller's median function (HdrHistogram based).
 */
export function estimate({ nsPerOp, cpuNsPerOp, cpuShare }, median, { minShare = 0.85, minRounds = 3 } = {}) {
  const clean = nsPerOp.filter((_, i) => (cpuShare[i] ?? 0) >= minShare)
  if (clean.length >= minRounds) return { ns: median(clean), basis: 'wall', clean: clean.length, of: nsPerOp.length }
  return { ns: median(cpuNsPerOp), basis: 'cpu', clean: clean.length, of: nsPerOp.length }
}
