/**
 * What a breaker's listeners receive. `success` and `failure` have the shape of
 * cockatiel's `ISuccessEvent` / `IFailureEvent` (plus the breaker name), so a
 * `MeshBreaker` serves as a cockatiel policy.
 */
import type { BreakerOpenError, BreakerState, BreakerTimeoutError } from '@breaker-mesh/core'

/** What a `'state'` listener receives. */
export interface BreakerStateEvent {
  name: string
  state: BreakerState
  previous: BreakerState
  /** Why, e.g. "failure rate 63% over 41 calls on n3" */
  reason: string
  /** Node id that wrote the version */
  origin: string
  /** true if this node made the change, false if it learned it from a peer */
  local: boolean
}

/** A call that counted as a success. */
export interface CallSuccessEvent {
  readonly breaker: string
  /** How long the call took, ms. */
  readonly duration: number
}

/** A call that did not succeed. */
export interface CallFailureEvent {
  readonly breaker: string
  /** How long the call took until it failed (or timed out, or the caller aborted), ms. */
  readonly duration: number
  /**
   * true: counted as a failure of the dependency (an error, a failed result, a
   * timeout); false: let through uncounted (`isFailure` said no, or the caller aborted).
   */
  readonly handled: boolean
  /**
   * The error, or the resolved value `isResultFailure` called a failure. Typed
   * `Error` as in cockatiel's `IFailureEvent`; a thrown non-Error value arrives as it was thrown.
   */
  readonly reason: { readonly error: Error } | { readonly value: unknown }
}

/** A call the breaker refused without calling `fn`. */
export interface CallRejectEvent {
  readonly breaker: string
  /** Effective state that refused it ('open', or 'half-open' with the trial calls taken). */
  readonly state: BreakerState
  readonly error: BreakerOpenError
}

/** A call that hit its timeout (a `failure` event follows). */
export interface CallTimeoutEvent {
  readonly breaker: string
  readonly timeoutMs: number
  readonly error: BreakerTimeoutError
}

/** Every event of a `MeshBreaker`, by name. */
export interface MeshBreakerEvents {
  /** The fleet-wide state changed (a local trip or a change learned from a peer). */
  state: BreakerStateEvent
  success: CallSuccessEvent
  failure: CallFailureEvent
  reject: CallRejectEvent
  timeout: CallTimeoutEvent
}

export type MeshBreakerEventName = keyof MeshBreakerEvents

export const MESH_BREAKER_EVENTS: readonly MeshBreakerEventName[] = ['state', 'success', 'failure', 'reject', 'timeout']
