import { describe, it, expect } from 'vitest'
import { parseSeed, resolveSeeds } from './seeds.js'
import type { SeedLookup } from './seeds.js'

const ID = '12D3KooWSiREHvxsfrdqaKt7o1dX5CQFkZnrmKjGoLFz9hGJcmX3'

describe('parseSeed', () => {
  it.each([
    ['10.0.0.1:7946', { kind: 'ip4', host: '10.0.0.1', port: 7946, peerId: null }],
    ['[::1]:7946', { kind: 'ip6', host: '::1', port: 7946, peerId: null }],
    ['seed:7946', { kind: 'dns', host: 'seed', port: 7946, peerId: null }],
    ['breaker.default.svc.cluster.local:1', { kind: 'dns', host: 'breaker.default.svc.cluster.local', port: 1, peerId: null }],
    ['my_service:65535', { kind: 'dns', host: 'my_service', port: 65535, peerId: null }],
    ['  10.0.0.1:7946 ', { kind: 'ip4', host: '10.0.0.1', port: 7946, peerId: null }],
    ['/ip4/127.0.0.1/tcp/7946', { kind: 'ip4', host: '127.0.0.1', port: 7946, peerId: null }],
    [`/ip4/127.0.0.1/tcp/7946/p2p/${ID}`, { kind: 'ip4', host: '127.0.0.1', port: 7946, peerId: ID }],
    ['/ip6/::1/tcp/9', { kind: 'ip6', host: '::1', port: 9, peerId: null }],
    ['/dns4/seed/tcp/7946', { kind: 'dns4', host: 'seed', port: 7946, peerId: null }],
    [`/dns/seed.example/tcp/7946/p2p/${ID}`, { kind: 'dns', host: 'seed.example', port: 7946, peerId: ID }],
    ['/dns6/seed/tcp/7946', { kind: 'dns6', host: 'seed', port: 7946, peerId: null }],
    ['/ip6/::ffff:1.2.3.4/tcp/1', { kind: 'ip6', port: 1, peerId: null }],
  ])('accepts %s', (input, expected) => {
    expect(parseSeed(input)).toMatchObject(expected)
  })

  it.each([
    ['', 'empty'],
    // host:port as core's parseHostPort reads it, plus the seed rules (a port to dial, an IP or a DNS name)
    ['seed', 'missing :port'],
    ['seed:0', 'outside 1..65535'],
    ['[::1]:0', 'outside 1..65535'],
    ['seed:65536', 'the port must be 0..65535'],
    ['seed:http', 'the port must be a number'],
    ['::1:7946', 'put IPv6 addresses in brackets'],
    ['[seed]:7946', 'bad IPv6 address'],
    ['[1.2.3.4]:7946', 'only IPv6 addresses go in brackets'],
    ['[fe80::1%eth0]:7946', 'zone ids'],
    ['300.1.2.3:7946', 'neither an IP address nor a DNS name'],
    ['a..b:7946', 'neither an IP address nor a DNS name'],
    ['bad host:7946', 'bad host'],
    // multiaddrs as @multiformats/multiaddr reads them, plus the seed shape
    ['/ip4/127.0.0.1/udp/7946', '/tcp/<port>'],
    ['/ip4/127.0.0.1/tcp/0', 'outside 1..65535'],
    ['/ip4/seed/tcp/7946', 'Invalid IPv4 address'],
    ['/ip6/1.2.3.4/tcp/7946', 'Invalid IPv6 address'],
    ['/ip4/127.0.0.1/tcp/99999', 'not a multiaddr'],
    ['/dns4/bad_host!/tcp/7946', 'not a DNS name'],
    ['/ip4/127.0.0.1/tcp/7946/p2p/notapeerid', 'not a peer id'],
    ['/ip4/127.0.0.1/tcp/7946/ws', 'only /p2p/'],
    [`/ip4/127.0.0.1/tcp/7946/p2p/${ID}/p2p/${ID}`, 'only /p2p/'],
    [`/ip4/127.0.0.1/tcp/7946/p2p/${ID}/extra`, 'not a multiaddr'],
    ['/dnsaddr/seed/tcp/1', 'unsupported protocol /dnsaddr'],
    ['/unix/tmp/x/tcp/1', 'not a multiaddr'],
    ['/ip4', 'not a multiaddr'],
  ])('rejects %j with a RangeError naming it (%s)', (input, why) => {
    let caught: unknown
    try {
      parseSeed(input)
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(RangeError)
    expect((caught as Error).message).toContain(JSON.stringify(input.trim() === '' ? input : input.trim()))
    expect((caught as Error).message).toContain(why)
  })
})

describe('resolveSeeds', () => {
  function fakeLookup(table: Record<string, Array<{ address: string; family: number }>>): SeedLookup & { calls: Array<[string, number]> } {
    const calls: Array<[string, number]> = []
    const fn = async (host: string, family: 0 | 4 | 6) => {
      calls.push([host, family])
      const answers = table[host]
      if (answers === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })
      return answers.filter((a) => family === 0 || a.family === family)
    }
    return Object.assign(fn, { calls })
  }

  it('turns IP seeds into multiaddrs without any lookup', async () => {
    const lookup = fakeLookup({})
    const out = await resolveSeeds(['10.0.0.1:7946', '[::1]:1', `/ip4/10.0.0.2/tcp/3/p2p/${ID}`], lookup)
    expect(out).toEqual(['/ip4/10.0.0.1/tcp/7946', '/ip6/::1/tcp/1', `/ip4/10.0.0.2/tcp/3/p2p/${ID}`])
    expect(lookup.calls).toEqual([])
  })

  it('expands a name to every address it has (headless service), keeping /p2p/', async () => {
    const lookup = fakeLookup({
      svc: [
        { address: '10.1.0.1', family: 4 },
        { address: '10.1.0.2', family: 4 },
        { address: 'fd00::3', family: 6 },
      ],
    })
    expect(await resolveSeeds(['svc:7946'], lookup)).toEqual(['/ip4/10.1.0.1/tcp/7946', '/ip4/10.1.0.2/tcp/7946', '/ip6/fd00::3/tcp/7946'])
    expect(await resolveSeeds(['/dns4/svc/tcp/7'], lookup)).toEqual(['/ip4/10.1.0.1/tcp/7', '/ip4/10.1.0.2/tcp/7'])
    expect(await resolveSeeds([`/dns6/svc/tcp/7/p2p/${ID}`], lookup)).toEqual([`/ip6/fd00::3/tcp/7/p2p/${ID}`])
    expect(lookup.calls).toEqual([['svc', 0], ['svc', 4], ['svc', 6]])
  })

  it('looks names up again on every call (instances come and go)', async () => {
    const table: Record<string, Array<{ address: string; family: number }>> = { svc: [{ address: '10.0.0.1', family: 4 }] }
    const lookup = fakeLookup(table)
    expect(await resolveSeeds(['svc:1'], lookup)).toEqual(['/ip4/10.0.0.1/tcp/1'])
    table.svc = [{ address: '10.0.0.9', family: 4 }]
    expect(await resolveSeeds(['svc:1'], lookup)).toEqual(['/ip4/10.0.0.9/tcp/1'])
    expect(lookup.calls).toHaveLength(2)
  })

  it('skips a name that does not resolve, reports it, and keeps the others', async () => {
    const lookup = fakeLookup({ good: [{ address: '10.0.0.1', family: 4 }] })
    const errors: string[] = []
    const out = await resolveSeeds(['gone:1', 'good:2', '10.0.0.1:2'], lookup, (seed, err) => {
      errors.push(`${seed.input}: ${(err as Error).message}`)
    })
    expect(out).toEqual(['/ip4/10.0.0.1/tcp/2'])
    expect(errors).toEqual(['gone:1: getaddrinfo ENOTFOUND gone'])
  })

  it('rejects a malformed seed string with its RangeError', async () => {
    await expect(resolveSeeds(['ok:1', 'nope'], fakeLookup({}))).rejects.toThrow(RangeError)
  })

  it('resolves localhost with the system resolver', async () => {
    const out = await resolveSeeds(['localhost:7946'])
    expect(out.length).toBeGreaterThan(0)
    expect(out.every((a) => /^\/ip[46]\/[^/]+\/tcp\/7946$/.test(a))).toBe(true)
  })
})
