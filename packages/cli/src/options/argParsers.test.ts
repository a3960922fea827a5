import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { adminUrlArg, fleetArg, joinArg, parseSwitch, rpsArg, targetUrlArg, textArg } from './argParsers.js'

describe('argument parsers', () => {
  it('adminUrlArg takes host:port or a URL', () => {
    expect(adminUrlArg('127.0.0.1:7947')).toBe('http://127.0.0.1:7947')
    expect(adminUrlArg('[::1]:7947')).toBe('http://[::1]:7947')
    expect(adminUrlArg('http://node-3:9000/')).toBe('http://node-3:9000')
    expect(() => adminUrlArg('127.0.0.1:0')).toThrow(InvalidArgumentError)
    expect(() => adminUrlArg('http://x:1/?q=1')).toThrow(InvalidArgumentError)
  })

  it('joinArg splits commas and spaces, accumulates, checks each seed', () => {
    expect(joinArg('a:1, b:2  /ip4/1.2.3.4/tcp/5/p2p/12D3KooWx', undefined)).toEqual(['a:1', 'b:2', '/ip4/1.2.3.4/tcp/5/p2p/12D3KooWx'])
    expect(joinArg('c:3', ['a:1'])).toEqual(['a:1', 'c:3'])
    expect(() => joinArg('a:1,bad', undefined)).toThrow(/"bad"/)
    expect(() => joinArg('/ip4', undefined)).toThrow(/multiaddr/)
    expect(() => joinArg('a:0', undefined)).toThrow(/1\.\.65535/)
    expect(() => joinArg('[::1]:0', undefined)).toThrow(InvalidArgumentError)
  })

  it('rpsArg accepts positive rates up to 10000', () => {
    expect(rpsArg('0.5')).toBe(0.5)
    expect(rpsArg('10000')).toBe(10_000)
    for (const bad of ['', ' ', 'abc', '0', '-1', '10001', 'Infinity', 'NaN']) expect(() => rpsArg(bad), bad).toThrow(InvalidArgumentError)
  })

  it('targetUrlArg, fleetArg, textArg, parseSwitch', () => {
    expect(targetUrlArg('http://svc:8080/health')).toBe('http://svc:8080/health')
    expect(() => targetUrlArg('svc:8080')).toThrow(InvalidArgumentError)
    expect(fleetArg('check-out_1.a')).toBe('check-out_1.a')
    expect(() => fleetArg('x'.repeat(65))).toThrow(InvalidArgumentError)
    expect(textArg(3)('abc')).toBe('abc')
    expect(() => textArg(3)('abcd')).toThrow(/1\.\.3/)
    expect(() => textArg(3)('')).toThrow(InvalidArgumentError)
    expect(['0', 'false', 'OFF', 'no'].map(parseSwitch)).toEqual([false, false, false, false])
    expect(['1', 'true', 'On', 'yes'].map(parseSwitch)).toEqual([true, true, true, true])
    expect(() => parseSwitch('maybe')).toThrow(InvalidArgumentError)
  })
})
