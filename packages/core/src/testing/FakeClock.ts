import type { Clock } from '../clock/Clock.js'

/** A timer handle of `FakeClock`. */
export type FakeTimer = number

interface Timer {
  readonly id: FakeTimer
  readonly at: number
  readonly fn: () => void
}

/**
 * A monotonic clock that moves only when told: `advance(ms)` runs the due
 * timers in time order (ties in scheduling order), including timers scheduled
 * by timers during the advance, and leaves `now()` at the target. Drives
 * whole simulated fleets without a single real sleep.
 */
export class FakeClock implements Clock {
  private current: number
  private nextId = 1
  /** Binary min-heap on (at, id). Cancelled timers stay in it and are skipped when popped. */
  private readonly heap: Timer[] = []
  private readonly active = new Set<FakeTimer>()
  private advancing = false

  constructor(start = 0) {
    if (!Number.isFinite(start)) throw new RangeError(`FakeClock start must be a finite number, got ${String(start)}`)
    this.current = start
  }

  now(): number {
    return this.current
  }

  /** Timers scheduled and not yet run or cleared. */
  get pending(): number {
    return this.active.size
  }

  /** Run `fn` once `ms` (≥ 0) from now. */
  setTimeout(fn: () => void, ms: number): FakeTimer {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`FakeClock.setTimeout ms must be a finite number ≥ 0, got ${String(ms)}`)
    }
    const timer: Timer = { id: this.nextId++, at: this.current + ms, fn }
    this.active.add(timer.id)
    this.push(timer)
    return timer.id
  }

  /** Cancel a timer; unknown or already-run handles are ignored. */
  clearTimeout(handle: FakeTimer): void {
    this.active.delete(handle)
  }

  /** Move time forward by `ms` (≥ 0), running every timer that falls due on the way. */
  advance(ms: number): void {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
      throw new RangeError(`FakeClock.advance ms must be a finite number ≥ 0, got ${String(ms)}`)
    }
    if (this.advancing) throw new Error('FakeClock.advance called from inside a timer')
    const target = this.current + ms
    this.advancing = true
    try {
      for (let top = this.heap[0]; top !== undefined && top.at <= target; top = this.heap[0]) {
        this.pop()
        if (!this.active.delete(top.id)) continue
        this.current = top.at
        top.fn()
      }
      this.current = target
    } finally {
      this.advancing = false
    }
  }

  /**
   * Advance in steps of `stepMs` (default 1) until `predicate()` holds or
   * `maxMs` passed. Returns whether it held; `now()` is left where it did.
   */
  runUntil(predicate: () => boolean, options: { readonly maxMs: number; readonly stepMs?: number }): boolean {
    const { maxMs, stepMs = 1 } = options
    if (!Number.isFinite(maxMs) || maxMs < 0) throw new RangeError(`FakeClock.runUntil maxMs must be a finite number ≥ 0, got ${String(maxMs)}`)
    if (!Number.isFinite(stepMs) || stepMs <= 0) throw new RangeError(`FakeClock.runUntil stepMs must be a finite number > 0, got ${String(stepMs)}`)
    const deadline = this.current + maxMs
    if (predicate()) return true
    while (this.current < deadline) {
      this.advance(Math.min(stepMs, deadline - this.current))
      if (predicate()) return true
    }
    return false
  }

  private push(timer: Timer): void {
    const heap = this.heap
    heap.push(timer)
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!before(timer, heap[parent] as Timer)) break
      heap[i] = heap[parent] as Timer
      i = parent
    }
    heap[i] = timer
  }

  private pop(): void {
    const heap = this.heap
    const last = heap.pop()
    if (last === undefined || heap.length === 0) return
    let i = 0
    for (;;) {
      const left = 2 * i + 1
      if (left >= heap.length) break
      const right = left + 1
      const child = right < heap.length && before(heap[right] as Timer, heap[left] as Timer) ? right : left
      if (!before(heap[child] as Timer, last)) break
      heap[i] = heap[child] as Timer
      i = child
    }
    heap[i] = last
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.id < b.id)
}
