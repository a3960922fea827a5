/**
 * Defaults and validation of P2PHostOptions. Every setting names its unit and
 * what moving it costs.
 */
import { isIPv4, isIPv6 } from 'node:net'
import { WIRE_LIMITS, booleanOption, fleetName, functionOption, integerIn } from '@breaker-mesh/core'
import { parseSeed, systemSeedLookup } from './seeds.js'
import type { Seed, SeedLookup } from './seeds.js'
import type { P2PHostOptions } from './P2PHost.js'

export const defaultP2PHostOptions = {
  /**
   * Largest message (bytes) on every channel: one direct frame, one gossip
   * payload [the wire's own limit, `WIRE_LIMITS.maxMessageBytes`, 640 KiB:
   * the largest legitimate message; push-pull is paged to stay under it].
   * All nodes must agree: a receiver drops frames above its own limit. It
   * also sizes the receive budgets (a peer may hold twice this unfinished).
   */
  maxMessageBytes: WIRE_LIMITS.maxMessageBytes,
  /**
   * ms a `send` may take in all: dial, protocol negotiation, write. SWIM's
   * probe timeout is shorter, so a late frame is useless anyway; longer only
   * keeps dead sends (and their sockets) around.
   */
  sendTimeoutMs: 2000,
  /**
   * ms a seed or mDNS dial may take. A TCP connect plus Noise and Yamux on a
   * LAN takes milliseconds; this bounds a blackholed address.
   */
  dialTimeoutMs: 5000,
  /**
   * ms `onPeerConnected` waits for the peer's identify (its listen addrs)
   * before it fires with the addrs known so far. Identify takes a round trip;
   * a peer that never answers it still gets announced after this.
   */
  identifyWaitMs: 1000,
  /**
   * ms between mDNS queries. Lower finds new nodes sooner at the cost of
   * multicast chatter; new nodes query at once on start, so this only matters
   * for nodes whose first query was lost.
   */
  mdnsIntervalMs: 5000,
  /**
   * ms a frame may take from its first byte to its last. An honest frame
   * arrives in milliseconds; a peer that announces a frame and trickles it
   * (holding our buffer) has its stream reset after this. Lower frees such
   * buffers sooner; too low cuts off big syncs on a congested link.
   */
  partialFrameTimeoutMs: 10_000,
  /**
   * Bytes of unfinished frames one peer may have buffered here, in all its
   * streams [2 × maxMessageBytes]. Over it, the stream is reset and counted
   * (`frame-budget`). Bounds what one connection can pin in memory.
   */
  peerBufferBytes: undefined as number | undefined,
  /** Bytes of unfinished frames all peers together may have buffered [max(32 MiB, 4 × maxMessageBytes)]. */
  totalBufferBytes: undefined as number | undefined,
  /**
   * ms of message handling (decode, merge, SWIM) per event-loop turn before
   * the node yields to timers, the admin API and other peers. Lower keeps the
   * admin API snappier under a flood; higher handles a burst in fewer turns.
   */
  turnBudgetMs: 5,
  /**
   * Frames that may wait per peer before that peer's streams are paused
   * (backpressure) and its gossip dropped (`inbox-full`).
   */
  inboxFrames: 512,
}

export interface ResolvedP2PHostOptions {
  fleet: string
  /** The listen multiaddr, e.g. /ip4/0.0.0.0/tcp/7946. */
  listenAddr: string
  seeds: Seed[]
  mdns: boolean
  maxMessageBytes: number
  sendTimeoutMs: number
  dialTimeoutMs: number
  identifyWaitMs: number
  mdnsIntervalMs: number
  partialFrameTimeoutMs: number
  peerBufferBytes: number
  totalBufferBytes: number
  turnBudgetMs: number
  inboxFrames: number
  seedLookup: SeedLookup
  /** 32 bytes, or undefined for an open (unkeyed) host. */
  fleetKey: Uint8Array | undefined
}

/** 1 GiB: the length prefix and buffers are not meant for more. */
const MAX_MESSAGE_BYTES = 1024 * 1024 * 1024
const MAX = Number.MAX_SAFE_INTEGER

