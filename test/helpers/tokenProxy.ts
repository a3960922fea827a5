/**
 * A reverse proxy in front of a node's admin API that refuses every POST
 * without `Authorization: Bearer <token>` with the admin server's 401 shape
 * (`{ error: { code: 'ERR_UNAUTHORIZED' } }`) and passes everything else
 * through, the Host header included, so the node's same-origin rule sees the
 * proxy's origin on both sides. It lets the browser test drive the
 * dashboard's token prompt against a real node.
 */
import { createServer, request } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface TokenProxy {
  url: string
  /** POSTs refused for a missing or wrong token. */
  refused: number
  /** Authorization headers of the POSTs let through. */
  accepted: string[]
  close(): Promise<void>
}

export async function startTokenProxy(adminUrl: string, token: string): Promise<TokenProxy> {
  const target = new URL(adminUrl)
  const state = { refused: 0, accepted: [] as string[] }
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST') {
      const auth = req.headers.authorization
      if (auth !== `Bearer ${token}`) {
        state.refused++
        req.resume()
        const body = JSON.stringify({ error: { code: 'ERR_UNAUTHORIZED', message: 'this node requires its admin token' } })
        res.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
        res.end(body)
        return
      }
      state.accepted.push(auth)
    }
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get refused() {
      return state.refused
    },
    get accepted() {
      return state.accepted
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
