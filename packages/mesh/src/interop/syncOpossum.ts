/**
 * Tie an existing opossum `CircuitBreaker` to a fleet-wide breaker, so an
 * application keeps every `circuit.fire()` call site and gains the fleet:
 *
 * - the circuit opening here (its own error threshold, or `circuit.open()`)
 *   opens the fleet breaker, and every other node's synced circuit with it;
 * - a manual `circuit.close()` closes the fleet breaker;
 * - the fleet's state drives `circuit.open()` / `circuit.close()` (operator
 *   overrides included);
 * - the fleet-wide half-open budget holds: when the circuit's `resetTimeout`
 *   lets it go half-open, it keeps the trial call only if this node wins the
 *   fleet's probe claim; otherwise it is re-opened at once. The trial's outcome
 *   (the circuit closing or re-opening) decides for the whole fleet.
 *
 * opossum decides when to trip (its own rolling statistics); the fleet breaker
 * spreads that decision and runs the single probe. Nothing of opossum is
 * imported: any object with opossum's state getters, `open()`, `close()` and
 * events fits.
 */
import type { Disposer } from '@breaker-mesh/core'
import type { Mesh } from '../Mesh.js'
import type { MeshBreakerOptions } from '../call/callOptions.js'

/** What `syncOpossum` uses of an opossum `CircuitBreaker` (opossum 6 to 9). */
export interface OpossumCircuit {
  readonly name: string
  readonly opened: boolean
  readonly closed: boolean
  readonly halfOpen: boolean
  open(): void
  close(): void
  on(event: 'open' | 'close' | 'halfOpen' | 'shutdown', listener: () => void): unknown
  removeListener(event: 'open' | 'close' | 'halfOpen' | 'shutdown', listener: () => void): unknown
  /** opossum's options; `resetTimeout` becomes the fleet breaker's default `cooldownMs`. */
  readonly options?: { readonly resetTimeout?: number }
}

/**
 * Sync `circuit` with the fleet breaker `name` (default: the circuit's name)
 * of `mesh`. `options` create the fleet breaker if it does not exist yet
 * (default `cooldownMs`: the circuit's `resetTimeout`, less up to 20 ms); its `halfOpenMaxCalls`
 * must be 1, as opossum lets one trial call through. Returns a disposer that
 * unties them (the circuit's `shutdown()` does too).
 */
export function syncOpossum(mesh: Mesh, circuit: OpossumCircuit, name: string = circuit?.name, options?: MeshBreakerOptions): Disposer {
  assertCircuit(circuit)
  const resetTimeout = circuit.options?.resetTimeout
  // A little under resetTimeout: opossum's timer may fire a millisecond early, and must find the fleet's cooldown over.
  const defaults = typeof resetTimeout === 'number' && resetTimeout > 0 ? { cooldownMs: Math.max(1, resetTimeout - Math.min(20, resetTimeout / 10)) } : {}
  const breaker = mesh.breaker(name, { ...defaults, ...options })
  const handle = breaker.fleetHandle
  if (handle.local.options.halfOpenMaxCalls !== 1) {
    throw new RangeError(
      `halfOpenMaxCalls of breaker ${JSON.stringify(name)} must be 1 to sync an opossum circuit (it lets one trial call through), got ${handle.local.options.halfOpenMaxCalls}`,
    )
  }
  const label = `opossum circuit ${JSON.stringify(circuit.name)}`
  /** True while this code drives the circuit: its events then are echoes, not news. */
  let driving = false
  /** When this node took the fleet's trial permit for the circuit's half-open call (monotonic ms). */
  let trialSince: number | undefined

  const drive = (change: () => void): void => {
    driving = true
    try {
      change()
    } finally {
      driving = false
    }
  }

  /** Make the circuit match the fleet breaker. */
  const follow = (): void => {
    const state = handle.state
    if (state === 'closed') {
      trialSince = undefined
      if (!circuit.closed) drive(() => circuit.close())
    } else if (state === 'half-open' && trialSince !== undefined) {
      // This node runs the fleet's probe: the circuit stays half-open for its trial call.
    } else {
      trialSince = undefined
      if (!circuit.opened) drive(() => circuit.open())
    }
  }

  /** The trial call's outcome (the circuit closed or re-opened) goes to the fleet. */
  const settleTrial = (ok: boolean): boolean => {
    if (trialSince === undefined) return false
    const now = performance.now()
    const duration = now - trialSince
    trialSince = undefined
    handle.recordAt(ok, duration, now)
    follow()
    return true
  }

  const onOpen = (): void => {
    if (driving || settleTrial(false)) return
    if (handle.override === 'forced-closed') return drive(() => circuit.close())
    handle.local.tripNow(`${label} opened`, performance.now())
  }

  const onClose = (): void => {
    if (driving || settleTrial(true)) return
    if (handle.override === 'forced-open') return drive(() => circuit.open())
    if (handle.override === null && handle.state !== 'closed') mesh.reset(name, `${label} closed`)
  }

  const onHalfOpen = (): void => {
    if (driving) return
    if (handle.state === 'closed') return drive(() => circuit.close())
    const now = performance.now()
    // Set first: claiming emits a state change, and follow() must see this node as the prober.
    trialSince = now
    if (handle.tryAcquireAt(now) && handle.state === 'half-open') return
    trialSince = undefined
    // Another node probes, or the fleet's cooldown has not elapsed: wait another resetTimeout.
    drive(() => circuit.open())
  }

  const offState = breaker.on('state', follow)
  let active = true
  const dispose = (): void => {
    if (!active) return
    active = false
    offState()
    circuit.removeListener('open', onOpen)
    circuit.removeListener('close', onClose)
    circuit.removeListener('halfOpen', onHalfOpen)
    circuit.removeListener('shutdown', dispose)
  }
  circuit.on('open', onOpen)
  circuit.on('close', onClose)
  circuit.on('halfOpen', onHalfOpen)
  circuit.on('shutdown', dispose)

  // Start: an open circuit opens a closed fleet breaker; otherwise the fleet's state wins.
  if (circuit.opened && handle.state === 'closed' && handle.override === null) handle.local.tripNow(`${label} was open`, performance.now())
  else follow()

  const disposer = dispose as Disposer
  disposer.dispose = dispose
  return disposer
}

function assertCircuit(circuit: unknown): asserts circuit is OpossumCircuit {
  const c = circuit as Record<string, unknown> | null
  const ok =
    typeof c === 'object' &&
    c !== null &&
    typeof c.open === 'function' &&
    typeof c.close === 'function' &&
    typeof c.on === 'function' &&
    typeof c.removeListener === 'function' &&
    typeof c.opened === 'boolean'
  if (!ok) throw new TypeError('syncOpossum needs an opossum CircuitBreaker (open(), close(), on(), removeListener(), opened)')
}
