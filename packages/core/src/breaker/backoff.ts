import type { ResolvedBreakerOptions } from './BreakerOptions.js'

/**
 * Cooldown of the `openCount`-th consecutive open, in ms:
 * `min(cooldownMs × backoffMultiplier^(openCount − 1), maxCooldownMs)`.
 * `openCount` below 1 is treated as 1.
 */
export function cooldownFor(
  openCount: number,
  options: Pick<ResolvedBreakerOptions, 'cooldownMs' | 'maxCooldownMs' | 'backoffMultiplier'>,
): number {
  const exponent = Math.max(0, Math.floor(openCount) - 1)
  const raw = options.cooldownMs * Math.pow(options.backoffMultiplier, exponent)
  // Infinity or NaN (huge exponent) both land on the cap.
  return raw < options.maxCooldownMs ? raw : options.maxCooldownMs
}
