import type { BreakerState, Override } from '@breaker-mesh/core'

/** Why `tryExecute` did not run the call: the breaker refused it. */
export interface Refusal {
  readonly breaker: string
  /** The breaker's state when it refused (overrides applied). */
  readonly state: BreakerState
  /** The operator override in force, if any. */
  readonly override: Override
}

/**
 * What `MeshBreaker.tryExecute` resolves to: the call's value, or the
 * breaker's refusal. The refusal is a shared frozen object (one per breaker,
 * state and override), resolved from a shared promise, so refusing costs no
 * allocation.
 */
export type TryResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly refused: Refusal }

/** Shared, already-resolved refusals of one breaker, by state and override. */
export class RefusalCache {
  readonly #byKey = new Map<string, Promise<TryResult<never>>>()
  // The last one handed out: an open breaker refuses in one state for its whole cooldown.
  #lastState: BreakerState | undefined
  #lastOverride: Override = null
  #last: Promise<TryResult<never>> | undefined

  constructor(private readonly breaker: string) {}

  get(state: BreakerState, override: Override): Promise<TryResult<never>> {
    if (state === this.#lastState && override === this.#lastOverride && this.#last !== undefined) return this.#last
    const key = `${state} ${override}`
    let cached = this.#byKey.get(key)
    if (cached === undefined) {
      const refused: Refusal = Object.freeze({ breaker: this.breaker, state, override })
      cached = Promise.resolve(Object.freeze({ ok: false as const, refused }))
      this.#byKey.set(key, cached)
    }
    this.#lastState = state
    this.#lastOverride = override
    this.#last = cached
    return cached
  }
}

/** `{ ok: true, value }` for a permitted call's value. */
export function okResult<T>(value: T): TryResult<T> {
  return { ok: true, value }
}
