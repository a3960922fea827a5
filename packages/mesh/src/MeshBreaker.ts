import { BreakerOpenError } from '@breaker-mesh/core'
import type { BreakerState, FleetBreaker } from '@breaker-mesh/core'

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

export interface MeshBreakerEvents {
  state: BreakerStateEvent
}

/**
 * A fleet-wide circuit breaker as an application uses it. Decisions are local
 * and synchronous (no network on the call path); state changes spread to the
 * fleet in the background.
 */
export class MeshBreaker {
  private readonly listeners = new Set<(event: BreakerStateEvent) => void>()
  private messageKey = ''
  private message = ''

  /** @internal built by `Mesh.breaker()` */
  constructor(
    private readonly handle: FleetBreaker,
    private readonly now: () => number,
  ) {}

  get name(): string {
    return this.handle.name
  }

  /** 'closed' | 'open' | 'half-open', with operator overrides applied. */
  get state(): BreakerState {
    return this.handle.state
  }

  /**
   * Run `fn` if the breaker permits a call, and record its outcome (a throw or
   * rejection is a failure; its duration feeds the slow-call rule). When the
   * breaker does not permit the call, rejects at once with `BreakerOpenError`
   * (`code: 'ERR_BREAKER_OPEN'`) without calling `fn`; that error carries no
   * stack trace (failing fast is the hot path of an open breaker).
   */
  execute<T>(fn: () => Promise<T> | T): Promise<T> {
    const started = this.now()
    if (!this.handle.tryAcquireAt(started)) return Promise.reject(this.rejection(started))
    return this.run(fn, started)
  }

  private async run<T>(fn: () => Promise<T> | T, started: number): Promise<T> {
    let result: T
    try {
      result = await fn()
    } catch (err) {
      const ended = this.now()
      this.handle.recordAt(false, ended - started, ended)
      throw err
    }
    const ended = this.now()
    this.handle.recordAt(true, ended - started, ended)
    return result
  }

  /** The error of a refused call; its message is reused while state and override stay the same. */
  private rejection(now: number): BreakerOpenError {
    const state = this.handle.state
    const override = this.handle.override
    const key = `${state} ${override}`
    if (key !== this.messageKey) {
      this.messageKey = key
      this.message = BreakerOpenError.describe({ breaker: this.handle.name, state, override })
    }
    return BreakerOpenError.withoutStack({
      breaker: this.handle.name,
      state,
      retryAfterMs: this.handle.retryAfterMs(now),
      override,
      message: this.message,
    })
  }

  /** For code that cannot wrap its call: ask first, then `record()` the outcome of every permitted call. */
  tryAcquire(): boolean {
    return this.handle.tryAcquire()
  }

  /** Outcome of a call that `tryAcquire()` permitted. */
  record(ok: boolean, durationMs: number): void {
    this.handle.record(ok, durationMs)
  }

  /** Subscribe to state changes (local or learned from the fleet); returns an unsubscribe function. */
  on<K extends keyof MeshBreakerEvents>(event: K, listener: (event: MeshBreakerEvents[K]) => void): () => void {
    if (event !== 'state') throw new RangeError(`unknown breaker event ${String(event)}; the only event is 'state'`)
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** @internal */
  emit(event: BreakerStateEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // a listener's bug must not break the mesh
      }
    }
  }
}
