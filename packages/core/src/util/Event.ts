/**
 * Typed events with no cost when nobody listens, in the style of cockatiel's
 * `common/Event.ts`: an `Event<T>` is a function that subscribes a listener and
 * returns its disposer.
 *
 *   const changed = new EventEmitter<number>()
 *   const off = changed.event((n) => console.log(n))
 *   if (changed.active) changed.emit(42)   // build the payload only when someone listens
 *   off()                                  // or off.dispose()
 *
 * A disposer is a function that also has `dispose()`, so it serves both as an
 * unsubscribe callback and as cockatiel's `IDisposable`. Listeners are kept in
 * an array replaced on every change (copy on write): `emit` walks the array it
 * started with, so a listener that unsubscribes itself or others mid-emit is
 * safe, and an emit with no listener is one length check. A listener that
 * throws does not stop the others; its error goes to the emitter's
 * `onListenerError` (ignored when none was given).
 */

/** Stops one subscription. Calling it again does nothing. `dispose()` does the same (cockatiel's `IDisposable`). */
export interface Disposer {
  (): void
  dispose(): void
}

/** A function receiving one event's data. */
export type Listener<T> = (data: T) => void

/** Subscribe `listener`; returns its disposer. */
export type Event<T> = (listener: Listener<T>) => Disposer

const NONE: readonly never[] = Object.freeze([])

/** A disposer that does nothing (for a subscription that is already over). */
export const noopDisposer: Disposer = makeDisposer(() => undefined)

function makeDisposer(stop: () => void): Disposer {
  const disposer = (): void => stop()
  disposer.dispose = disposer
  return disposer
}

/** One typed event: listeners, `emit`, and `event` to hand out to subscribers. */
export class EventEmitter<T> {
  private listeners: readonly Listener<T>[] = NONE

  /** @param onListenerError receives what a listener threw (the emit goes on with the next listener). */
  constructor(private readonly onListenerError?: (error: unknown) => void) {}

  /** Subscribe; the same function may be subscribed twice (it is then called twice). */
  readonly event: Event<T> = (listener) => this.add(listener)

  /** Number of subscriptions. */
  get size(): number {
    return this.listeners.length
  }

  /** True when at least one listener is subscribed: test it before building a payload on a hot path. */
  get active(): boolean {
    return this.listeners.length > 0
  }

  /** Subscribe `listener`; returns its disposer. */
  add(listener: Listener<T>): Disposer {
    if (typeof listener !== 'function') throw new TypeError(`listener must be a function, got ${typeof listener}`)
    this.listeners = [...this.listeners, listener]
    let subscribed = true
    return makeDisposer(() => {
      if (!subscribed) return
      subscribed = false
      const i = this.listeners.indexOf(listener)
      if (i < 0) return
      const next = this.listeners.slice()
      next.splice(i, 1)
      this.listeners = next.length === 0 ? NONE : next
    })
  }

  /** Subscribe `listener` for the next emit only; the disposer cancels it before then. */
  once(listener: Listener<T>): Disposer {
    if (typeof listener !== 'function') throw new TypeError(`listener must be a function, got ${typeof listener}`)
    const disposer = this.add((data) => {
      disposer()
      listener(data)
    })
    return disposer
  }

  /** Call every listener with `data`, in subscription order. */
  emit(data: T): void {
    const listeners = this.listeners
    for (let i = 0; i < listeners.length; i++) {
      try {
        ;(listeners[i] as Listener<T>)(data)
      } catch (error) {
        this.reportError(error)
      }
    }
  }

  /** Drop every subscription. */
  clear(): void {
    this.listeners = NONE
  }

  private reportError(error: unknown): void {
    try {
      this.onListenerError?.(error)
    } catch {
      // The error handler failed too: nothing left to tell.
    }
  }
}

/** Subscribe to the next occurrence of any `Event<T>` only. */
export function onceEvent<T>(event: Event<T>, listener: Listener<T>): Disposer {
  let fired = false
  let disposer: Disposer | undefined
  disposer = event((data) => {
    if (fired) return
    fired = true
    disposer?.()
    listener(data)
  })
  // An event that fired during subscription (a replaying event) is over already.
  if (fired) disposer()
  return disposer
}
