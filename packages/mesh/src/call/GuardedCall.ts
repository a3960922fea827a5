/**
 * One call with a timeout: the caller's promise settles at the first of the
 * call's own outcome, the timeout, or the caller's abort; whatever comes later
 * is ignored (it was already counted, or deliberately not). The call's
 * `AbortController` is created only if `fn` reads `signal`, and its deadline
 * waits in the breaker's `DeadlineQueue` (one timer per timeout duration).
 */
import { BreakerTimeoutError } from '@breaker-mesh/core'
import type { CallContext, ResolvedCallPolicy } from './callOptions.js'
import type { Deadline, DeadlineQueue } from './DeadlineQueue.js'

/** A signal that never aborts: the context of a call with no timeout and no caller signal. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal

/** What a guarded call needs of its breaker (`MeshBreaker` implements it). */
export interface CallOwner {
  readonly name: string
  /** The call resolved in time: count it, return the value (or a fallback), or throw. */
  settleValue(result: unknown, started: number, signal: AbortSignal, policy: ResolvedCallPolicy): unknown
  /** The call failed in time: count it (or not), then throw or return a fallback. */
  settleError(error: unknown, started: number, signal: AbortSignal, policy: ResolvedCallPolicy): unknown
  /** The timeout expired first: count a failure, then throw `error` or return a fallback. */
  settleTimeout(error: BreakerTimeoutError, started: number, policy: ResolvedCallPolicy): unknown
  /** The caller aborted first: give the permit back, count nothing. */
  settleCallerAbort(reason: unknown, started: number): void
}

export class GuardedCall implements Deadline {
  readonly promise: Promise<unknown>
  readonly deadline: number
  done = false
  private resolve!: (value: unknown) => void
  private reject!: (reason: unknown) => void
  private controller: AbortController | undefined
  private abortReason: unknown
  private readonly onCallerAbort: (() => void) | undefined

  constructor(
    private readonly owner: CallOwner,
    fn: (context: CallContext) => unknown,
    private readonly started: number,
    private readonly policy: ResolvedCallPolicy,
    private readonly callerSignal: AbortSignal | undefined,
    private readonly queue: DeadlineQueue,
  ) {
    this.deadline = started + policy.timeoutMs
    this.promise = new Promise((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    const context: CallContext = new LazyContext(this)
    // Referenced while in flight: a caller awaiting the call is waiting for this deadline.
    queue.add(this)
    if (callerSignal !== undefined) {
      this.onCallerAbort = () => this.abortedByCaller()
      callerSignal.addEventListener('abort', this.onCallerAbort, { once: true })
    }
    let pending: unknown
    try {
      pending = fn(context)
    } catch (error) {
      pending = Promise.reject(error)
    }
    const thenable = pending instanceof Promise ? pending : Promise.resolve(pending)
    thenable.then(
      (value) => this.completed(true, value),
      (error: unknown) => this.completed(false, error),
    )
  }

  /** @internal the call's signal, made on first use. */
  signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController()
      // Read after the call was settled by a timeout or an abort: born aborted.
      if (this.done && this.abortReason !== undefined) this.controller.abort(this.abortReason)
    }
    return this.controller.signal
  }

  private completed(ok: boolean, outcome: unknown): void {
    if (this.done) return // a late outcome of a call that timed out or was abandoned
    this.finish(undefined)
    const signal = this.callerSignal ?? NEVER_ABORTED
    this.settle(() =>
      ok
        ? this.owner.settleValue(outcome, this.started, signal, this.policy)
        : this.owner.settleError(outcome, this.started, signal, this.policy),
    )
  }

  /** @internal the deadline passed (called by the queue). */
  expire(): void {
    if (this.done) return
    const error = new BreakerTimeoutError({ breaker: this.owner.name, timeoutMs: this.policy.timeoutMs })
    this.finish(error)
    this.settle(() => this.owner.settleTimeout(error, this.started, this.policy))
  }

  private abortedByCaller(): void {
    if (this.done) return
    const reason: unknown = this.callerSignal?.reason
    this.finish(reason)
    this.owner.settleCallerAbort(reason, this.started)
    this.reject(reason)
  }

  /** Leave the deadline queue, stop listening to the caller; abort the call's signal with `reason` if given. */
  private finish(reason: unknown): void {
    this.done = true
    this.queue.settled()
    if (this.onCallerAbort !== undefined) this.callerSignal?.removeEventListener('abort', this.onCallerAbort)
    if (reason !== undefined) {
      this.abortReason = reason
      this.controller?.abort(reason)
    }
  }

  private settle(outcome: () => unknown): void {
    try {
      this.resolve(outcome())
    } catch (error) {
      this.reject(error)
    }
  }
}

/**
 * The context of a timed call: `signal` is made on first read (an AbortSignal
 * costs microseconds). It is an own enumerable accessor, because cockatiel's
 * wrap() spreads contexts (`{ ...context, ...next }`), which copies own
 * properties only; defined with a shared descriptor it costs ~0.1 µs, where an
 * object literal with a getter costs ~0.2-0.6 µs.
 */
class LazyContext implements CallContext {
  declare readonly signal: AbortSignal
  readonly #call: GuardedCall

  constructor(call: GuardedCall) {
    this.#call = call
    Object.defineProperty(this, 'signal', SIGNAL_PROPERTY)
  }

  static readSignal(this: LazyContext): AbortSignal {
    return this.#call.signal()
  }
}

const SIGNAL_PROPERTY: PropertyDescriptor = { get: LazyContext.readSignal, enumerable: true, configurable: false }
