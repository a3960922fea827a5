/**
 * Quick checks of the libp2p host with real nodes in this process on
 * 127.0.0.1. The multi-process scenarios are in P2PHost.process.test.ts.
 */
import { describe, it, expect, afterEach } from 'vitest'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { createP2PHost } from './index.js'
import type { P2PHost, P2PHostOptions } from './P2PHost.js'
import { P2PError } from './P2PError.js'

const hosts: P2PHost[] = []
const servers: Server[] = []
const sockets: Socket[] = []

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy()
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
  await Promise.all(hosts.splice(0).map((h) => h.stop()))
})

async function host(options: Partial<P2PHostOptions> = {}): Promise<P2PHost> {
  const h = await createP2PHost({ fleet: 'test', listen: { host: '127.0.0.1', port: 0 }, seeds: [], mdns: false, ...options })
  hosts.push(h)
  return h
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Publish a fresh message every 500 ms until `arrived(text)` holds for one of them (mesh links form within heartbeats). */
async function publishUntil(what: string, publisher: P2PHost, arrived: (text: string) => boolean, timeoutMs = 30_000, perMessageMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (let n = 0; ; n++) {
    const t = `msg-${n}`
    await publisher.publish(text(t))
    try {
      await waitFor(what, () => arrived(t), Math.min(perMessageMs, deadline - Date.now()))
      return
    } catch (err) {
      if (Date.now() >= deadline) throw err
    }
  }
}

function portOf(h: P2PHost): number {
  const addr = h.addrs()[0] ?? ''
  return Number(/\/tcp\/(\d+)/.exec(addr)?.[1])
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as { port: number }).port
  await new Promise((r) => server.close(r))
  return port
}

async function rejection(p: Promise<unknown>): Promise<P2PError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(P2PError)
  return err as P2PError
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s)
const str = (b: Uint8Array): string => new TextDecoder().decode(b)

describe('createP2PHost options', () => {
  it.each([
    [{ fleet: 'bad fleet' }, 'fleet'],
    [{ listen: { host: 'example.com', port: 1 } }, 'listen.host'],
    [{ listen: { host: '127.0.0.1', port: 70000 } }, 'listen.port'],
    [{ seeds: ['nope'] }, '"nope"'],
    [{ seeds: ['127.0.0.1:0'] }, 'outside 1..65535'],
    [{ mdns: 'yes' }, 'mdns'],
    [{ maxMessageBytes: 0 }, 'maxMessageBytes'],
    [{ sendTimeoutMs: 1.5 }, 'sendTimeoutMs'],
  ])('rejects %j with a RangeError naming %s', async (bad, field) => {
    const p = createP2PHost({ fleet: 'test', listen: { host: '127.0.0.1', port: 0 }, seeds: [], mdns: false, ...bad })
    await expect(p).rejects.toThrow(RangeError)
    await expect(p).rejects.toThrow(field)
  })
})

describe('createP2PHost listen failures', () => {
  it('rejects when the port is taken', async () => {
    const a = await host()
    await expect(host({ listen: { host: '127.0.0.1', port: portOf(a) } })).rejects.toThrow()
  })
})

