/**
 * A small, fast, seeded pseudo-random generator returning numbers in [0, 1):
 * a 32-bit Weyl sequence mixed by the MurmurHash3 finalizer. The same seed
 * always gives the same sequence, so a simulation with loss and shuffles
 * replays exactly. Not for cryptography.
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError(`seededRandom seed must be a finite number, got ${String(seed)}`)
  let state = Math.trunc(seed) >>> 0
  return () => {
    state = (state + 0x9e3779b9) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    z = (z ^ (z >>> 16)) >>> 0
    return z / 4294967296
  }
}
