/**
 * The pure arithmetic of SWIM's timeouts and retransmissions, kept apart from
 * any state so it can be checked with a table. n is the live member count
 * (alive + suspect, self included).
 */

/** How much a setting grows with the fleet: max(1, log10(n+1)). */
function scale(n: number): number {
  return Math.max(1, Math.log10(Math.max(0, n) + 1))
}

/**
 * The full suspicion timeout, ms: `mult × max(1, log10(n+1)) × intervalMs`.
 * Gossip needs O(log n) rounds to reach everyone, so the time a suspect gets to
 * hear of its suspicion and refute grows the same way.
 */
export function suspicionTimeout(mult: number, n: number, intervalMs: number): number {
  return mult * scale(n) * intervalMs
}

/**
 * What is left of a suspicion timeout after `elapsedMs`, ms (≤ 0: expired).
 * The timeout starts at `maxMs` and shrinks toward `minMs` as independent
 * confirmations arrive (Lifeguard):
 * `max(minMs, maxMs − (maxMs − minMs) × log(c+1) / log(expected+1))`, so the
 * first confirmations count most and `expected` of them reach `minMs`.
 * With `expected ≤ 0` (a fleet too small to expect any) the timeout is `minMs`.
 */
export function remainingSuspicionTime(
  confirmations: number,
  expected: number,
  elapsedMs: number,
  minMs: number,
  maxMs: number,
): number {
  let timeout = minMs
  if (expected > 0) {
    const fraction = Math.log(Math.max(0, confirmations) + 1) / Math.log(expected + 1)
    timeout = Math.max(minMs, maxMs - (maxMs - minMs) * fraction)
  }
  return timeout - elapsedMs
}

/**
 * How many times each node sends one piggybacked update:
 * `mult × ceil(log10(n+1))`, at least `mult` (a lone node still sends its news).
 * An epidemic reaches all n nodes in about log(n) rounds, so a constant
 * multiple of that survives loss with high probability.
 */
export function retransmitLimit(mult: number, n: number): number {
  return mult * Math.max(1, Math.ceil(Math.log10(Math.max(0, n) + 1)))
}
