/**
 * The dashboard's calls to the admin API of the node that served it (same
 * origin, relative URLs). The admin token, once the operator typed it, is
 * kept in this object only: never in storage, gone with the tab.
 */
import type { DashBreaker, DashView, MeshStats } from './types.js'

export type BreakerAction = 'force-open' | 'force-close' | 'reset'

/** An answer other than 2xx, or no answer: `code` is the node's error code or ERR_NETWORK / ERR_BAD_RESPONSE. */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError'

  constructor(
    readonly code: string,
    message: string,
    /** HTTP status, 0 when the node could not be reached. */
    readonly status: number,
  ) {
    super(message)
  }

  /** The node wants an admin token (none sent, or a wrong one). */
  get unauthorized(): boolean {
    return this.status === 401
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>

export class AdminApi {
  /** The admin token, sent as `Authorization: Bearer` on every change. Memory only. */
  token: string | null = null

  constructor(
    private readonly base = '',
    private readonly fetcher: FetchLike = (input, init) => fetch(input, init),
  ) {}

  /** `GET /v1/view`, with the node's clock from the Date header (display only). */
  async view(): Promise<{ view: DashView; serverDate: number | undefined }> {
    const res = await this.request('/v1/view', { method: 'GET' })
    const view = (await this.json(res)) as DashView
    if (typeof view !== 'object' || view === null || !Array.isArray(view.members) || !Array.isArray(view.breakers)) {
      throw new AdminApiError('ERR_BAD_RESPONSE', '/v1/view did not answer a fleet view', res.status)
    }
    const date = Date.parse(res.headers.get('date') ?? '')
    return { view, serverDate: Number.isFinite(date) ? date : undefined }
  }

  /** `GET /v1/stats`: cumulative counters for the call-rate sparklines. */
  async stats(): Promise<MeshStats> {
    const res = await this.request('/v1/stats', { method: 'GET' })
    const stats = (await this.json(res)) as MeshStats
    if (typeof stats !== 'object' || stats === null || !Array.isArray(stats.breakers)) {
      throw new AdminApiError('ERR_BAD_RESPONSE', '/v1/stats did not answer counters', res.status)
    }
    return stats
  }

  /** `POST /v1/breakers/NAME/ACTION`; the node's new entry for the breaker (null if it has none). */
  async act(action: BreakerAction, name: string, reason?: string): Promise<DashBreaker | null> {
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (this.token !== null) headers['authorization'] = `Bearer ${this.token}`
    const body = action !== 'reset' && reason !== undefined && reason !== '' ? JSON.stringify({ reason }) : '{}'
    const res = await this.request(`/v1/breakers/${encodeURIComponent(name)}/${action}`, { method: 'POST', headers, body })
    const answer = (await this.json(res)) as { breaker?: DashBreaker | null }
    return answer.breaker ?? null
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    let res: Response
    try {
      res = await this.fetcher(`${this.base}${path}`, { ...init, cache: 'no-store' })
    } catch (err) {
      throw new AdminApiError('ERR_NETWORK', `the node did not answer (${err instanceof Error ? err.message : String(err)})`, 0)
    }
    if (res.ok) return res
    let code = `HTTP_${res.status}`
    let message = res.statusText || `HTTP ${res.status}`
    try {
      const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } }
      if (typeof body.error?.code === 'string') code = body.error.code
      if (typeof body.error?.message === 'string') message = body.error.message
    } catch {
      // Not the node's JSON error shape (a proxy's page, say): keep the status.
    }
    throw new AdminApiError(code, message, res.status)
  }

  private async json(res: Response): Promise<unknown> {
    try {
      return await res.json()
    } catch {
      throw new AdminApiError('ERR_BAD_RESPONSE', 'the node answered something other than JSON', res.status)
    }
  }
}
