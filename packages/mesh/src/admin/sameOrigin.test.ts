import { describe, expect, it } from 'vitest'
import { isSameOrigin } from './sameOrigin.js'

describe('isSameOrigin', () => {
  it.each([
    ['http://127.0.0.1:7947', '127.0.0.1:7947', true],
    ['http://localhost:7947', 'localhost:7947', true],
    ['http://LOCALHOST:7947', 'localhost:7947', true],
    ['http://[::1]:7947', '[::1]:7947', true],
    ['http://node-1.mesh.svc:80', 'node-1.mesh.svc', true],
    ['http://node-1.mesh.svc', 'node-1.mesh.svc:80', true],
  ])('%s for Host %s → %s', (origin, host, expected) => expect(isSameOrigin(origin, host)).toBe(expected))

  it.each([
    ['http://evil.example', '127.0.0.1:7947'],
    ['http://127.0.0.1:7948', '127.0.0.1:7947'],
    ['https://127.0.0.1:7947', '127.0.0.1:7947'],
    ['http://localhost:7947', '127.0.0.1:7947'],
    ['null', '127.0.0.1:7947'],
    ['', '127.0.0.1:7947'],
    ['not a url', '127.0.0.1:7947'],
    ['http://127.0.0.1:7947/path', '127.0.0.1:7947'],
    ['http://user@127.0.0.1:7947', '127.0.0.1:7947'],
    ['http://127.0.0.1:7947', 'user@127.0.0.1:7947'],
    ['http://127.0.0.1:7947', '127.0.0.1:7947/x'],
    ['http://127.0.0.1:7947', undefined],
    ['http://127.0.0.1:7947', ''],
  ])('refuses %s for Host %s', (origin, host) => expect(isSameOrigin(origin, host)).toBe(false))
})
