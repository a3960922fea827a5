import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import { integerIn } from '@breaker-mesh/core'
import type { AdminCounters } from './AdminCounters.js'

/**
 * Resource bounds of the admin server, so that no client (a slow-loris
 * dribbling headers, a flood of connections or event streams, a huge table)
 * can hold the node's sockets, memory or event loop. Defaults in brackets.
 */
export interface AdminLimitsOptions {
  /**
   * Time a client has to send a request's headers, ms [10000]. A client
   * still dribbling them after this is answered 408 and disconnected
   * (slow-loris); so is a connection that sends nothing. Checked every
   * `min(1000, headersTimeoutMs / 4)` ms.
   */
  headersTimeoutMs?: number
  /**
   * Time a client has to send a whole request, body included, ms [30000];
   * at least `headersTimeoutMs`. Does not limit responses: an event stream
   * (`/v1/events`) stays open as long as its client reads.
   */
  requestTimeoutMs?: number
  /** Idle keep-alive connections are closed after this, ms [5000]. */
  keepAliveTimeoutMs?: number
  /**
   * Open connections at most [1024], event streams included; more are
   * closed as soon as they are accepted and counted
   * (`breaker_mesh_admin_refused_total{reason="max-connections"}`). Each
   * costs a file descriptor and up to 16 KiB of headers.
   */
  maxConnections?: number
  /**
   * Open `/v1/events` streams at most [256], less than `maxConnections`.
   * More are answered 503 with `retry-after` and counted
   * (`reason="max-event-streams"`). A stream whose client stops reading
   * holds up to `maxStreamBufferBytes`, so the worst case is the product
   * (256 MiB at the defaults).
   */
  maxEventStreams?: number
  /**
   * Breakers with their own series in `/metrics` [500], busiest first (by
   * local calls, then rejections, then name); the rest are counted in
   * `breaker_mesh_metrics_breakers_omitted`. Each breaker costs 7 series,
   * about 600 bytes of a scrape.
   */
  maxMetricsBreakers?: number
}

export interface AdminLimits {
  headersTimeoutMs: number
  requestTimeoutMs: number
  keepAliveTimeoutMs: number
  /** Derived: how often node looks for connections past their headers or request timeout, ms. */
  connectionsCheckingIntervalMs: number
  maxConnections: number
  maxEventStreams: number
  maxMetricsBreakers: number
}

/** Defaults applied and every field checked: a RangeError names the field and the value. */
export function resolveAdminLimits(options: AdminLimitsOptions): AdminLimits {
  const headersTimeoutMs = integerIn('headersTimeoutMs', options.headersTimeoutMs, 10, 600_000, 10_000)
  const requestTimeoutMs = integerIn('requestTimeoutMs', options.requestTimeoutMs, 10, 3_600_000, Math.max(30_000, headersTimeoutMs))
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new RangeError(`requestTimeoutMs must be at least headersTimeoutMs (${headersTimeoutMs}), got ${requestTimeoutMs}`)
  }
  const maxConnections = integerIn('maxConnections', options.maxConnections, 2, 1_000_000, 1024)
  const maxEventStreams = integerIn('maxEventStreams', options.maxEventStreams, 0, maxConnections - 1, Math.min(256, maxConnections - 1))
  return {
    headersTimeoutMs,
    requestTimeoutMs,
    keepAliveTimeoutMs: integerIn('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 10, 600_000, 5_000),
    connectionsCheckingIntervalMs: Math.max(5, Math.min(1000, Math.floor(headersTimeoutMs / 4))),
    maxConnections,
    maxEventStreams,
    maxMetricsBreakers: integerIn('maxMetricsBreakers', options.maxMetricsBreakers, 0, 100_000, 500),
  }
}

/** Options for `http.createServer`: the header and request timeouts and how often they are enforced. */
export function serverOptions(limits: AdminLimits): {
  headersTimeout: number
  requestTimeout: number
  keepAliveTimeout: number
  connectionsCheckingInterval: number
} {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.connectionsCheckingIntervalMs,
  }
}

/**
 * Apply the connection cap and the keep-alive timeout to `server`, count
 * refused connections, and answer client errors: 408 for a request that ran
 * out of time (counted as `request-timeout`), 431 for oversized headers,
 * 400 for anything else that is not HTTP. Replaces node's default
 * `clientError` handling; never throws.
 */
export function applyAdminLimits(server: Server, limits: AdminLimits, counters: AdminCounters): void {
  server.maxConnections = limits.maxConnections
  server.keepAliveTimeout = limits.keepAliveTimeoutMs
  server.headersTimeout = limits.headersTimeoutMs
  server.requestTimeout = limits.requestTimeoutMs
  // node closes the socket itself; this only counts it.
  server.on('drop', () => counters.refuse('max-connections'))
  server.on('connection', (socket: Socket) => {
    counters.connections++
    socket.once('close', () => counters.connections--)
  })
  // Sockets whose request was answered before its body arrived (401, 413): a 408 after that answer would be garbage.
  const answeredEarly = new WeakSet<Socket>()
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    res.once('finish', () => {
      if (!req.complete) answeredEarly.add(req.socket)
    })
  })
  server.on('clientError', (err: Error & { code?: string }, socket: Socket) => {
    let status = '400 Bad Request'
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
      counters.refuse('request-timeout')
      status = '408 Request Timeout'
    } else if (err.code === 'HPE_HEADER_OVERFLOW') {
      status = '431 Request Header Fields Too Large'
    }
    // Write nothing after a response already sent or on its way (node's own rule): the client would read garbage.
    const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
    const answered = inFlight?.headersSent === true || answeredEarly.has(socket)
    // Then destroy: the server allows half-open sockets, and a client that never ends its side would keep this one.
    if (socket.writable && !answered) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, () => socket.destroy())
    else socket.destroy()
  })
}
