/**
 * One round of seed dialling for the libp2p host: look the seeds up (DNS
 * names afresh every round), skip this node's own addresses, dial the rest at
 * once, and report the peers reached. Rounds never overlap: callers that ask
 * while one runs (start-up, the mesh's join and its `SeedRedialer`) share it.
 *
 * It remembers which peer answered at each seed address, so a seed this node
 * is already connected to is not dialled again, and which seed addresses
 * turned out to be this node (a headless-service name resolves to every
 * instance, this one included), so they are skipped from then on.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Logger } from '../log.js'
import { errorMessage, isDialSelf } from './libp2pErrors.js'
import { resolveSeeds } from './seeds.js'
import type { Seed, SeedLookup } from './seeds.js'

/** Seed address → peer id memory; cleared when full (then re-learnt on the next round). */
const MAX_SEED_PEERS = 1024
/** How often repeated seed failures are logged, ms. */
const LOG_PERIOD_MS = 60_000

/** What the dialler needs from the host. */
export interface SeedDialerHost {
  /** This node's peer id. */
  readonly peerId: string
  /** This node's listen multiaddrs. */
  addrs(): string[]
  /** True if a connection to `peerId` is open. */
  isConnected(peerId: string): boolean
  /** Dial one multiaddr; resolves with the peer id that answered. */
  dial(addr: Multiaddr, signal: AbortSignal): Promise<string>
}

export interface SeedDialerOptions {
  seeds: readonly Seed[]
  lookup: SeedLookup
  /** ms one dial may take. */
  dialTimeoutMs: number
  /** Aborted when the host stops: ends every dial in flight. */
  stopSignal: AbortSignal
  log: Logger
}

/** `/ip4/1.2.3.4/tcp/5/p2p/Qm…` → `/ip4/1.2.3.4/tcp/5`. */
export function transportPart(addr: string): string {
  const i = addr.indexOf('/p2p/')
  return i === -1 ? addr : addr.slice(0, i)
}

export class SeedDialer {
  readonly #host: SeedDialerHost
  readonly #opts: SeedDialerOptions
  /** Transport address of a seed → the peer found there last time. */
  readonly #seedPeers = new Map<string, string>()
  /** Seed addresses that turned out to be this node. */
  readonly #selfAddrs = new Set<string>()
  #round: Promise<string[]> | undefined
  #allSelf = false

  constructor(host: SeedDialerHost, options: SeedDialerOptions) {
    this.#host = host
    this.#opts = options
  }

  /** True if the last round found only this node at every seed address (it is alone by configuration). */
  get allSelf(): boolean {
    return this.#allSelf
  }

  /** Dial every seed once; the peer ids reached. Joins a round in flight. Never rejects. */
  dial(): Promise<string[]> {
    if (this.#opts.stopSignal.aborted || this.#opts.seeds.length === 0) return Promise.resolve([])
    this.#round ??= this.#dialOnce()
      .catch((err: unknown) => {
        this.#opts.log.warn('seed dial round failed', { err })
        return []
      })
      .finally(() => {
        this.#round = undefined
      })
    return this.#round
  }

  async #dialOnce(): Promise<string[]> {
    const { log } = this.#opts
    const addrs = await resolveSeeds(this.#opts.seeds, this.#opts.lookup, (seed, err) => {
      log.rateLimited(`seed-lookup:${seed.input}`, LOG_PERIOD_MS, 'seed lookup failed', { seed: seed.input, err })
    })
    const own = new Set(this.#host.addrs().map(transportPart))
    const targets = addrs.filter((a) => !own.has(transportPart(a)) && !this.#selfAddrs.has(transportPart(a)))
    const results = await Promise.allSettled(targets.map((a) => this.#dialOne(a)))
    const reached = new Set<string>()
    const errors: string[] = []
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') {
        if (r.value !== null) reached.add(r.value)
      } else {
        errors.push(`${targets[i] ?? '?'}: ${errorMessage(r.reason)}`)
      }
    })
    if (errors.length > 0 && !this.#opts.stopSignal.aborted) {
      log.rateLimited('seed-dial', LOG_PERIOD_MS, 'seed dial failed', { failed: errors, reached: reached.size })
    }
    // Every seed address resolved to this node: a fleet of one behind a headless service.
    this.#allSelf = addrs.length > 0 && errors.length === 0 && reached.size === 0
    log.debug('seeds dialled', { targets: targets.length, reached: [...reached] })
    return [...reached]
  }

  /** Dial one resolved seed address; the peer id reached, or null if it is this node. */
  async #dialOne(addr: string): Promise<string | null> {
    const key = transportPart(addr)
    const ma = multiaddr(addr)
    const known = ma.getPeerId() ?? this.#seedPeers.get(key)
    if (known === this.#host.peerId) return null
    if (known !== undefined && this.#host.isConnected(known)) return known
    const signal = AbortSignal.any([AbortSignal.timeout(this.#opts.dialTimeoutMs), this.#opts.stopSignal])
    try {
      const id = await this.#host.dial(ma, signal)
      if (this.#seedPeers.size >= MAX_SEED_PEERS) this.#seedPeers.clear()
      this.#seedPeers.set(key, id)
      return id
    } catch (err) {
      if (isDialSelf(err)) {
        this.#selfAddrs.add(key)
        return null
      }
      throw err
    }
  }
}
