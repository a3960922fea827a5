/**
 * A scriptable stand-in for a node's admin API, for CLI tests: each test
 * says what the routes answer and reads back what the CLI sent.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface RecordedRequest {
  method: string
  url: string
  body: string
  headers: IncomingMessage['headers']
}

export type Handler = (req: RecordedRequest, res: ServerResponse) => void

export interface FakeAdmin {
  /** `127.0.0.1:<port>`, as --admin takes it. */
  readonly address: string
  readonly url: string
  readonly requests: RecordedRequest[]
  /** Answer `METHOD /path` with `handler` (replaces an earlier one). */
  on(route: string, handler: Handler): void
  close(): Promise<void>
}

export function json(status: number, value: unknown): Handler {
  return (_req, res) => {
    const body = JSON.stringify(value)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }
}

export async function startFakeAdmin(): Promise<FakeAdmin> {
  const routes = new Map<string, Handler>()
  const requests: RecordedRequest[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c: string) => (body += c))
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', body, headers: req.headers }
      requests.push(recorded)
      const handler = routes.get(`${recorded.method} ${recorded.url}`)
      if (handler) handler(recorded, res)
      else json(404, { error: { code: 'ERR_NOT_FOUND', message: `no such route: ${recorded.url}` } })(recorded, res)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    address: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    requests,
    on: (route, handler) => void routes.set(route, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

/** A free TCP port with nothing listening on it (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}
