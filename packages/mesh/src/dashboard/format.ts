/** Text helpers of the dashboard (pure). */

/** `4s`, `3m12s`, `2h05m`, `3d04h`; `now` under a second (also for clock skew: never negative); `–` when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–'
  const s = Math.floor(Math.max(0, ms) / 1000)
  if (s < 1) return 'now'
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${pad(s % 60)}s`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h${pad(m % 60)}m`
  return `${Math.floor(h / 24)}d${pad(h % 24)}h`
}

/** A peer id short enough for a table: libp2p ids share their prefix, so the tail is kept. */
export function shortId(id: string): string {
  return id.length <= 20 ? id : `${id.slice(0, 8)}…${id.slice(-6)}`
}

/** Calls per second with two significant digits: `0`, `0.4`, `12`, `1.2k`. */
export function formatRate(perSecond: number | null): string {
  if (perSecond === null || !Number.isFinite(perSecond)) return '–'
  if (perSecond === 0) return '0'
  if (perSecond < 10) return perSecond.toFixed(1)
  if (perSecond < 1000) return Math.round(perSecond).toString()
  return `${(perSecond / 1000).toFixed(1)}k`
}

/** A percentage of `part` in `whole`, `–` for no calls. */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '–'
  return `${Math.round((100 * part) / whole)}%`
}

/** HH:MM:SS of a wall time, in the browser's zone. */
export function formatClock(at: number): string {
  const d = new Date(at)
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
