import type { BreakerRecord } from './BreakerRecord.js'
import type { NodeId } from '../types.js'

/**
 * The total order of breaker versions: by Lamport timestamp, then by origin
 * (plain string order, the same in every runtime), then by the canonical text
 * of every other field but `vclock`. The last step only matters if one origin
 * wrote two different versions with the same timestamp (e.g. it restarted and
 * wrote before syncing); it keeps the merge commutative even then.
 *
 * Returns > 0 when `a` is newer, < 0 when `b` is, 0 when they are the same version.
 */
export function compareVersions(a: BreakerRecord, b: BreakerRecord): number {
  const byStamp = compareStamps(a.lamport, a.origin, b.lamport, b.origin)
  if (byStamp !== 0) return byStamp
  if (a === b || sameFields(a, b)) return 0
  const ca = canonicalVersion(a)
  const cb = canonicalVersion(b)
  return ca > cb ? 1 : ca < cb ? -1 : 0
}

/** Order of two `(lamport, origin)` pairs: > 0 when the first is newer. */
export function compareStamps(lamportA: number, originA: NodeId, lamportB: number, originB: NodeId): number {
  if (lamportA !== lamportB) return lamportA > lamportB ? 1 : -1
  if (originA !== originB) return originA > originB ? 1 : -1
  return 0
}

/**
 * A deterministic text of every field of `record` except `vclock` (keys
 * sorted, `undefined` fields skipped): equal texts mean the same version.
 */
export function canonicalVersion(record: BreakerRecord): string {
  return stable(record, true)
}

/** Fast path for duplicates: every field but `vclock` strictly equal (primitives). */
function sameFields(a: BreakerRecord, b: BreakerRecord): boolean {
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  const ra = a as unknown as Record<string, unknown>
  const rb = b as unknown as Record<string, unknown>
  for (const key of ka) {
    if (key === 'vclock') continue
    const v = ra[key]
    if ((v !== null && typeof v === 'object') || v !== rb[key] || !Object.prototype.hasOwnProperty.call(b, key)) return false
  }
  return true
}

function stable(value: unknown, top: boolean): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map((v) => stable(v, false)).join(',')}]`
  const obj = value as Record<string, unknown>
  const parts: string[] = []
  for (const key of Object.keys(obj).sort()) {
    if (top && key === 'vclock') continue
    const v = obj[key]
    if (v === undefined) continue
    parts.push(`${JSON.stringify(key)}:${stable(v, false)}`)
  }
  return `{${parts.join(',')}}`
}
