import { describe, expect, it } from 'vitest'
import { FleetKeyError, formatFleetKey, parseFleetKey } from './fleetKey.js'
import { isLoopbackHost } from './isLoopbackHost.js'
import { checkAdminToken } from './adminToken.js'

const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff)

describe('fleet key', () => {
  it('round-trips through the swarm-key format', () => {
    const text = formatFleetKey(KEY)
    expect(text.split('\n').slice(0, 2)).toEqual(['/key/swarm/psk/1.0.0/', '/base16/'])
    expect(text.endsWith('\n')).toBe(true)
    expect(parseFleetKey(text)).toEqual(KEY)
    expect(parseFleetKey(new TextEncoder().encode(text))).toEqual(KEY)
    expect(parseFleetKey(text.replace(/\n/g, '\r\n'))).toEqual(KEY)
  })

  it('takes 32 raw bytes as they are', () => {
    expect(parseFleetKey(KEY)).toEqual(KEY)
  })

  it.each([
    ['', /empty/],
    ['   \n', /empty/],
    ['hello', /first line/],
    ['/key/swarm/psk/1.0.0/\n/base64/\nabc', /second line/],
    ['/key/swarm/psk/1.0.0/\n/base16/\n1234', /64 hex digits, got 4/],
    [`/key/swarm/psk/1.0.0/\n/base16/\n${'g'.repeat(64)}`, /hex digits/],
    [`/key/swarm/psk/1.0.0/\n/base16/\n${'a'.repeat(64)}\nmore`, /after the key/],
  ])('refuses %j with a FleetKeyError', (text, message) => {
    let caught: unknown
    try {
      parseFleetKey(text)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(FleetKeyError)
    expect((caught as FleetKeyError).code).toBe('ERR_INVALID_FLEET_KEY')
    expect((caught as Error).message).toMatch(message)
  })

  it('refuses a key of the wrong length to format', () => {
    expect(() => formatFleetKey(new Uint8Array(16))).toThrow(FleetKeyError)
  })
})

describe('isLoopbackHost', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['::2', false],
    ['fe80::1', false],
    ['example.com', false],
    ['127.0.0.256', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected)
  })
})

describe('checkAdminToken', () => {
  it('accepts 16..4096 visible ASCII characters', () => {
    expect(() => checkAdminToken('a'.repeat(16), 'token')).not.toThrow()
    expect(() => checkAdminToken('0123456789abcdef!#$%', 'token')).not.toThrow()
  })
  it.each([
    ['a'.repeat(15), /16\.\.4096.*got 15 characters/],
    ['a'.repeat(4097), /got 4097 characters/],
    ['with a space in it ok', /spaces/],
    ['ünïcödeünïcödeüü', /non-ASCII/],
    [42, /got number/],
  ])('refuses %j naming the field', (token, message) => {
    expect(() => checkAdminToken(token, 'admin.token')).toThrow(RangeError)
    expect(() => checkAdminToken(token, 'admin.token')).toThrow(/^admin\.token must be/)
    expect(() => checkAdminToken(token, 'admin.token')).toThrow(message)
  })
})
