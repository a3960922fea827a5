/**
 * The outbound stream pool: one long-lived stream per peer and channel carries
 * every frame to that peer, so a SWIM message costs no stream set-up or
 * protocol negotiation. Frames on one stream go out one at a time, in order.
 * A stream that broke (its connection closed) is dropped and replaced once,
 * at once; the streams of a peer are forgotten when it disconnects.
 */
import type { DirectChannel } from '@breaker-mesh/core'
import { lpStream } from 'it-length-prefixed-stream'
import { toError } from './libp2pErrors.js'

/** The part of a libp2p stream the pool writes to (libp2p 2's `Stream`). */
export interface OutboundStream {
  abort(err: Error): void
}

/** Opens a stream to a peer on a channel (dialling if needed). */
export type OpenStream<S> = (peer: string, channel: DirectChannel, signal: AbortSignal) => Promise<S>

interface Outbound<S> {
  stream: S
  write(bytes: Uint8Array, signal: AbortSignal): Promise<void>
}

export class OutboundStreams<S extends OutboundStream & Parameters<typeof lpStream>[0]> {
  /** Open outbound stream per `<peer> <channel>`. */
  readonly #streams = new Map<string, Promise<Outbound<S>>>()
  readonly #open: OpenStream<S>
  readonly #maxMessageBytes: number

  constructor(open: OpenStream<S>, maxMessageBytes: number) {
    this.#open = open
    this.#maxMessageBytes = maxMessageBytes
  }

  /**
   * Write one frame to `peer` on `channel`, opening the stream if there is
   * none; a write that fails on a pooled stream is retried once on a new
   * one. Rejects with the last error (the caller names it).
   */
  async write(peer: string, channel: DirectChannel, bytes: Uint8Array, signal: AbortSignal, retry: (err: unknown) => boolean): Promise<void> {
    const key = `${peer} ${channel}`
    for (let attempt = 0; ; attempt++) {
      let out: Promise<Outbound<S>> | undefined
      try {
        out = this.#streams.get(key)
        if (!out) {
          out = this.#openOutbound(peer, channel, signal)
          this.#streams.set(key, out)
        }
        await (await out).write(bytes, signal)
        return
      } catch (err) {
        if (this.#streams.get(key) === out) this.#streams.delete(key)
        void out?.then((o) => o.stream.abort(toError(err)), () => {})
        if (attempt >= 1 || !retry(err)) throw err
      }
    }
  }

  /** Forget every stream to `peer` (its last connection closed). */
  forgetPeer(peer: string): void {
    for (const key of this.#streams.keys()) if (key.startsWith(`${peer} `)) this.#streams.delete(key)
  }

  async #openOutbound(peer: string, channel: DirectChannel, signal: AbortSignal): Promise<Outbound<S>> {
    const stream = await this.#open(peer, channel, signal)
    const lp = lpStream(stream, { maxDataLength: this.#maxMessageBytes })
    let chain: Promise<void> = Promise.resolve()
    return {
      stream,
      write(bytes, writeSignal) {
        const next = chain.then(() => lp.write(bytes, { signal: writeSignal }))
        chain = next.catch(() => {})
        return next
      },
    }
  }
}
