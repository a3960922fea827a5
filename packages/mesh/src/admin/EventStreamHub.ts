import type { ServerResponse } from 'node:http'
import type { AdminTarget, MeshEvent } from '../MeshApi.js'

/**
 * The server-sent-event clients of `GET /v1/events`. Each client gets
 * `event: breaker|member` + `data: <MeshEvent JSON>` per change and a
 * comment line every `heartbeatMs` so that proxies and NATs keep an idle
 * stream open. A client is unsubscribed as soon as its connection closes; one
 * that stops reading is dropped once `maxBufferedBytes` pile up, so a stuck
 * `watch` cannot grow the node's memory.
 */
export class EventStreamHub {
  private readonly clients = new Set<() => void>()

  constructor(
    private readonly target: AdminTarget,
    private readonly heartbeatMs: number,
    private readonly maxBufferedBytes: number,
  ) {}

  /** Open clients, for tests and diagnostics. */
  get size(): number {
    return this.clients.size
  }

  attach(res: ServerResponse): void {
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
    const unsubscribe = this.target.onEvent((event: MeshEvent) => {
      try {
        send(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`)
      } catch {
        // A listener must never throw into the mesh's emitter.
        res.destroy()
      }
    })
    const heartbeat = setInterval(() => send(': heartbeat\n\n'), this.heartbeatMs)
    heartbeat.unref()

    const cleanup = (): void => {
      if (closed) return
      closed = true
      clearInterval(heartbeat)
      unsubscribe()
      this.clients.delete(end)
    }
    const end = (): void => {
      cleanup()
      res.end()
    }
    this.clients.add(end)
    // Not req 'close': since Node 16 it fires as soon as the request body is read.
    res.on('close', cleanup)
    res.on('error', cleanup)
  }

  /** End every stream (server shutdown). */
  closeAll(): void {
    for (const end of [...this.clients]) end()
  }
}
