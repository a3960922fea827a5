/**
 * The timeouts of a breaker's calls that share one duration, on one timer.
 *
 * Calls with the same timeout expire in the order they started, so they wait
 * in a FIFO and a single timer is armed for the oldest deadline. A call that
 * settles is dropped from the front as soon as it gets there; when nothing is
 * in flight the timer is unref'd (not cleared), so a process with no pending
 * call may exit while an armed timer costs nothing to reuse. Compared with a
 * setTimeout + clearTimeout per call this saves the timer churn on the hot
 * path; the timer itself fires at most about once per timeout period.
 */

/** A call waiting for its deadline. */
export interface Deadline {
  /** Monotonic ms at which it times out. */
  readonly deadline: number
  /** True once it settled (by itself, by timeout, or by the caller's abort). */
  readonly done: boolean
  /** The deadline passed first: time the call out. */
  expire(): void
}

/** Compact the backing array when this many settled entries sit before the head. */
const COMPACT_AT = 1024

export class DeadlineQueue {
  private items: Deadline[] = []
  private head = 0
  private timer: NodeJS.Timeout | undefined
  /** Monotonic ms the armed timer fires at (Infinity: none armed). */
  private armedAt = Number.POSITIVE_INFINITY
  private referenced = false

  constructor(private readonly now: () => number) {}

  /** Number of entries not yet dropped (settled ones behind an unsettled head included). */
  get size(): number {
    return this.items.length - this.head
  }

  /** Add a call whose deadline is no earlier than any already queued (same duration, later start). */
  add(item: Deadline): void {
    this.items.push(item)
    if (this.armedAt === Number.POSITIVE_INFINITY) this.arm(item.deadline)
    if (!this.referenced) {
      this.timer?.ref()
      this.referenced = true
    }
  }

  /** A call settled: drop settled calls from the front; with none left in flight, let the process exit. */
  settled(): void {
    const items = this.items
    let head = this.head
    while (head < items.length && (items[head] as Deadline).done) head++
    this.head = head
    if (head === items.length) {
      this.items = []
      this.head = 0
      if (this.referenced) {
        this.timer?.unref()
        this.referenced = false
      }
    } else if (head >= COMPACT_AT && head * 2 >= items.length) {
      this.items = items.slice(head)
      this.head = 0
    }
  }

  private arm(deadline: number): void {
    const delay = Math.max(1, Math.ceil(deadline - this.now()))
    this.armedAt = deadline
    this.timer = setTimeout(() => this.fire(), delay)
    if (!this.referenced) this.timer.unref()
  }

  private fire(): void {
    this.armedAt = Number.POSITIVE_INFINITY
    this.timer = undefined
    const now = this.now()
    // Take the due calls off the queue first: expiring one re-enters settled().
    const due: Deadline[] = []
    while (this.head < this.items.length) {
      const item = this.items[this.head] as Deadline
      if (!item.done && item.deadline > now) break
      this.head++
      if (!item.done) due.push(item)
    }
    this.settled()
    if (this.head < this.items.length) this.arm((this.items[this.head] as Deadline).deadline)
    for (const item of due) item.expire()
  }
}
