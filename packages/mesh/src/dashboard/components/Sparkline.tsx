import type { RatePoint } from '../rates.js'
import { formatRate } from '../format.js'

const W = 96
const H = 22

/**
 * Calls per second (line) and failures per second (red area) over the
 * sampled minutes, scaled to the largest rate in view. Plain SVG.
 */
export function Sparkline({ points }: { points: RatePoint[] }) {
  if (points.length < 2) return <span class="muted">–</span>
  const max = Math.max(...points.map((p) => p.calls + p.rejections), 0.001)
  const t0 = points[0]!.t
  const span = Math.max(1, points[points.length - 1]!.t - t0)
  const x = (p: RatePoint): string => ((W * (p.t - t0)) / span).toFixed(1)
  const y = (v: number): string => (H - 1 - ((H - 2) * v) / max).toFixed(1)
  const calls = points.map((p) => `${x(p)},${y(p.calls)}`).join(' ')
  const failures = `0,${H - 1} ${points.map((p) => `${x(p)},${y(p.failures)}`).join(' ')} ${W},${H - 1}`
  const minutes = Math.max(1, Math.round(span / 60_000))
  const last = points[points.length - 1]!
  const label = `over the last ${minutes} min: now ${formatRate(last.calls)} calls/s, ${formatRate(last.failures)} failures/s, peak ${formatRate(max)}/s`
  return (
    <svg class="spark" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label}>
      <title>{label}</title>
      <polygon class="spark-fail" points={failures} />
      <polyline class="spark-calls" points={calls} />
    </svg>
  )
}
