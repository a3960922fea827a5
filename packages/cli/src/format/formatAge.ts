/**
 * A human age for `ms` milliseconds: `4s ago`, `3m12s ago`, `2h05m ago`,
 * `3d04h ago`. Wall clocks of different nodes disagree, so a change "in the
 * future" is shown as `just now` rather than as a negative age.
 */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) return '-'
  const s = Math.floor(Math.max(0, ms) / 1000)
  if (s < 1) return 'just now'
  if (s < 60) return `${s}s ago`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${pad(s % 60)}s ago`
  const h = Math.floor(m / 60)
  if (h < 24) return `${h}h${pad(m % 60)}m ago`
  return `${Math.floor(h / 24)}d${pad(h % 24)}h ago`
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
