import { describe, expect, it } from 'vitest'
import { AdminApi, AdminApiError } from './AdminApi.js'

interface Seen {
  url: string
  init: RequestInit | undefined
}

function fakeFetch(answer: (url: string, init?: RequestInit) => Response | Promise<Response>) {
  const seen: Seen[] = []
  const fetcher = async (url: string, init?: RequestInit): Promise<Response> => {
    seen.push({ url, init })
    return answer(url, init)
  }
  return { fetcher, seen }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

describe('AdminApi', () => {
  it('posts actions with the reason, and the token once it is set', async () => {
    const { fetcher, seen } = fakeFetch(() => json(200, { ok: true, breaker: { name: 'a b', state: 'open' } }))
    const api = new AdminApi('', fetcher)
    expect(await api.act('force-open', 'a b', 'incident')).toMatchObject({ state: 'open' })
    expect(seen[0]?.url).toBe('/v1/breakers/a%20b/force-open')
    expect(seen[0]?.init?.method).toBe('POST')
    expect(seen[0]?.init?.body).toBe('{"reason":"incident"}')
    expect((seen[0]?.init?.headers as Record<string, string>)['authorization']).toBeUndefined()

    api.token = 's3cret'
    await api.act('reset', 'a b', 'ignored for reset')
    expect(seen[1]?.init?.body).toBe('{}')
    expect((seen[1]?.init?.headers as Record<string, string>)['authorization']).toBe('Bearer s3cret')
  })

  it('turns error answers into AdminApiError with the node\'s code; 401 is `unauthorized`', async () => {
    const api401 = new AdminApi('', fakeFetch(() => json(401, { error: { code: 'ERR_UNAUTHORIZED', message: 'token needed' } })).fetcher)
    const err = await api401.act('force-open', 'x').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AdminApiError)
    expect(err).toMatchObject({ code: 'ERR_UNAUTHORIZED', message: 'token needed', status: 401, unauthorized: true })

    const proxyPage = new AdminApi('', fakeFetch(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' })).fetcher)
    expect(await proxyPage.view().catch((e: unknown) => e)).toMatchObject({ code: 'HTTP_502', message: 'Bad Gateway', unauthorized: false })

    const down = new AdminApi('', async () => Promise.reject(new TypeError('fetch failed')))
    expect(await down.stats().catch((e: unknown) => e)).toMatchObject({ code: 'ERR_NETWORK', status: 0 })
  })

  it('reads the view with the node\'s Date header, and rejects answers of the wrong shape', async () => {
    const view = { node: { id: 'a', name: 'n1', fleet: 'f', addrs: [] }, members: [], breakers: [] }
    const date = 'Sun, 29 Nov 2026 10:00:00 GMT'
    const api = new AdminApi('', fakeFetch(() => json(200, view, { date })).fetcher)
    expect(await api.view()).toEqual({ view, serverDate: Date.parse(date) })

    const wrong = new AdminApi('', fakeFetch(() => json(200, { hello: 'world' })).fetcher)
    expect(await wrong.view().catch((e: unknown) => e)).toMatchObject({ code: 'ERR_BAD_RESPONSE' })
    expect(await wrong.stats().catch((e: unknown) => e)).toMatchObject({ code: 'ERR_BAD_RESPONSE' })
    const notJson = new AdminApi('', fakeFetch(() => new Response('ok')).fetcher)
    expect(await notJson.view().catch((e: unknown) => e)).toMatchObject({ code: 'ERR_BAD_RESPONSE' })
  })
})
