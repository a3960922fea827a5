import { createHash, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { booleanOption, integerIn, stringOf } from '@breaker-mesh/core'
import type { AdminTarget, MeshView } from '../MeshView.js'
import { AdminCounters } from './AdminCounters.js'
import { createAdminMetrics } from './AdminMetrics.js'
import { DashboardAssets } from './DashboardAssets.js'
import { EventStreamHub } from './EventStreamHub.js'
import { createHostCheck, validateAllowedHosts } from './hostCheck.js'
import type { HostCheck } from './hostCheck.js'
import { HttpError } from './HttpError.js'
import { applyAdminLimits, resolveAdminLimits, serverOptions } from './limits.js'
import type { AdminLimits, AdminLimitsOptions } from './limits.js'
import { readJsonBody } from './readJsonBody.js'
import { isSameOrigin } from './sameOrigin.js'

export interface AdminServerOptions extends AdminLimitsOptions {
  /**
   * Interface to bind. Keep it on loopback (the CLI's default is 127.0.0.1)
   * unless a `token` is set: the API can force breakers open fleet-wide.
   */
  host: string
  /** TCP port; 0 picks a free one (read it back from `port`). */
  port: number
  /**
   * Interval of the SSE heartbeat comment, ms [15000]. Lower keeps idle
   * proxies and NATs from closing `watch` streams sooner; each beat costs a
   * few bytes per open stream.
   */
  heartbeatMs?: number
  /** Largest accepted request body, bytes [16384]. Larger → 413. Bodies only carry a short reason. */
  maxBodyBytes?: number
  /**
   * Unsent SSE bytes after which a client that stopped reading is dropped,
   * bytes [1 MiB]. Higher tolerates slower readers at the cost of memory.
   */
  maxStreamBufferBytes?: number
  /** Add prom-client's default process metrics (CPU, memory, event loop, GC) to /metrics [true]. */
  processMetrics?: boolean
  /**
   * Admin token [none]. When set, every mutating request (POST) needs
   * `Authorization: Bearer <token>`, or it gets 401 and changes nothing.
   * Reads (`/healthz`, `/readyz`, `/metrics`, `/v1/view`, `/v1/events`) stay open.
   */
  token?: string
  /** Folder of the built web dashboard [the package's dist/dashboard]. For tests. */
  dashboardDir?: string
  /**
   * Extra names (or addresses) clients may use for this node in `Host` [[]]:
   * a Kubernetes service name, a proxy's name; `.example.com` allows the
   * name and every subdomain. Requests are served only when `Host` names
   * the server (DNS-rebinding guard, see `hostCheck.ts`): the bound address,
   * any local interface address for a wildcard bind, loopback, `localhost`,
   * the machine's host name for a wildcard bind, and these. Anything else →
   * 403 ERR_FORBIDDEN_HOST. At most 64 entries.
   */
  allowedHosts?: string[]
}

export interface AdminServer {
  /** Base URL to reach the server, e.g. `http://127.0.0.1:7947` (a wildcard host is shown as loopback). */
  readonly url: string
  /** The bound port (useful with port 0). */
  readonly port: number
  /** Stop listening, end every event stream and close every connection. Idempotent. */
  close(): Promise<void>
}

type Action = 'force-open' | 'force-close' | 'reset'
type BreakerEntry = MeshView['breakers'][number]

const BREAKER_ROUTE = /^\/v1\/breakers\/([^/]*)\/(force-open|force-close|reset)$/
const BREAKER_PREFIX = /^\/v1\/breakers\//

/**
 * Serve the admin HTTP API (docs/ARCHITECTURE.md, "Protocols") for `target` (a running mesh):
 * `GET /v1/view`, `GET /v1/events` (SSE), `POST /v1/breakers/:name/force-open|force-close|reset`,
 * `GET /v1/stats`, `GET /metrics`, `GET /healthz` (liveness), `GET /readyz` (200 once
 * synced), and the web dashboard at `GET /`. Errors are `{ error: { code, message } }`
 * with 400/401/403/404/405/413/500/503 (408 and 431, for a request too slow or
 * with oversized headers, come without a body); nothing a client sends can
 * crash the process. With a `token`, a POST without `Authorization: Bearer
 * <token>` is answered 401 before its body is read. A request whose `Host`
 * does not name this server is refused (403 ERR_FORBIDDEN_HOST) before
 * anything else (DNS rebinding). Requests carrying an `Origin` header other
 * than the server's own are refused (403): the dashboard it serves may call
 * the API, a page from another origin may not steer breakers through the
 * operator's browser (CSRF). Connections, event streams and the time to send
 * a request are bounded (`AdminLimitsOptions`); every refusal is counted in /metrics.
 */
export async function startAdminServer(target: AdminTarget, options: AdminServerOptions): Promise<AdminServer> {
  const opts = validate(options)
  const { limits } = opts
  const counters = new AdminCounters()
  const metrics = createAdminMetrics(target, { processMetrics: opts.processMetrics, maxBreakers: limits.maxMetricsBreakers, counters })
  const streams = new EventStreamHub(target, opts.heartbeatMs, opts.maxStreamBufferBytes, limits.maxEventStreams, counters)
  const tokenDigest = opts.token === undefined ? undefined : digest(opts.token)
  const dashboard = new DashboardAssets(opts.dashboardDir)
  let hostCheck: HostCheck | undefined // set once listening: it needs the bound address

  const server = createServer(serverOptions(limits), (req, res) => {
    handle(req, res).catch((err: unknown) => fail(res, err))
  })
  applyAdminLimits(server, limits, counters)

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostCheck?.allows(req.headers.host)) {
      counters.refuse('forbidden-host')
      throw new HttpError(403, 'ERR_FORBIDDEN_HOST', forbiddenHostMessage(req.headers.host))
    }
    const method = req.method ?? 'GET'
    let path: string
    try {
      path = new URL(req.url ?? '/', 'http://admin.invalid').pathname
    } catch {
      throw new HttpError(400, 'ERR_BAD_REQUEST', 'malformed request target')
    }
    const origin = req.headers.origin
    if (origin !== undefined && !isSameOrigin(origin, req.headers.host)) {
      throw new HttpError(403, 'ERR_FORBIDDEN_ORIGIN', 'the admin API serves only its own dashboard (Origin header of another site)')
    }

    if (DashboardAssets.handles(path)) {
      allow(method, ['GET', 'HEAD'])
      dashboard.respond(res, path)
      return
    }

    if (path === '/healthz') {
      allow(method, ['GET', 'HEAD'])
      send(res, 200, 'text/plain; charset=utf-8', 'ok\n')
      return
    }
    if (path === '/readyz') {
      allow(method, ['GET', 'HEAD'])
      if (target.ready()) send(res, 200, 'text/plain; charset=utf-8', 'ready\n')
      else send(res, 503, 'text/plain; charset=utf-8', 'not ready: no sync with a peer yet\n', { 'retry-after': '1' })
      return
    }
    if (path === '/v1/view') {
      allow(method, ['GET', 'HEAD'])
      sendJson(res, 200, target.view())
      return
    }
    if (path === '/v1/stats') {
      allow(method, ['GET', 'HEAD'])
      sendJson(res, 200, target.stats())
      return
    }
    if (path === '/v1/events') {
      allow(method, ['GET'])
      streams.attach(res)
      return
    }
    if (path === '/metrics') {
      allow(method, ['GET', 'HEAD'])
      const { contentType, body } = await metrics.render()
      send(res, 200, contentType, body)
      return
    }
    const match = BREAKER_ROUTE.exec(path)
    if (match) {
      allow(method, ['POST'])
      authorize(req)
      const name = decodeName(match[1] ?? '')
      const body = await readJsonBody(req, opts.maxBodyBytes)
      const reason = body['reason']
      if (reason !== undefined && typeof reason !== 'string') {
        throw new HttpError(400, 'ERR_BAD_REQUEST', '"reason" must be a string')
      }
      act(match[2] as Action, name, reason)
      sendJson(res, 200, { ok: true, breaker: entry(name) })
      return
    }
    const hint = BREAKER_PREFIX.test(path) ? ' (POST /v1/breakers/NAME/force-open|force-close|reset)' : ''
    throw new HttpError(404, 'ERR_NOT_FOUND', `no such route: ${path}${hint}`)
  }

  /** With a token configured: the request must carry it, compared in constant time. */
  function authorize(req: IncomingMessage): void {
    if (tokenDigest === undefined) return
    const header = req.headers.authorization
    const presented = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined
    if (presented === undefined || !timingSafeEqual(digest(presented), tokenDigest)) {
      const why = presented === undefined ? 'this node needs an admin token (Authorization: Bearer <token>)' : 'wrong admin token'
      throw new HttpError(401, 'ERR_UNAUTHORIZED', why, { 'www-authenticate': 'Bearer realm="breaker-mesh"' })
    }
  }

  function act(action: Action, name: string, reason: string | undefined): void {
    try {
      if (action === 'force-open') target.forceOpen(name, reason)
      else if (action === 'force-close') target.forceClose(name, reason)
      else target.reset(name)
    } catch (err) {
      throw asClientError(err)
    }
  }

  function entry(name: string): BreakerEntry | null {
    return target.view().breakers.find((b) => b.name === name) ?? null
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: opts.host, port: opts.port }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  server.on('error', () => {
    // After listening, socket-level errors are per connection; never crash on them.
  })

  const address = server.address()
  const port = typeof address === 'object' && address !== null ? address.port : opts.port
  hostCheck = createHostCheck({
    bindHost: opts.host,
    boundAddress: typeof address === 'object' && address !== null ? address.address : opts.host,
    allowedHosts: opts.allowedHosts,
  })
  let closing: Promise<void> | undefined

  return {
    url: `http://${displayHost(opts.host)}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        streams.closeAll()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}

/** Fixed-length digests, so the comparison takes the same time whatever the lengths. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest()
}

function forbiddenHostMessage(host: string | undefined): string {
  if (host === undefined) return 'a request must carry a Host header naming this node'
  const shown = JSON.stringify(host.length > 100 ? `${host.slice(0, 100)}…` : host)
  return `Host ${shown} does not name this node (DNS-rebinding guard); if it is one of its names, add it to allowedHosts`
}

function allow(method: string, allowed: string[]): void {
  if (!allowed.includes(method)) {
    throw new HttpError(405, 'ERR_METHOD_NOT_ALLOWED', `${method} is not allowed here; use ${allowed.join(' or ')}`, {
      allow: allowed.join(', '),
    })
  }
}

function decodeName(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new HttpError(400, 'ERR_BAD_REQUEST', 'the breaker name is not valid percent-encoding')
  }
}

/** The target rejects bad input with coded errors (ERR_INVALID_*) or RangeError/TypeError: the client's fault. */
function asClientError(err: unknown): unknown {
  if (!(err instanceof Error)) return err
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && code.startsWith('ERR_INVALID')) return new HttpError(400, code, err.message)
  // Every record is an override or a breaker in use: nothing to evict for a new name.
  if (code === 'ERR_TABLE_FULL') return new HttpError(507, code, err.message)
  if (err instanceof RangeError || err instanceof TypeError) return new HttpError(400, 'ERR_INVALID_ARGUMENT', err.message)
  return err
}

function send(res: ServerResponse, status: number, contentType: string, body: string, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, 'utf8')
  res.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length, ...headers })
  res.end(bytes)
}

function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, 'application/json; charset=utf-8', `${JSON.stringify(value)}\n`, headers)
}

function fail(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy()
    return
  }
  const httpError =
    err instanceof HttpError
      ? err
      : new HttpError(500, codeOf(err), err instanceof Error ? err.message : String(err))
  try {
    sendJson(res, httpError.status, { error: { code: httpError.code, message: httpError.message } }, httpError.headers)
  } catch {
    res.destroy()
  }
}

function codeOf(err: unknown): string {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : 'ERR_INTERNAL'
}

function displayHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1'
  if (host === '::') return '[::1]'
  return host.includes(':') ? `[${host}]` : host
}

interface ResolvedOptions {
  host: string
  port: number
  heartbeatMs: number
  maxBodyBytes: number
  maxStreamBufferBytes: number
  processMetrics: boolean
  token: string | undefined
  dashboardDir: string | undefined
  allowedHosts: string[]
  limits: AdminLimits
}

function validate(options: AdminServerOptions): ResolvedOptions {
  const { token, dashboardDir } = options
  return {
    host: stringOf('host', options.host, 1, 253),
    port: integerIn('port', options.port, 0, 65535),
    heartbeatMs: integerIn('heartbeatMs', options.heartbeatMs, 10, 3_600_000, 15_000),
    maxBodyBytes: integerIn('maxBodyBytes', options.maxBodyBytes, 1, 16 * 1024 * 1024, 16 * 1024),
    maxStreamBufferBytes: integerIn('maxStreamBufferBytes', options.maxStreamBufferBytes, 1024, 1024 * 1024 * 1024, 1024 * 1024),
    processMetrics: booleanOption('processMetrics', options.processMetrics, true),
    token: token === undefined ? undefined : stringOf('token', token, 1, 4096),
    dashboardDir: dashboardDir === undefined ? undefined : stringOf('dashboardDir', dashboardDir, 1, 4096),
    allowedHosts: validateAllowedHosts(options.allowedHosts),
    limits: resolveAdminLimits(options),
  }
}
