/**
 * Where inbound frames wait between the network and the handlers, so that no
 * peer's input can hold the event loop: decoding and merging run at most
 * `turnBudgetMs` per event-loop turn, and then yield (setImmediate) so the
 * admin API, timers and other peers get their turn.
 *
 * - **Fast path.** While nothing waits and this turn's budget is not spent, a
 *   frame is handled at once (no extra hop for the usual trickle).
 * - **Fairness.** Once frames wait, peers are served round-robin, one frame
 *   each, so a flooding peer delays its own frames, not everyone's.
 * - **Backpressure.** Stream frames (`push(..., true)`) wait in line: when a
 *   peer has `maxQueuedFrames` or `maxQueuedBytes` waiting, the promise makes
 *   its stream stop reading until the queue is half drained; the peer's
 *   sender then stalls on TCP and Yamux flow control. Gossip cannot be paused
 *   (gossipsub delivers it), so over the limit it is dropped and counted; SWIM
 *   piggyback and push-pull repair what is lost.
 */
import type { Channel } from '@breaker-mesh/core'

export interface InboxOptions {
  /** ms of handler work per event-loop turn before yielding. */
  turnBudgetMs: number
  /** Frames waiting per peer before backpressure (streams) or drops (gossip). */
  maxQueuedFrames: number
  /** Bytes waiting per peer before backpressure or drops. */
  maxQueuedBytes: number
  /** Runs one frame's handlers; must not throw. */
  deliver(from: string, channel: Channel, bytes: Uint8Array): void
  /** A frame dropped because its peer's queue was full (gossip only). */
  dropped(from: string, channel: Channel): void
  now?: () => number
}

interface Queue {
  frames: Array<{ channel: Channel; bytes: Uint8Array }>
  bytes: number
  /** Resolvers of streams waiting for this queue to drain. */
  waiters: Array<() => void>
}

export class Inbox {
  private readonly queues = new Map<string, Queue>()
  private readonly now: () => number
  /** When inbound work began in this event-loop turn; -1 before any. */
  private turnStart = -1
  private turnScheduled = false
  private nextTurnWaiters: Array<() => void> = []
  private draining = false
  private closed = false

  constructor(private readonly opts: InboxOptions) {
    this.now = opts.now ?? (() => performance.now())
  }

  /** Frames waiting, all peers. */
  get waiting(): number {
    let n = 0
    for (const q of this.queues.values()) n += q.frames.length
    return n
  }

  /**
   * Hand a frame in. Returns undefined when the caller may go on at once, or
   * (with `wait`, for streams) a promise that resolves when the peer's queue
   * has room again.
   */
  push(from: string, channel: Channel, bytes: Uint8Array, wait: boolean): Promise<void> | undefined {
    if (this.closed) return undefined
    if (this.queues.size === 0 && !this.overBudget()) {
      this.run(from, channel, bytes)
      return undefined
    }
    let q = this.queues.get(from)
    if (!q) {
      q = { frames: [], bytes: 0, waiters: [] }
      this.queues.set(from, q)
    }
    const full = q.frames.length >= this.opts.maxQueuedFrames || q.bytes + bytes.byteLength > this.opts.maxQueuedBytes
    if (full && !wait) {
      this.opts.dropped(from, channel)
      return undefined
    }
    q.frames.push({ channel, bytes })
    q.bytes += bytes.byteLength
    this.scheduleDrain()
    if (!wait) return undefined
    const over = q.frames.length >= this.opts.maxQueuedFrames || q.bytes >= this.opts.maxQueuedBytes
    if (!over) return undefined
    const queue = q
    return new Promise<void>((resolve) => queue.waiters.push(resolve))
  }

  /**
   * True once inbound work in this event-loop turn (reading streams, whose
   * decryption and demuxing run in the same turn, and handling frames) has
   * taken `turnBudgetMs`. A stream reader that sees it waits for `nextTurn()`
   * before it pulls more: its sender then stalls on Yamux flow control.
   */
  overBudget(): boolean {
    const now = this.now()
    if (this.turnStart < 0) {
      this.turnStart = now
      this.scheduleTurnEnd()
      return false
    }
    return now - this.turnStart >= this.opts.turnBudgetMs
  }

  /** Resolves in the next event-loop turn (after timers and I/O callbacks had theirs). */
  nextTurn(): Promise<void> {
    this.scheduleTurnEnd()
    return new Promise<void>((resolve) => this.nextTurnWaiters.push(resolve))
  }

  /** Drop everything waiting and release every stream (the host is stopping). */
  close(): void {
    this.closed = true
    for (const q of this.queues.values()) for (const w of q.waiters) w()
    this.queues.clear()
    for (const w of this.nextTurnWaiters.splice(0)) w()
  }

  private run(from: string, channel: Channel, bytes: Uint8Array): void {
    this.overBudget() // starts this turn's clock if this is its first inbound work
    this.opts.deliver(from, channel, bytes)
  }

  private scheduleTurnEnd(): void {
    if (this.turnScheduled) return
    this.turnScheduled = true
    // The next turn starts with a fresh budget; paused readers go on then.
    setImmediate(() => {
      this.turnScheduled = false
      this.turnStart = -1
      for (const w of this.nextTurnWaiters.splice(0)) w()
    })
  }

  private scheduleDrain(): void {
    if (this.draining) return
    this.draining = true
    setImmediate(() => this.drain())
  }

  private drain(): void {
    this.draining = false
    if (this.closed) return
    const started = this.now()
    while (this.queues.size > 0) {
      for (const [from, q] of this.queues) {
        const next = q.frames.shift()
        if (next) {
          q.bytes -= next.bytes.byteLength
          this.opts.deliver(from, next.channel, next.bytes)
        }
        if (q.waiters.length > 0 && q.frames.length <= this.opts.maxQueuedFrames / 2 && q.bytes <= this.opts.maxQueuedBytes / 2) {
          for (const w of q.waiters.splice(0)) w()
        }
        if (q.frames.length === 0) {
          for (const w of q.waiters.splice(0)) w()
          this.queues.delete(from)
        }
      }
      if (this.now() - started >= this.opts.turnBudgetMs) {
        this.scheduleDrain()
        return
      }
    }
  }
}
