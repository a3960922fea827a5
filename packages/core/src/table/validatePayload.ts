import type { RecordPayload } from './BreakerRecord.js'
import { MAX_OPEN_COUNT, MAX_REASON_LENGTH } from './BreakerRecord.js'

const STATES: ReadonlySet<unknown> = new Set(['closed', 'open', 'half-open'])
const OVERRIDES: ReadonlySet<unknown> = new Set([null, 'forced-open', 'forced-closed'])

/** Throw a `RangeError` naming the field for a payload no peer would accept. */
export function validatePayload(p: RecordPayload, wallTime: number): void {
  const fail = (field: string, value: unknown, rule: string): never => {
    throw new RangeError(`BreakerTable.write: ${field} must be ${rule}, got ${JSON.stringify(value) ?? String(value)}`)
  }
  if (!STATES.has(p.state)) fail('state', p.state, "'closed', 'open' or 'half-open'")
  if (!OVERRIDES.has(p.override)) fail('override', p.override, "null, 'forced-open' or 'forced-closed'")
  if (!(p.cooldownMs >= 0) || !Number.isFinite(p.cooldownMs)) fail('cooldownMs', p.cooldownMs, 'a finite number >= 0')
  if (!Number.isSafeInteger(p.openCount) || p.openCount < 0 || p.openCount > MAX_OPEN_COUNT) {
    fail('openCount', p.openCount, `an integer in 0..${MAX_OPEN_COUNT}`)
  }
  if (p.prober !== null && (typeof p.prober !== 'string' || p.prober.length === 0)) {
    fail('prober', p.prober, 'null or a node id')
  }
  if (typeof p.reason !== 'string' || p.reason.length > MAX_REASON_LENGTH) {
    fail('reason', p.reason, `a string of at most ${MAX_REASON_LENGTH} characters`)
  }
  if (!Number.isFinite(wallTime)) fail('wallTime', wallTime, 'a finite number (ms since the epoch)')
}