describe('P2PHost on 127.0.0.1', () => {
  it('listens, joins through a host:port seed, and carries swim, sync and gossip both ways', async () => {
    const a = await host()
    expect(a.peerId).toMatch(/^12D3KooW/)
    expect(a.addrs()).toEqual([expect.stringMatching(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${a.peerId}$`))])
    const aConnected: Array<[string, string[]]> = []
    a.onPeerConnected((peer, addrs) => aConnected.push([peer, addrs]))
    const aGot: string[] = []
    a.onMessage((from, channel, bytes) => aGot.push(`${from} ${channel} ${str(bytes)}`))

    const b = await host({ seeds: [`127.0.0.1:${portOf(a)}`] })
    const bConnected: Array<[string, string[]]> = []
    b.onPeerConnected((peer, addrs) => bConnected.push([peer, addrs]))
    const bGot: string[] = []
    b.onMessage((from, channel, bytes) => bGot.push(`${from} ${channel} ${str(bytes)}`))

    expect(await b.dialSeeds()).toEqual([a.peerId])
    await waitFor('connected events', () => aConnected.length === 1 && bConnected.length === 1)
    // Each side learns where the other *listens* (identify), not a source port.
    expect(aConnected[0]).toEqual([b.peerId, b.addrs()])
    expect(bConnected[0]).toEqual([a.peerId, a.addrs()])
    expect(a.connectedPeers()).toEqual([b.peerId])

    await a.send(b.peerId, 'swim', text('ping'))
    await b.send(a.peerId, 'sync', text('state'))
    await waitFor('direct messages', () => aGot.length === 1 && bGot.length === 1)
    expect(bGot).toEqual([`${a.peerId} swim ping`])
    expect(aGot).toEqual([`${b.peerId} sync state`])

    // The subscription exchange runs right after connecting: publish until it lands.
    await publishUntil('gossip', a, (t) => bGot.includes(`${a.peerId} gossip ${t}`))
    expect(aGot.filter((m) => m.includes('gossip'))).toEqual([]) // emitSelf: false
  })

  it('keeps delivering when a handler throws, and sends an empty frame', async () => {
    const a = await host()
    const b = await host()
    const got: number[] = []
    b.onMessage(() => {
      throw new Error('handler bug')
    })
    const off = b.onMessage((_from, _channel, bytes) => got.push(bytes.byteLength))
    const all: number[] = [] // a listener that stays, to know when the third frame has arrived
    b.onMessage((_from, _channel, bytes) => all.push(bytes.byteLength))
    await a.send(b.peerId, 'swim', new Uint8Array(0), b.addrs())
    await a.send(b.peerId, 'swim', new Uint8Array(5), b.addrs())
    await waitFor('both frames', () => got.length === 2)
    expect(got.sort()).toEqual([0, 5])
    off()
    await a.send(b.peerId, 'swim', new Uint8Array(1))
    await waitFor('the third frame at the remaining listener', () => all.length === 3)
    expect(got).toHaveLength(2) // the unsubscribed listener did not get it
  })

  it('drops an oversized inbound frame without breaking the connection', async () => {
    const a = await host()
    const b = await host({ maxMessageBytes: 1024 })
    const got: number[] = []
    b.onMessage((_from, _channel, bytes) => got.push(bytes.byteLength))
    // a accepts 2 KiB; b's limit is 1 KiB, so b drops the frame at the length prefix.
    await a.send(b.peerId, 'sync', new Uint8Array(2048), b.addrs()).catch(() => undefined)
    // b resets the stream that carried it; a frame written before a learns of the
    // reset may be lost with it (SWIM and push-pull tolerate a lost message), and the
    // next send opens a fresh stream on the same connection.
    await waitFor('a small frame after the oversized one', async () => {
      await a.send(b.peerId, 'sync', new Uint8Array(1024)).catch(() => undefined)
      return got.length > 0
    })
    expect(got.every((n) => n === 1024)).toBe(true)
    expect(b.connectedPeers()).toEqual([a.peerId])
  })

  it('rejects bad sends with coded errors instead of hanging', async () => {
    const a = await host({ maxMessageBytes: 100, sendTimeoutMs: 400 })
    expect((await rejection(a.send(a.peerId, 'swim', text('x')))).code).toBe('P2P_SELF')
    expect((await rejection(a.send('not-a-peer', 'swim', text('x')))).code).toBe('P2P_BAD_PEER_ID')
    expect((await rejection(a.send(a.peerId, 'swim', new Uint8Array(101)))).code).toBe('P2P_MESSAGE_TOO_LARGE')
    expect((await rejection(a.publish(new Uint8Array(101)))).code).toBe('P2P_MESSAGE_TOO_LARGE')

    const other = await host()
    const otherId = other.peerId
    const otherAddrs = other.addrs()
    await other.stop()
    // Nothing listens there any more: refused at once.
    const refused = await rejection(a.send(otherId, 'swim', text('x'), otherAddrs))
    expect(refused.code).toBe('P2P_SEND_FAILED')
    // A peer with no known address at all.
    expect((await rejection(a.send(otherId, 'sync', text('x')))).code).toMatch(/^P2P_SEND_(FAILED|TIMEOUT)$/)

    // A socket that accepts and never speaks: the handshake stalls, the timeout ends it.
    const silent = createServer((s) => sockets.push(s))
    servers.push(silent)
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const port = (silent.address() as { port: number }).port
    const started = Date.now()
    const stalled = await rejection(a.send(otherId, 'swim', text('x'), [`/ip4/127.0.0.1/tcp/${port}/p2p/${otherId}`]))
    expect(stalled.code).toBe('P2P_SEND_TIMEOUT')
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('publishes without peers, and refuses everything once stopped', async () => {
    const a = await host()
    await expect(a.publish(text('alone'))).resolves.toBeUndefined()
    await a.stop()
    await a.stop() // idempotent
    expect((await rejection(a.publish(text('x')))).code).toBe('P2P_STOPPED')
    expect((await rejection(a.send('12D3KooWSiREHvxsfrdqaKt7o1dX5CQFkZnrmKjGoLFz9hGJcmX3', 'swim', text('x')))).code).toBe('P2P_STOPPED')
    expect(await a.dialSeeds()).toEqual([])
  })

  it('hangUp raises disconnect on both sides, and a seed round reconnects', async () => {
    const a = await host()
    const b = await host({ seeds: [`127.0.0.1:${portOf(a)}`] })
    const aDown: string[] = []
    const bDown: string[] = []
    const bUp: string[] = []
    a.onPeerDisconnected((p) => aDown.push(p))
    b.onPeerDisconnected((p) => bDown.push(p))
    b.onPeerConnected((p) => bUp.push(p))
    await waitFor('first connection', () => bUp.length === 1)
    await b.hangUp(a.peerId)
    await waitFor('disconnect events', () => aDown.length === 1 && bDown.length === 1)
    expect(aDown).toEqual([b.peerId])
    expect(bDown).toEqual([a.peerId])
    // The host dials its seeds once by itself, at start; re-dialling is the mesh's SeedRedialer.
    expect(await b.dialSeeds()).toEqual([a.peerId])
    await waitFor('reconnect', () => bUp.length === 2)
    expect(b.connectedPeers()).toEqual([a.peerId])
  })

  it('skips itself among the seeds and looks seed names up on every dial', async () => {
    const port = await freePort()
    const self = await host({ listen: { host: '127.0.0.1', port }, seeds: [`127.0.0.1:${port}`] })
    expect(await self.dialSeeds()).toEqual([])

    const a = await host()
    let answers: Array<{ address: string; family: number }> = []
    const b = await host({
      seeds: [`seeds.test:${portOf(a)}`],
      seedLookup: async () => answers,
    })
    expect(await b.dialSeeds()).toEqual([])
    answers = [{ address: '127.0.0.1', family: 4 }]
    expect(await b.dialSeeds()).toEqual([a.peerId])
    // Already connected: still reported as reached.
    expect(await b.dialSeeds()).toEqual([a.peerId])
  })

  it('accepts a multiaddr seed with /p2p/ and a listener on 0.0.0.0', async () => {
    const a = await host({ listen: { host: '0.0.0.0', port: 0 } })
    expect(a.addrs().some((x) => x.startsWith('/ip4/127.0.0.1/'))).toBe(true)
    expect(a.addrs().every((x) => !x.includes('0.0.0.0') && x.endsWith(`/p2p/${a.peerId}`))).toBe(true)
    const loopback = a.addrs().find((x) => x.startsWith('/ip4/127.0.0.1/')) as string
    const b = await host({ seeds: [loopback] })
    expect(await b.dialSeeds()).toEqual([a.peerId])
  })

  it('gossips to and from 14 peers that share one IP (IP-colocation scoring would silence them)', async () => {
    // With gossipsub's default score, a seed with 14 peers on 127.0.0.1 publishes to none of them.
    const seed = await host()
    const joiners = await Promise.all(Array.from({ length: 14 }, () => host({ seeds: [`127.0.0.1:${portOf(seed)}`] })))
    const got = joiners.map(() => new Set<string>())
    joiners.forEach((j, i) => j.onMessage((_from, channel, bytes) => channel === 'gossip' && got[i]?.add(str(bytes))))
    const atSeed = new Set<string>()
    seed.onMessage((_from, channel, bytes) => channel === 'gossip' && atSeed.add(str(bytes)))
    await waitFor('all joined', () => seed.connectedPeers().length === joiners.length, 30_000)

    await publishUntil('gossip from the seed at every joiner', seed, (t) => got.every((s) => s.has(t)))
    const lastJoiner = joiners[joiners.length - 1] as P2PHost
    // The joiners know only the seed: it relays to its mesh (D=2) and advertises the
    // rest by IHAVE gossip, one heartbeat (1 s) at a time, so one message may take a few.
    await publishUntil(
      'gossip from a joiner at the seed and, relayed, at the other joiners',
      lastJoiner,
      (t) => atSeed.has(t) && got.slice(0, -1).every((s) => s.has(t)),
      45_000,
      8_000,
    )
  })

  it('finds and dials nodes of its own fleet by mDNS, and only those', async () => {
    // Unique fleet names: other programs on this machine may run mDNS too.
    const fleet = `mdns-${process.pid}-${Date.now()}`
    const mdnsHost = (f: string) => host({ fleet: f, listen: { host: '0.0.0.0', port: 0 }, mdns: true, mdnsIntervalMs: 500 })
    const a = await mdnsHost(fleet)
    const aUp: Array<[string, string[]]> = []
    a.onPeerConnected((peer, addrs) => aUp.push([peer, addrs]))
    const [b, other] = await Promise.all([mdnsHost(fleet), mdnsHost(`${fleet}-other`)])
    await waitFor('mDNS discovery', () => a.connectedPeers().includes(b.peerId) && aUp.length > 0, 15_000)
    expect(aUp[0]?.[0]).toBe(b.peerId)
    expect(aUp[0]?.[1].slice().sort()).toEqual(b.addrs().sort())
    expect(a.connectedPeers()).toEqual([b.peerId])
    expect(other.connectedPeers()).toEqual([])
  })
})
