import { BreakerOpenError, EventEmitter } from '@breaker-mesh/core'
import type { BreakerState, BreakerTimeoutError, Disposer, Event, FleetBreaker, Listener } from '@breaker-mesh/core'
import { resolveCallPolicy, resolveExecuteOptions } from './call/callOptions.js'
import type { CallContext, ExecuteOptions, MeshBreakerOptions, ResolvedCallPolicy } from './call/callOptions.js'
import { MESH_BREAKER_EVENTS } from './call/breakerEvents.js'
import type {
  BreakerStateEvent,
  CallFailureEvent,
  CallRejectEvent,
  CallSuccessEvent,
  CallTimeoutEvent,
  MeshBreakerEventName,
  MeshBreakerEvents,
} from './call/breakerEvents.js'
import { DeadlineQueue } from './call/DeadlineQueue.js'
import { DurationHistogram } from './call/DurationHistogram.js'
import type { DurationSnapshot } from './call/DurationHistogram.js'
import { GuardedCall, NEVER_ABORTED } from './call/GuardedCall.js'
import { RefusalCache, okResult } from './call/TryResult.js'
import { callFallback, judge } from './call/userCode.js'
import type { TryResult } from './call/TryResult.js'
import type { CallOwner } from './call/GuardedCall.js'

export type { BreakerStateEvent, MeshBreakerEvents }

/** The context of a call with no timeout and no caller signal: shared, its signal never aborts. */
const UNBOUNDED: CallContext = Object.freeze({ signal: NEVER_ABORTED })

/** Deadline queues (one per timeout duration) kept while idle before empty ones are dropped. */
const MAX_IDLE_QUEUES = 16

/** Per-breaker call counters beside the fleet node's, for metrics. */
export interface CallStats {
  /** Calls that hit their timeout (also counted as failures). */
  readonly timeouts: number
  /** Calls let through uncounted: `isFailure` said no, or the caller aborted. */
  readonly ignored: number
  readonly durations: DurationSnapshot
}

/**
 * A fleet-wide circuit breaker as an application uses it. Decisions are local
 * and synchronous (no network on the call path); state changes spread to the
 * fleet in the background.
 *
 * It is also a cockatiel policy (`IPolicy`): `wrap(retry, meshBreaker, timeout)`
 * works, with `Alt` the type its breaker-level fallback returns.
 */
export class MeshBreaker<Alt = never> implements CallOwner {
  /** cockatiel's type-only marker of what a fallback adds to the result type; never set. */
  declare readonly _altReturn: Alt

  private readonly stateEvents: EventEmitter<BreakerStateEvent>
  private readonly successEvents: EventEmitter<CallSuccessEvent>
  private readonly failureEvents: EventEmitter<CallFailureEvent>
  private readonly rejectEvents: EventEmitter<CallRejectEvent>
  private readonly timeoutEvents: EventEmitter<CallTimeoutEvent>
  /** Successful calls, as cockatiel's `IPolicy.onSuccess`: same as `on('success', …)`. */
  readonly onSuccess: Event<CallSuccessEvent>
  /** Calls that did not succeed, as cockatiel's `IPolicy.onFailure`: same as `on('failure', …)`. */
  readonly onFailure: Event<CallFailureEvent>

  private readonly policy: ResolvedCallPolicy
  private readonly refusals: RefusalCache
  /** No timeout by default: execute() without options takes the short path. */
  private readonly plain: boolean
  /** The breaker has an `isResultFailure`. */
  private readonly classifiesResults: boolean
  private readonly durations = new DurationHistogram()
  /** One deadline queue (one timer) per timeout duration in use. */
  private readonly deadlines = new Map<number, DeadlineQueue>()
  private timeouts = 0
  private ignored = 0
  private messageKey = ''
  private message = ''
  /** The breaker's policy with HTTP statuses classified, for `fetch()`. */
  private readonly fetchPolicy: ResolvedCallPolicy

