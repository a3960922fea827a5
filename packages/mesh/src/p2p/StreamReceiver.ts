/**
 * The receive loop of inbound streams: a sender keeps one stream per peer and
 * channel open and writes frame after frame. Bytes are cut into frames
 * (`FrameAssembler`); unfinished frames are charged to the peer's
 * `ReceiveBudget` and must complete within `partialFrameTimeoutMs`; whole
 * frames go to the `Inbox`, which pauses this loop while the peer's queue is
 * full. A stream that breaks a bound is reset and counted by reason
 * (`frame-too-large`, `frame-budget`, `frame-stalled`); nothing a peer sends
 * escapes as an exception.
 */
import type { DirectChannel } from '@breaker-mesh/core'
import type { Logger } from '../log.js'
import { FrameAssembler } from './FrameAssembler.js'
import type { Inbox } from './Inbox.js'
import { errorMessage, isStreamEnded, toError } from './libp2pErrors.js'
import type { ReceiveBudget } from './ReceiveBudget.js'

/** How often one peer's repeated stream failures are logged, ms. */
const LOG_PERIOD_MS = 60_000

/** The part of a libp2p stream the loop reads (libp2p 2's `Stream`). */
export interface InboundStream {
  readonly source: AsyncIterable<{ subarray(): Uint8Array }>
  abort(err: Error): void
}

export interface StreamReceiverOptions {
  /** Largest frame, bytes. */
  maxMessageBytes: number
  /** ms a frame may take from its first byte to its last. */
  partialFrameTimeoutMs: number
  budget: ReceiveBudget
  inbox: Inbox
  /** Count one dropped stream by reason. */
  drop(reason: string): void
  /** True once the host stopped: errors are then expected, not logged. */
  stopped(): boolean
  log: Logger
}

export class StreamReceiver {
  readonly #opts: StreamReceiverOptions

  constructor(options: StreamReceiverOptions) {
    this.#opts = options
  }

  /** Read `stream` from `from` until it ends or breaks a bound. Never rejects. */
  async receive(channel: DirectChannel, stream: InboundStream, from: string): Promise<void> {
    const { budget, inbox, log } = this.#opts
    const frames = new FrameAssembler(this.#opts.maxMessageBytes)
    let charged = 0
    let stall: NodeJS.Timeout | undefined
    let failed = false
    const fail = (reason: string, message: string): void => {
      if (failed) return
      failed = true
      this.#opts.drop(reason)
      log.rateLimited(`${reason}:${from}`, LOG_PERIOD_MS, 'dropped inbound stream', { from, protocol: channel, reason, detail: message })
      stream.abort(new Error(message))
    }
    try {
      for await (const chunk of stream.source) {
        if (failed) return
        const bytes = chunk.subarray()
        // Charge the chunk before the assembler copies any of it; settle after.
        if (!budget.take(from, bytes.byteLength)) {
          fail('frame-budget', `${frames.buffered + bytes.byteLength} bytes of unfinished frames from one peer would pass the receive budget`)
          return
        }
        charged += bytes.byteLength
        let complete: Uint8Array[]
        try {
          complete = frames.push(bytes)
        } catch (err) {
          fail('frame-too-large', errorMessage(err))
          return
        }
        budget.give(from, charged - frames.buffered)
        charged = frames.buffered
        if (complete.length > 0 || !frames.partial) {
          clearTimeout(stall)
          stall = undefined
        }
        if (frames.partial && stall === undefined) {
          const ms = this.#opts.partialFrameTimeoutMs
          stall = setTimeout(() => fail('frame-stalled', `a frame did not finish within ${ms} ms`), ms)
          stall.unref()
        }
        for (const frame of complete) {
          const full = inbox.push(from, channel, frame, true)
          if (full) await full
        }
        // This turn's inbound work is spent: pull no more until the next one.
        if (inbox.overBudget()) await inbox.nextTurn()
      }
    } catch (err) {
      if (!this.#opts.stopped() && !isStreamEnded(err) && !failed) {
        log.rateLimited(`bad-stream:${from}`, LOG_PERIOD_MS, 'inbound stream failed', { from, protocol: channel, err })
      }
      stream.abort(toError(err))
    } finally {
      clearTimeout(stall)
      budget.give(from, charged)
    }
  }
}
