import { request as httpRequest } from 'node:http'
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { AdminResponseError } from './errors/AdminResponseError.js'
import { AdminUnreachableError } from './errors/AdminUnreachableError.js'

export interface AdminClientOptions {
  /**
   * How long a request may take to connect and answer, ms [10000]. Lower
   * fails faster on a hung node; too low fails on a node busy with a big table.
   */
  timeoutMs?: number
  /**
   * How long an event stream may stay silent before it counts as lost, ms
   * [45000]: three missed 15 s heartbeats.
   */
  streamIdleMs?: number
  /** Admin token, sent as `Authorization: Bearer <token>` on every request. */
  token?: string
}

/**
 * A client of a node's admin HTTP API. Failures are typed: a node that
 * cannot be reached → `AdminUnreachableError`, a node that answers with an
 * error or garbage → `AdminResponseError`, an aborted signal → an
 * `AbortError` (DOMException).
 */
export class AdminClient {
  private readonly timeoutMs: number
  private readonly streamIdleMs: number
  private readonly token: string | undefined

  constructor(
    /** Base URL, e.g. `http://127.0.0.1:7947`. */
    readonly baseUrl: string,
    options: AdminClientOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000
    this.streamIdleMs = options.streamIdleMs ?? 45_000
    this.token = options.token
    for (const [field, value] of [['timeoutMs', this.timeoutMs], ['streamIdleMs', this.streamIdleMs]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new RangeError(`${field} must be a positive integer, got ${value}`)
    }
  }

  /** GET a JSON document. */
  async getJson(path: string, signal?: AbortSignal): Promise<unknown> {
    return this.json(path, 'GET', undefined, signal)
  }

  /** POST a JSON body and read the JSON answer. */
  async postJson(path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    return this.json(path, 'POST', JSON.stringify(body), signal)
  }

  /**
   * Read a streaming response (server-sent events), handing each text chunk
   * to `onText`. Resolves when `signal` aborts; throws
   * `AdminUnreachableError` if the node ends the stream or it goes silent.
   */
  async stream(path: string, onText: (text: string) => void, signal: AbortSignal): Promise<void> {
    const res = await this.open(path, 'GET', undefined, signal, { accept: 'text/event-stream' })
    if ((res.statusCode ?? 0) >= 300) throw await this.errorOf(res)
    res.setEncoding('utf8')
    await new Promise<void>((resolve, reject) => {
      let settled = false
      const finish = (err?: Error): void => {
        if (settled) return
        settled = true
        clearTimeout(idle)
        signal.removeEventListener('abort', onAbort)
        res.destroy()
        if (err) reject(err)
        else resolve()
      }
      const lost = (why: string): void => finish(new AdminUnreachableError(this.baseUrl, why, `lost the event stream of ${this.baseUrl} (${why})`))
      let idle = setTimeout(() => lost('ETIMEDOUT'), this.streamIdleMs)
      const onAbort = (): void => finish()
      signal.addEventListener('abort', onAbort, { once: true })
      if (signal.aborted) return finish()
      res.on('data', (text: string) => {
        clearTimeout(idle)
        idle = setTimeout(() => lost('ETIMEDOUT'), this.streamIdleMs)
        try {
          onText(text)
        } catch (err) {
          finish(err instanceof Error ? err : new Error(String(err)))
        }
      })
      res.on('end', () => lost('the node closed the stream'))
      res.on('error', (err: NodeJS.ErrnoException) => lost(err.code ?? err.message))
      res.on('close', () => lost('the node closed the stream'))
    })
  }

  private async json(path: string, method: string, body: string | undefined, signal?: AbortSignal): Promise<unknown> {
    const res = await this.open(path, method, body, signal, { accept: 'application/json' })
    const status = res.statusCode ?? 0
    if (status >= 300) throw await this.errorOf(res)
    const text = await this.readAll(res, signal)
    try {
      return JSON.parse(text) as unknown
    } catch {
      throw new AdminResponseError(status, 'ERR_BAD_RESPONSE', `the node at ${this.baseUrl} answered with invalid JSON`)
    }
  }

  /** Connect, send, and wait for the response head (within timeoutMs). */
  private open(
    path: string,
    method: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
    headers: Record<string, string>,
  ): Promise<IncomingMessage> {
    const url = new URL(this.baseUrl + path)
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest
    const options: RequestOptions = {
      method,
      headers: {
        ...headers,
        ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      },
      ...(signal ? { signal } : {}),
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      let req: ClientRequest | undefined
      const timer = setTimeout(() => {
        req?.destroy()
        reject(new AdminUnreachableError(this.baseUrl, 'ETIMEDOUT'))
      }, this.timeoutMs)
      req = send(url, options, (res) => {
        clearTimeout(timer)
        resolve(res)
      })
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        if (err.name === 'AbortError') reject(new DOMException('aborted', 'AbortError'))
        else reject(new AdminUnreachableError(this.baseUrl, err.code ?? err.message))
      })
      req.end(body)
    })
  }

  private readAll(res: IncomingMessage, signal?: AbortSignal): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      let text = ''
      const timer = setTimeout(() => {
        res.destroy()
        reject(new AdminUnreachableError(this.baseUrl, 'ETIMEDOUT'))
      }, this.timeoutMs)
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => {
        clearTimeout(timer)
        resolve(text)
      })
      res.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer)
        if (signal?.aborted) reject(new DOMException('aborted', 'AbortError'))
        else reject(new AdminUnreachableError(this.baseUrl, err.code ?? err.message))
      })
    })
  }

  /** Turn an error answer into an AdminResponseError carrying the node's own code and message. */
  private async errorOf(res: IncomingMessage): Promise<AdminResponseError> {
    const status = res.statusCode ?? 0
    let text = ''
    try {
      text = await this.readAll(res)
    } catch {
      // The status alone still says what happened.
    }
    try {
      const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }
      const { code, message } = parsed.error ?? {}
      if (typeof code === 'string' && typeof message === 'string') return new AdminResponseError(status, code, message)
    } catch {
      // Not our JSON error shape: fall through.
    }
    const snippet = text.trim().slice(0, 200)
    return new AdminResponseError(status, `HTTP_${status}`, `the node answered HTTP ${status}${snippet ? `: ${snippet}` : ''}`)
  }
}
