import { describe, expect, it } from 'vitest'
import { formatFleetKey } from '@breaker-mesh/core'
import { resolveMeshOptions } from './resolveMeshOptions.js'

const KEY = formatFleetKey(new Uint8Array(32).fill(7))
const TOKEN = 'tok-0123456789abcdef'

describe('resolveMeshOptions: protected mode', () => {
  it('refuses a non-loopback listen address without a fleet key, naming what to set', () => {
    expect(() => resolveMeshOptions({})).toThrow(/refusing to listen on 0\.0\.0\.0:7946 without a fleet key.*fleetKey/)
    try {
      resolveMeshOptions({ listen: '10.0.0.1:7946' })
    } catch (err) {
      expect((err as { code?: string }).code).toBe('ERR_INSECURE_CONFIG')
    }
  })

  it('accepts loopback without a key, a key anywhere, or insecure', () => {
    expect(resolveMeshOptions({ listen: '127.0.0.1:0' }).fleetKey).toBeUndefined()
    expect(resolveMeshOptions({ listen: '[::1]:0' }).fleetKey).toBeUndefined()
    expect(resolveMeshOptions({ listen: '0.0.0.0:0', fleetKey: KEY }).fleetKey).toEqual(new Uint8Array(32).fill(7))
    expect(resolveMeshOptions({ listen: '0.0.0.0:0', fleetKey: new TextEncoder().encode(KEY) }).fleetKey).toHaveLength(32)
    expect(resolveMeshOptions({ listen: '0.0.0.0:0', fleetKey: new Uint8Array(32) }).fleetKey).toHaveLength(32)
    expect(resolveMeshOptions({ listen: '0.0.0.0:0', insecure: true }).insecure).toBe(true)
  })

  it('a malformed key is a FleetKeyError, never "no key"', () => {
    expect(() => resolveMeshOptions({ listen: '127.0.0.1:0', fleetKey: 'nope' })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_FLEET_KEY' }))
    expect(() => resolveMeshOptions({ listen: '127.0.0.1:0', fleetKey: new Uint8Array(31) })).toThrow(/first line/)
  })

  it('refuses a non-loopback admin API without a token; takes one with', () => {
    expect(() => resolveMeshOptions({ listen: '127.0.0.1:0', admin: { listen: '0.0.0.0:0' } })).toThrow(/admin API on 0\.0\.0\.0:0 without a token/)
    const admin = resolveMeshOptions({ listen: '127.0.0.1:0', admin: { listen: '0.0.0.0:0', token: TOKEN } }).admin
    expect(admin).toEqual({ listen: { host: '0.0.0.0', port: 0 }, token: TOKEN, allowedHosts: undefined })
    expect(resolveMeshOptions({ listen: '127.0.0.1:0', admin: {} }).admin).toEqual({ listen: { host: '127.0.0.1', port: 7947 }, token: undefined, allowedHosts: undefined })
    expect(resolveMeshOptions({ listen: '127.0.0.1:0', admin: { allowedHosts: ['node1'] } }).admin?.allowedHosts).toEqual(['node1'])
    expect(() => resolveMeshOptions({ listen: '127.0.0.1:0', admin: { allowedHosts: 'node1' as unknown as string[] } })).toThrow(/allowedHosts/)
    expect(resolveMeshOptions({ listen: '127.0.0.1:0', admin: false }).admin).toBeUndefined()
    expect(() => resolveMeshOptions({ listen: '127.0.0.1:0', admin: { token: 'short' } })).toThrow(/admin\.token must be 16\.\.4096/)
  })
})
