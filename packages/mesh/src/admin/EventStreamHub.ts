import type { ServerResponse } from 'node:http'
import type { AdminTarget, MeshEvent } from '../MeshView.js'
import type { AdminCounters } from './AdminCounters.js'
import { HttpError } from './HttpError.js'

interface Client {
  send(chunk: string): void
  end(): void
  destroy(): void
}

/**
 * The server-sent-event clients of `GET /v1/events`. Each client gets
 * `event: breaker|member` + `data: <MeshEvent JSON>` per change and a
 * comment line every `heartbeatMs` so that proxies and NATs keep an idle
 * stream open. A client is unsubscribed as soon as its connection closes; one
 * that stops reading is dropped once `maxBufferedBytes` pile up, so a stuck
 * `watch` cannot grow the node's memory. At most `maxClients` streams are
 * open at once: one more is answered 503 with `retry-after` and counted.
 * The hub holds one subscription to the target while any client is open and
 * serialises each event once for all of them.
 */
export class EventStreamHub {
  private readonly clients = new Set<Client>()
  private unsubscribe: (() => void) | undefined

  constructor(
    private readonly target: AdminTarget,
    private readonly heartbeatMs: number,
    private readonly maxBufferedBytes: number,
    private readonly maxClients: number = Number.POSITIVE_INFINITY,
    private readonly counters?: AdminCounters,
  ) {}

  /** Open clients, for tests and diagnostics. */
  get size(): number {
    return this.clients.size
  }

  /** Throws HttpError 503 (ERR_TOO_MANY_EVENT_STREAMS) before writing anything when `maxClients` are open. */
  attach(res: ServerResponse): void {
    if (this.clients.size >= this.maxClients) {
      this.counters?.refuse('max-event-streams')
      throw new HttpError(
        503,
        'ERR_TOO_MANY_EVENT_STREAMS',
        `this node serves at most ${this.maxClients} event streams at once; retry later`,
        { 'retry-after': '5' },
      )
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    })
    // Sent at once so the client knows it is subscribed before any event happens.
    res.write(': connected\n\n')

    let closed = false
    const send = (chunk: string): void => {
      if (closed) return
      if (res.writableLength > this.maxBufferedBytes) {
        res.destroy()
        return
      }
      res.write(chunk)
    }
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), this.heartbeatMs)
    heartbeat.unref()

    const cleanup = (): void => {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      this.clients.delete(client)
      this.changed()
    }
    const client: Client = {
      send,
      end: () => {
        cleanup()
        res.end()
      },
      destroy: () => {
        cleanup()
        res.destroy()
      },
    }
    this.clients.add(client)
    this.changed()
    // Not req 'close': since Node 16 it fires as soon as the request body is read.
    res.on('close', cleanup)
    res.on('error', cleanup)
  }

  /** End every stream (server shutdown). */
  closeAll(): void {
    for (const client of [...this.clients]) client.end()
  }

  /** Subscribe while any client is open, unsubscribe when the last leaves; keep the gauge current. */
  private changed(): void {
    if (this.counters) this.counters.eventStreams = this.clients.size
    if (this.clients.size > 0 && this.unsubscribe === undefined) {
      this.unsubscribe = this.target.onEvent((event) => this.broadcast(event))
    } else if (this.clients.size === 0 && this.unsubscribe !== undefined) {
      this.unsubscribe()
      this.unsubscribe = undefined
    }
  }

  private broadcast(event: MeshEvent): void {
    // A listener must never throw into the mesh's emitter.
    let chunk: string
    try {
      chunk = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
    } catch {
      return
    }
    for (const client of [...this.clients]) {
      try {
        client.send(chunk)
      } catch {
        client.destroy()
      }
    }
  }
}
