/**
 * Random choices with an injected source (`() => number` in [0, 1)), so a
 * seeded generator makes every run repeatable.
 */

/** A random integer in [0, n), safe even if `random` returns 1. */
export function randomIndex(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n))
}

/** Shuffle `items` in place (Fisher–Yates) and return it. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomIndex(random, i + 1)
    const a = items[i] as T
    items[i] = items[j] as T
    items[j] = a
  }
  return items
}

/** Up to `k` distinct elements of `items`, uniformly chosen (reorders `items`). */
export function sample<T>(items: T[], k: number, random: () => number): T[] {
  const n = Math.min(k, items.length)
  for (let i = 0; i < n; i++) {
    const j = i + randomIndex(random, items.length - i)
    const a = items[i] as T
    items[i] = items[j] as T
    items[j] = a
  }
  return items.slice(0, n)
}
