/**
 * A reverse proxy in front of a node's admin API, for browser tests of what a
 * node of this version does not do yet. Everything passes through, the Host
 * header included (so the node's same-origin rule sees the proxy's origin on
 * both sides), except `GET /v1/view` answers, which pass through `rewriteView`.
 */
import { createServer, request } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface AdminProxyOptions {
  rewriteView: (view: Record<string, any>) => void
}

export interface AdminProxy {
  url: string
  close(): Promise<void>
}

export async function startAdminProxy(adminUrl: string, options: AdminProxyOptions): Promise<AdminProxy> {
  const target = new URL(adminUrl)

  const forward = (req: IncomingMessage, res: ServerResponse, rewrite: boolean): void => {
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (!rewrite || answer.statusCode !== 200) {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
          return
        }
        let body = ''
        answer.setEncoding('utf8')
        answer.on('data', (c: string) => (body += c))
        answer.on('end', () => {
          const view = JSON.parse(body) as Record<string, any>
          options.rewriteView(view)
          const text = JSON.stringify(view)
          res.writeHead(200, { ...answer.headers, 'content-length': Buffer.byteLength(text) })
          res.end(text)
        })
      },
    )
    upstream.on('error', () => res.destroy())
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  }

  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://proxy.invalid').pathname
    forward(req, res, req.method === 'GET' && path === '/v1/view')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
