/**
 * Vector clocks: versions seen, per writer id. They detect concurrency (two
 * versions written without either seeing the other) and make duplicates free
 * to drop; they never order versions (the Lamport pair does that).
 *
 * A missing entry counts as 0. Every function is pure and returns a fresh
 * null-prototype object (or its input, when nothing changes), so an entry
 * named `__proto__` or `constructor` is an ordinary key and can never reach
 * `Object.prototype`.
 */

/** Versions seen, per writer id. Detects concurrency; never orders. */
export type VClock = Readonly<Record<string, number>>

/** How two vector clocks relate: `before` means `a` happened before `b`. */
export type VClockOrder = 'before' | 'after' | 'equal' | 'concurrent'

const hasOwn = Object.prototype.hasOwnProperty

/** The value of `id` in `vc`, 0 when absent (own entries only, never inherited ones). */
export function vclockEntry(vc: VClock, id: string): number {
  return hasOwn.call(vc, id) ? (vc[id] as number) : 0
}

/** An empty, frozen vector clock. */
export const EMPTY_VCLOCK: VClock = Object.freeze(Object.create(null) as Record<string, number>)

/**
 * Compare two vector clocks, treating missing entries as 0.
 * `before`: every entry of `a` ≤ `b` and one is smaller; `after`: the reverse;
 * `equal`: all entries equal; `concurrent`: each has an entry larger than the other's.
 */
export function compareVClocks(a: VClock, b: VClock): VClockOrder {
  let aBigger = false
  let bBigger = false
  for (const id of Object.keys(a)) {
    const x = a[id] as number
    const y = vclockEntry(b, id)
    if (x > y) aBigger = true
    else if (x < y) bBigger = true
    if (aBigger && bBigger) return 'concurrent'
  }
  for (const id of Object.keys(b)) {
    if (hasOwn.call(a, id)) continue
    if ((b[id] as number) > 0) {
      bBigger = true
      break
    }
  }
  if (aBigger && bBigger) return 'concurrent'
  if (aBigger) return 'after'
  if (bBigger) return 'before'
  return 'equal'
}

/**
 * Whether `a` already holds every entry of `b` with a value at least as large
 * (key for key: an explicit 0 in `b` needs the key in `a`). When true,
 * `mergeVClocks(a, b)` has exactly `a`'s entries.
 */
export function vclockCovers(a: VClock, b: VClock): boolean {
  for (const id of Object.keys(b)) {
    if (!hasOwn.call(a, id) || (a[id] as number) < (b[id] as number)) return false
  }
  return true
}

/** Whether `a` and `b` have exactly the same keys and values. */
export function vclocksIdentical(a: VClock, b: VClock): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && vclockCovers(b, a) && vclockCovers(a, b)
}

/** Pointwise maximum over the union of both clocks' keys. Commutative, associative, idempotent. */
export function mergeVClocks(a: VClock, b: VClock): VClock {
  const out = copy(a)
  for (const id of Object.keys(b)) {
    const y = b[id] as number
    if (!hasOwn.call(out, id) || (out[id] as number) < y) out[id] = y
  }
  return out
}

/** `vc` with `vc[id] + 1`. */
export function incrementVClock(vc: VClock, id: string): VClock {
  const out = copy(vc)
  out[id] = vclockEntry(vc, id) + 1
  return out
}

/**
 * `vc` without the entries whose id `keep` rejects. Returns `vc` itself when
 * nothing is removed, so callers can test identity to see whether it changed.
 */
export function pruneVClock(vc: VClock, keep: (id: string) => boolean): VClock {
  let out: Record<string, number> | undefined
  const keys = Object.keys(vc)
  for (let i = 0; i < keys.length; i++) {
    const id = keys[i] as string
    if (keep(id)) {
      if (out) out[id] = vc[id] as number
    } else if (!out) {
      out = Object.create(null) as Record<string, number>
      for (let j = 0; j < i; j++) {
        const kept = keys[j] as string
        out[kept] = vc[kept] as number
      }
    }
  }
  return out ?? vc
}

function copy(vc: VClock): Record<string, number> {
  const out = Object.create(null) as Record<string, number>
  for (const id of Object.keys(vc)) out[id] = vc[id] as number
  return out
}
