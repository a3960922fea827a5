/**
 * The sends and publishes a mesh has in flight. The fleet node fires them and
 * forgets them (SWIM and push-pull repair a lost message), so their failures
 * are counted here (`send-failed` in `stats().gossip.dropped`) and logged at
 * debug level, and `drain` lets a leaving node's last messages go out before
 * its connections close.
 */
import type { Logger } from './log.js'

export class SendTracker {
  readonly #inflight = new Set<Promise<unknown>>()
  readonly #log: Logger
  #failures = 0

  constructor(log: Logger) {
    this.#log = log
  }

  /** Sends and publishes that failed so far. */
  get failures(): number {
    return this.#failures
  }

  /** Watch one send: count it if it fails; never rejects. */
  track(promise: Promise<unknown>): void {
    const p = promise.catch((err: unknown) => {
      this.#failures++
      this.#log.debug('send failed', { err: String(err) })
    })
    this.#inflight.add(p)
    void p.finally(() => this.#inflight.delete(p))
  }

  /** Wait until every send in flight settled, `timeoutMs` at most. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs)
      timer.unref()
    })
    await Promise.race([Promise.allSettled([...this.#inflight]), timeout])
    clearTimeout(timer)
  }
}