  /**
   * @internal built by `Mesh.breaker()`. `options` are the call-policy fields of
   * `MeshBreakerOptions` (validated: a bad one throws a RangeError naming it);
   * `onListenerError` gets what a listener throws.
   */
  constructor(
    private readonly handle: FleetBreaker,
    private readonly now: () => number,
    options?: MeshBreakerOptions<Alt>,
    onListenerError?: (error: unknown) => void,
  ) {
    this.policy = resolveCallPolicy(options)
    this.refusals = new RefusalCache(handle.name)
    this.plain = this.policy.timeoutMs === 0
    this.classifiesResults = this.policy.isResultFailure !== undefined
    const isFailureStatus = this.policy.isFailureStatus
    this.fetchPolicy = { ...this.policy, isResultFailure: (response) => response instanceof Response && isFailureStatus(response.status) }
    this.stateEvents = new EventEmitter(onListenerError)
    this.successEvents = new EventEmitter(onListenerError)
    this.failureEvents = new EventEmitter(onListenerError)
    this.rejectEvents = new EventEmitter(onListenerError)
    this.timeoutEvents = new EventEmitter(onListenerError)
    this.onSuccess = this.successEvents.event
    this.onFailure = this.failureEvents.event
  }

  get name(): string {
    return this.handle.name
  }

  /** 'closed' | 'open' | 'half-open', with operator overrides applied. */
  get state(): BreakerState {
    return this.handle.state
  }

  /**
   * Run `fn` if the breaker permits a call, and record its outcome: a throw or
   * rejection is a failure unless `isFailure` says otherwise, a resolved value a
   * success unless `isResultFailure` says otherwise; the duration feeds the
   * slow-call rule. `fn` gets `{ signal }`, aborted on timeout or on the caller's abort.
   *
   * Refused: rejects at once with `BreakerOpenError` (`code: 'ERR_BREAKER_OPEN'`,
   * no stack trace: failing fast is the hot path of an open breaker) without
   * calling `fn` — or resolves with the fallback when there is one. Timed out:
   * counted as a failure, rejects with `BreakerTimeoutError`. The caller's abort
   * (`signal` option, or cockatiel's signal argument) is not counted.
   */
  execute<T, F = Alt>(fn: (context: CallContext) => PromiseLike<T> | T, options?: AbortSignal | ExecuteOptions<F>): Promise<T | F | Alt> {
    if (options === undefined && this.plain) {
      const started = this.now()
      if (!this.handle.tryAcquireAt(started)) return this.refuse(started, this.policy) as Promise<Alt>
      return this.runPlain(fn, started)
    }
    return this.executeWith(fn, options) as Promise<T | F | Alt>
  }

  /**
   * `execute()` without the throw, for callers that branch on a refusal on a
   * hot path: resolves `{ ok: true, value }` after a permitted call, or at
   * once `{ ok: false, refused: { breaker, state, override } }` when the
   * breaker refuses — no error object, no rejected promise, no fallback (a
   * shared frozen result). `fn`'s own failures reject as with `execute()`;
   * `options` are execute's, without `fallback`.
   */
  tryExecute<T>(fn: (context: CallContext) => PromiseLike<T> | T, options?: AbortSignal | Omit<ExecuteOptions<never>, 'fallback'>): Promise<TryResult<T>> {
    if (options === undefined && this.plain) {
      const started = this.now()
      if (!this.handle.tryAcquireAt(started)) return this.refusal(started)
      return this.runPlain(fn, started).then(okResult)
    }
    const policy = options === undefined || options instanceof AbortSignal ? this.policy : resolveExecuteOptions(this.policy, options)
    const signal = options instanceof AbortSignal ? options : options?.signal
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    const started = this.now()
    if (!this.handle.tryAcquireAt(started)) return this.refusal(started)
    return (this.runAcquired(fn, started, policy, signal) as Promise<T>).then(okResult)
  }

  /** A refusal for `tryExecute`: the `reject` event still fires (with its error built only when someone listens). */
  private refusal(now: number): Promise<TryResult<never>> {
    if (this.rejectEvents.active) {
      const error = this.rejection(now)
      this.rejectEvents.emit({ breaker: this.name, state: error.state, error })
    }
    return this.refusals.get(this.handle.state, this.handle.override)
  }