function listenAddr(listen: unknown): string {
  const l = listen as { host?: unknown; port?: unknown } | null
  if (l === null || typeof l !== 'object') {
    throw new RangeError(`listen must be { host, port }, got ${JSON.stringify(listen)}`)
  }
  const { host } = l
  const port = integerIn('listen.port', l.port, 0, 65535) // 0 = any free port
  if (host === 'localhost') return `/ip4/127.0.0.1/tcp/${port}`
  if (typeof host === 'string' && isIPv4(host)) return `/ip4/${host}/tcp/${port}`
  if (typeof host === 'string' && isIPv6(host) && !host.includes('%')) return `/ip6/${host}/tcp/${port}`
  throw new RangeError(`listen.host must be an IP address (e.g. 0.0.0.0, 127.0.0.1, ::), got ${JSON.stringify(host)}`)
}

/** Apply defaults and validate; throws a RangeError naming the bad field and value. */
export function resolveP2PHostOptions(options: P2PHostOptions): ResolvedP2PHostOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('P2PHost options must be an object')
  const fleet = fleetName('fleet', options.fleet)
  const { seeds } = options
  if (!Array.isArray(seeds)) throw new RangeError(`seeds must be an array of strings, got ${JSON.stringify(seeds)}`)
  const mdns = booleanOption('mdns', options.mdns)
  const seedLookup = functionOption<SeedLookup>('seedLookup', options.seedLookup)
  const { fleetKey } = options
  if (fleetKey !== undefined && (!(fleetKey instanceof Uint8Array) || fleetKey.byteLength !== 32)) {
    const got = fleetKey instanceof Uint8Array ? `${fleetKey.byteLength} bytes` : typeof fleetKey
    throw new RangeError(`fleetKey must be 32 bytes (see parseFleetKey), got ${got}`)
  }
  const d = defaultP2PHostOptions
  const maxMessageBytes = integerIn('maxMessageBytes', options.maxMessageBytes, 1, MAX_MESSAGE_BYTES, d.maxMessageBytes)
  const peerBufferBytes = integerIn('peerBufferBytes', options.peerBufferBytes, 1, MAX, 2 * maxMessageBytes)
  const totalBufferBytes = integerIn('totalBufferBytes', options.totalBufferBytes, 1, MAX, Math.max(32 * 1024 * 1024, 4 * maxMessageBytes))
  if (peerBufferBytes < maxMessageBytes) {
    throw new RangeError(`peerBufferBytes must be at least maxMessageBytes (${maxMessageBytes}), got ${peerBufferBytes}`)
  }
  if (totalBufferBytes < peerBufferBytes) {
    throw new RangeError(`totalBufferBytes must be at least peerBufferBytes (${peerBufferBytes}), got ${totalBufferBytes}`)
  }
  return {
    fleet,
    listenAddr: listenAddr(options.listen),
    seeds: seeds.map((s: unknown) => parseSeed(s as string)),
    mdns,
    maxMessageBytes,
    partialFrameTimeoutMs: integerIn('partialFrameTimeoutMs', options.partialFrameTimeoutMs, 1, MAX, d.partialFrameTimeoutMs),
    peerBufferBytes,
    totalBufferBytes,
    turnBudgetMs: integerIn('turnBudgetMs', options.turnBudgetMs, 1, 1000, d.turnBudgetMs),
    inboxFrames: integerIn('inboxFrames', options.inboxFrames, 1, MAX, d.inboxFrames),
    sendTimeoutMs: integerIn('sendTimeoutMs', options.sendTimeoutMs, 1, MAX, d.sendTimeoutMs),
    dialTimeoutMs: integerIn('dialTimeoutMs', options.dialTimeoutMs, 1, MAX, d.dialTimeoutMs),
    identifyWaitMs: integerIn('identifyWaitMs', options.identifyWaitMs, 1, MAX, d.identifyWaitMs),
    mdnsIntervalMs: integerIn('mdnsIntervalMs', options.mdnsIntervalMs, 1, MAX, d.mdnsIntervalMs),
    seedLookup: seedLookup ?? systemSeedLookup,
    fleetKey: fleetKey === undefined ? undefined : Uint8Array.from(fleetKey),
  }
}
