/**
 * The option checks every part of breaker-mesh uses, so that a bad value
 * reads the same wherever it is caught: a `RangeError` that names the field
 * and quotes the value. Each returns the value it accepted (typed), or the
 * fallback when the value is `undefined`.
 */

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value)
  try {
    return JSON.stringify(value) ?? typeof value
  } catch {
    return typeof value
  }
}

/**
 * The error for a value that breaks a rule the checks below do not cover (a
 * relation between two fields, "… or false"): the same wording,
 * `<field> must be <expected>, got <value>`.
 */
export function invalid(field: string, expected: string, value: unknown): RangeError {
  return new RangeError(`${field} must be ${expected}, got ${show(value)}`)
}

/** An integer in `min..max` (inclusive). */
export function integerIn(field: string, value: unknown, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${field} must be an integer in ${min}..${max}, got ${show(value)}`)
  }
  return value
}

/** A finite number in `min..max` (inclusive). */
export function numberIn(field: string, value: unknown, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RangeError(`${field} must be a number in ${min}..${max}, got ${show(value)}`)
  }
  return value
}

/** An integer of at least `min` (a safe integer: no upper bound but 2^53 − 1). */
export function integerAtLeast(field: string, value: unknown, min: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) throw invalid(field, `an integer ≥ ${min}`, value)
  return value
}

/** A finite number of at least `min`. */
export function numberAtLeast(field: string, value: unknown, min: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) throw invalid(field, `a finite number ≥ ${min}`, value)
  return value
}

/** A finite number above `low` (exclusive) and at most `high` (default: no bound but finiteness). */
export function numberOver(field: string, value: unknown, low: number, high = Infinity, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= low || value > high) {
    throw invalid(field, high === Infinity ? `a finite number > ${low}` : `a number in (${low}, ${high}]`, value)
  }
  return value
}

/** `true` or `false`. */
export function booleanOption(field: string, value: unknown, fallback?: boolean): boolean {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'boolean') throw new RangeError(`${field} must be true or false, got ${show(value)}`)
  return value
}

/** One of `choices`. */
export function oneOf<T extends string>(field: string, value: unknown, choices: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new RangeError(`${field} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${show(value)}`)
  }
  return value as T
}

/** A string of `min..max` characters. */
export function stringOf(field: string, value: unknown, min: number, max: number, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'string' || value.length < min || value.length > max) {
    throw new RangeError(`${field} must be a string of ${min}..${max} characters, got ${show(value)}`)
  }
  return value
}

/** A function. */
export function functionOption<F extends (...args: never[]) => unknown>(field: string, value: unknown): F | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'function') throw new RangeError(`${field} must be a function, got ${show(value)}`)
  return value as F
}

/** The characters and length of a fleet name: 1..64 of letters, digits and `. _ -`. */
export const FLEET_NAME = /^[A-Za-z0-9._-]{1,64}$/

/** A fleet name (it is part of every protocol id and the gossip topic). */
export function fleetName(field: string, value: unknown, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback
  if (typeof value !== 'string' || !FLEET_NAME.test(value)) {
    throw new RangeError(`${field} must be 1..64 characters of [A-Za-z0-9._-], got ${show(value)}`)
  }
  return value
}