  /**
   * `fetch(input, init)` through the breaker. Counts as failures a network error,
   * a timeout (`timeoutMs`) and a status for which `isFailureStatus` is true
   * (default ≥ 500 or 429); a 404 is a success. Returns the `Response` unchanged
   * (read or cancel its body as usual). `init.signal` is the caller's: its abort is not counted.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response | Alt> {
    const callerSignal = init?.signal ?? undefined
    const call = ({ signal }: CallContext): Promise<Response> =>
      signal === NEVER_ABORTED || signal === callerSignal ? fetch(input, init) : fetch(input, { ...init, signal })
    return this.executeResolved(call, this.fetchPolicy, callerSignal) as Promise<Response | Alt>
  }

  private executeWith(fn: (context: CallContext) => unknown, options: AbortSignal | ExecuteOptions<unknown> | undefined): Promise<unknown> {
    let policy = this.policy
    let signal: AbortSignal | undefined
    // cockatiel's calling convention: execute(fn, signal).
    if (options instanceof AbortSignal) signal = options
    else if (options !== undefined) {
      policy = resolveExecuteOptions(this.policy, options)
      signal = options.signal
    }
    return this.executeResolved(fn, policy, signal)
  }

  private executeResolved(fn: (context: CallContext) => unknown, policy: ResolvedCallPolicy, signal: AbortSignal | undefined): Promise<unknown> {
    // Aborted before it started: nothing reached the dependency, nothing to count.
    if (signal?.aborted === true) return Promise.reject(signal.reason)
    const started = this.now()
    if (!this.handle.tryAcquireAt(started)) return this.refuse(started, policy)
    return this.runAcquired(fn, started, policy, signal)
  }

  /** Run a call that has its permit. */
  private runAcquired(fn: (context: CallContext) => unknown, started: number, policy: ResolvedCallPolicy, signal: AbortSignal | undefined): Promise<unknown> {
    if (policy.timeoutMs > 0) return new GuardedCall(this, fn, started, policy, signal, this.deadlineQueue(policy.timeoutMs)).promise
    return this.run(fn, started, signal === undefined ? UNBOUNDED : { signal }, policy)
  }

  /** The hot path: no options, no timeout. The success branch is spelled out (no call into settleValue). */
  private async runPlain<T>(fn: (context: CallContext) => PromiseLike<T> | T, started: number): Promise<T> {
    let result: T
    try {
      result = await fn(UNBOUNDED)
    } catch (error) {
      return this.settleError(error, started, NEVER_ABORTED, this.policy) as T
    }
    if (this.classifiesResults) return this.settleValue(result, started, NEVER_ABORTED, this.policy) as T
    const ended = this.now()
    const duration = ended - started
    this.handle.recordAt(true, duration, ended)
    this.durations.observe(duration)
    if (this.successEvents.active) this.successEvents.emit({ breaker: this.handle.name, duration })
    return result
  }

  private deadlineQueue(timeoutMs: number): DeadlineQueue {
    let queue = this.deadlines.get(timeoutMs)
    if (queue === undefined) {
      // Per-call timeouts may all differ (a remaining request budget): keep the idle queues bounded.
      if (this.deadlines.size >= MAX_IDLE_QUEUES) for (const [ms, q] of this.deadlines) if (q.size === 0) this.deadlines.delete(ms)
      queue = new DeadlineQueue(this.now)
      this.deadlines.set(timeoutMs, queue)
    }
    return queue
  }

  private async run<T>(fn: (context: CallContext) => PromiseLike<T> | T, started: number, context: CallContext, policy: ResolvedCallPolicy): Promise<T> {
    let result: T
    try {
      result = await fn(context)
    } catch (error) {
      return this.settleError(error, started, context.signal, policy) as T
    }
    return this.settleValue(result, started, context.signal, policy) as T
  }

  /** @internal the call resolved: count it; returns the value, or a fallback for a failed result. */
  settleValue(result: unknown, started: number, _signal: AbortSignal, policy: ResolvedCallPolicy): unknown {
    const ended = this.now()
    const duration = ended - started
    this.durations.observe(duration)
    const classify = policy.isResultFailure
    if (classify !== undefined && judge(classify, result, true)) {
      this.handle.recordAt(false, duration, ended)
      if (this.failureEvents.active) this.failureEvents.emit({ breaker: this.name, duration, handled: true, reason: { value: result } })
      if (policy.fallbackOnFailure && policy.fallback !== undefined) {
        return policy.fallback(undefined, { breaker: this.name, cause: 'failure', result })
      }
      return result
    }
    this.handle.recordAt(true, duration, ended)
    if (this.successEvents.active) this.successEvents.emit({ breaker: this.name, duration })
    return result
  }

