/**
 * Lifeguard's local health awareness ("LHA"): how much this node distrusts
 * its own timeliness. A node whose event loop stalls, or whose links are slow,
 * sees its probes fail although the targets are healthy; if it kept its normal
 * timing it would suspect (and let die) healthy members. The score counts
 * evidence of that — probes that got no ack at all, suspicions of ourselves we
 * had to refute — and successful probes pay it back, one per ack. Timeouts
 * are stretched by `score + 1`, so a sick node slows down and waits longer
 * instead of accusing others.
 *
 * The score is an integer in 0..max − 1, so the multiplier stays in 1..max;
 * `max` 1 disables the whole mechanism (the multiplier is always 1).
 */
export class Awareness {
  /** The largest multiplier, integer ≥ 1. */
  readonly max: number
  private current = 0

  constructor(max: number) {
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1) {
      throw new RangeError(`Awareness max must be an integer ≥ 1, got ${String(max)}`)
    }
    this.max = max
  }

  /** Health score, integer in 0..max − 1: 0 is healthy. */
  get score(): number {
    return this.current
  }

  /** Add `delta` (an integer: + for trouble, − for good news) to the score, clamped to 0..max − 1. */
  apply(delta: number): void {
    if (typeof delta !== 'number' || !Number.isInteger(delta)) {
      throw new RangeError(`Awareness delta must be an integer, got ${String(delta)}`)
    }
    this.current = Math.min(this.max - 1, Math.max(0, this.current + delta))
  }

  /** A duration stretched by the current health: `ms × (score + 1)`. */
  scale(ms: number): number {
    return ms * (this.current + 1)
  }
}
