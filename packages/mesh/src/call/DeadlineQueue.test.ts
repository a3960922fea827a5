import { afterEach, describe, expect, it, vi } from 'vitest'
import { DeadlineQueue } from './DeadlineQueue.js'
import type { Deadline } from './DeadlineQueue.js'

class Item implements Deadline {
  done = false
  expired = false
  constructor(
    readonly deadline: number,
    private readonly queue?: DeadlineQueue,
  ) {}
  /** Like a real call: settles, then tells the queue (re-entering it from its own timer). */
  expire(): void {
    this.done = true
    this.expired = true
    this.queue?.settled()
  }
}

describe('DeadlineQueue', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('expires due calls in order on one timer and skips settled ones', () => {
    vi.useFakeTimers()
    const q = new DeadlineQueue(() => Date.now())
    const t0 = Date.now()
    const a = new Item(t0 + 100)
    const b = new Item(t0 + 100)
    const c = new Item(t0 + 250)
    q.add(a)
    q.add(b)
    q.add(c)
    expect(vi.getTimerCount()).toBe(1)
    b.done = true // settled by itself
    q.settled() // a is still in flight at the head: nothing dropped yet
    expect(q.size).toBe(3)
    vi.advanceTimersByTime(100)
    expect([a.expired, b.expired, c.expired]).toEqual([true, false, false])
    expect(q.size).toBe(1)
    vi.advanceTimersByTime(150)
    expect(c.expired).toBe(true)
    expect(q.size).toBe(0)
  })

  it('drops settled calls from the front and re-arms for the next one when the timer fires', () => {
    vi.useFakeTimers()
    const q = new DeadlineQueue(() => Date.now())
    const t0 = Date.now()
    const first = new Item(t0 + 50)
    const second = new Item(t0 + 80)
    q.add(first)
    q.add(second)
    first.done = true
    q.settled()
    expect(q.size).toBe(1)
    vi.advanceTimersByTime(50) // the timer armed for `first` finds nothing due, re-arms for `second`
    expect(second.expired).toBe(false)
    vi.advanceTimersByTime(30)
    expect(second.expired).toBe(true)
  })

  it('stays consistent when expiring re-enters it: timeouts one after another all fire', () => {
    vi.useFakeTimers()
    const q = new DeadlineQueue(() => Date.now())
    for (let i = 0; i < 5; i++) {
      const item = new Item(Date.now() + 20, q)
      q.add(item)
      expect(q.size).toBe(1)
      vi.advanceTimersByTime(20)
      expect(item.expired).toBe(true)
      expect(q.size).toBe(0)
    }
    // Concurrent ones too, with one settling by itself in the middle.
    const t0 = Date.now()
    const items = [0, 5, 10, 15].map((d) => new Item(t0 + 20 + d, q))
    for (const item of items) q.add(item)
    items[1]!.done = true
    q.settled()
    vi.advanceTimersByTime(40)
    expect(items.map((i) => i.expired)).toEqual([true, false, true, true])
    expect(q.size).toBe(0)
  })

  it('keeps the process alive only while a call is in flight (timer ref’d / unref’d)', () => {
    const q = new DeadlineQueue(() => performance.now())
    const item = new Item(performance.now() + 60_000)
    const handles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length
    const before = handles()
    q.add(item)
    expect(handles()).toBe(before + 1)
    item.done = true
    q.settled()
    expect(handles()).toBe(before) // unref'd: no longer holds the event loop
    const next = new Item(performance.now() + 60_000)
    q.add(next)
    expect(handles()).toBe(before + 1)
    next.done = true
    q.settled()
  })
})