  /** @internal the call failed: count it unless the caller aborted or `isFailure` says no; throws or returns a fallback. */
  settleError(error: unknown, started: number, signal: AbortSignal, policy: ResolvedCallPolicy): unknown {
    const ended = this.now()
    const duration = ended - started
    this.durations.observe(duration)
    const classify = policy.isFailure
    const counted = !signal.aborted && (classify === undefined || judge(classify, error, true))
    if (!counted) {
      this.ignore()
      if (this.failureEvents.active) this.failureEvents.emit({ breaker: this.name, duration, handled: false, reason: { error: error as Error } })
      throw error
    }
    this.handle.recordAt(false, duration, ended)
    if (this.failureEvents.active) this.failureEvents.emit({ breaker: this.name, duration, handled: true, reason: { error: error as Error } })
    if (policy.fallbackOnFailure && policy.fallback !== undefined) return policy.fallback(error, { breaker: this.name, cause: 'failure' })
    throw error
  }

  /** @internal the timeout expired first: a failure. */
  settleTimeout(error: BreakerTimeoutError, started: number, policy: ResolvedCallPolicy): unknown {
    const ended = this.now()
    const duration = ended - started
    this.durations.observe(duration)
    this.timeouts++
    this.handle.recordAt(false, duration, ended)
    if (this.timeoutEvents.active) this.timeoutEvents.emit({ breaker: this.name, timeoutMs: error.timeoutMs, error })
    if (this.failureEvents.active) this.failureEvents.emit({ breaker: this.name, duration, handled: true, reason: { error: error as Error } })
    if (policy.fallbackOnFailure && policy.fallback !== undefined) return policy.fallback(error, { breaker: this.name, cause: 'timeout' })
    throw error
  }

  /** @internal the caller aborted first: not the dependency's fault. */
  settleCallerAbort(reason: unknown, started: number): void {
    const duration = this.now() - started
    this.durations.observe(duration)
    this.ignore()
    if (this.failureEvents.active) this.failureEvents.emit({ breaker: this.name, duration, handled: false, reason: { error: reason as Error } })
  }

  private ignore(): void {
    this.ignored++
    this.handle.local.release()
  }

  /** A refused call: `BreakerOpenError`, or the fallback's answer. */
  private refuse(now: number, policy: ResolvedCallPolicy): Promise<unknown> {
    const error = this.rejection(now)
    if (this.rejectEvents.active) this.rejectEvents.emit({ breaker: this.name, state: error.state, error })
    const fallback = policy.fallback
    if (fallback === undefined) return Promise.reject(error)
    return callFallback(fallback, error, { breaker: this.name, cause: 'rejected' })
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

  /** Outcome of a call that `tryAcquire()` permitted; `durationMs` in ms. */
  record(ok: boolean, durationMs: number): void {
    this.durations.observe(durationMs)
    this.handle.record(ok, durationMs)
  }

  /** Instead of `record()`: the permitted call's outcome says nothing about the dependency (count nothing, give the permit back). */
  release(): void {
    this.ignore()
  }

  /**
   * Subscribe to an event: `'state'` (fleet-wide state changes, local or learned),
   * `'success'`, `'failure'`, `'reject'`, `'timeout'` (per call). Returns a disposer
   * (call it, or its `dispose()`). With no listener an event costs nothing.
   */
  on<K extends MeshBreakerEventName>(event: K, listener: Listener<MeshBreakerEvents[K]>): Disposer {
    return this.emitter(event).add(listener)
  }

  /** Like `on`, for the next occurrence only. */
  once<K extends MeshBreakerEventName>(event: K, listener: Listener<MeshBreakerEvents[K]>): Disposer {
    return this.emitter(event).once(listener)
  }

  private emitter<K extends MeshBreakerEventName>(event: K): EventEmitter<MeshBreakerEvents[K]> {
    const emitters: { [E in MeshBreakerEventName]: EventEmitter<MeshBreakerEvents[E]> } = {
      state: this.stateEvents,
      success: this.successEvents,
      failure: this.failureEvents,
      reject: this.rejectEvents,
      timeout: this.timeoutEvents,
    }
    const emitter = Object.hasOwn(emitters, event) ? emitters[event] : undefined
    if (emitter === undefined) {
      throw new RangeError(`event must be one of ${MESH_BREAKER_EVENTS.map((e) => `'${e}'`).join(', ')}, got ${JSON.stringify(event)}`)
    }
    return emitter
  }

  /** @internal a state change (from `Mesh`). */
  emit(event: BreakerStateEvent): void {
    this.stateEvents.emit(event)
  }

  /** @internal counters for metrics. */
  callStats(): CallStats {
    return { timeouts: this.timeouts, ignored: this.ignored, durations: this.durations.snapshot() }
  }

  /** @internal the fleet breaker handle, for adapters (`syncOpossum`). */
  get fleetHandle(): FleetBreaker {
    return this.handle
  }
}
