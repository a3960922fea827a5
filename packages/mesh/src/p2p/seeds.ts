/**
 * Seeds: the addresses a node dials to join a fleet (`--join`).
 *
 * Accepted forms (docs/ARCHITECTURE.md, "Protocols"):
 *   host:port                      1.2.3.4:7946, [::1]:7946, seed.svc.cluster.local:7946
 *   multiaddr                      /ip4/1.2.3.4/tcp/7946, /ip6/::1/tcp/7946,
 *                                  /dns4/seed/tcp/7946, /dns6/…, /dns/…
 *   either multiaddr + /p2p/<id>   /ip4/1.2.3.4/tcp/7946/p2p/12D3KooW…
 *
 * `host:port` is read by core's `parseHostPort` (the one host:port parser of
 * the project) and multiaddrs by `@multiformats/multiaddr`; on top of those a
 * seed must name a port to dial (not 0) and a host that is an IP address or
 * a DNS name.
 *
 * A DNS name is looked up again on every `resolveSeeds` call, never cached:
 * a Kubernetes headless service or a docker-compose service name answers with
 * the addresses of the instances alive *now*, one per instance, and each is
 * dialled.
 */
import { promises as dnsPromises } from 'node:dns'
import { isIPv4, isIPv6 } from 'node:net'
import { parseHostPort } from '@breaker-mesh/core'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { Multiaddr } from '@multiformats/multiaddr'

/** How the host of a seed is written; `dns` resolves to both IPv4 and IPv6. */
export type SeedKind = 'ip4' | 'ip6' | 'dns' | 'dns4' | 'dns6'

export interface Seed {
  /** The seed exactly as given, for messages. */
  readonly input: string
  readonly kind: SeedKind
  /** IP literal (IPv6 without brackets) or DNS name. */
  readonly host: string
  /** TCP port, 1..65535. */
  readonly port: number
  /** The expected peer id, if the seed named one (`/p2p/<id>`). */
  readonly peerId: string | null
}

/** One resolved address, as `dns.promises.lookup(host, { all: true })` returns them. */
export interface SeedAddress {
  address: string
  family: number
}

/**
 * Resolve a DNS name: `family` 4 or 6 restricts the answer, 0 accepts both.
 * The default uses the system resolver (getaddrinfo: /etc/hosts, search
 * domains, the container's DNS), as every other program on the host would.
 */
export type SeedLookup = (hostname: string, family: 0 | 4 | 6) => Promise<SeedAddress[]>

export const systemSeedLookup: SeedLookup = (hostname, family) =>
  dnsPromises.lookup(hostname, { all: true, family, verbatim: true })

const FORMS = 'host:port, [ipv6]:port or /ip4|/ip6|/dns|/dns4|/dns6/<host>/tcp/<port>[/p2p/<peer id>]'
const HOST_KINDS: readonly string[] = ['ip4', 'ip6', 'dns', 'dns4', 'dns6']

const LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?'
const DNS_NAME_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`)

function bad(input: string, why: string, cause?: unknown): RangeError {
  return new RangeError(`seed ${JSON.stringify(input)} is invalid (${why}); expected ${FORMS}`, { cause })
}

/** A seed is dialled: port 0 ("any free port") means nothing there. */
function dialPort(input: string, port: number): number {
  if (port < 1 || port > 65535) throw bad(input, `port ${port} is outside 1..65535: a seed needs the port its node listens on`)
  return port
}

function isDnsName(host: string): boolean {
  if (host.length === 0 || host.length > 253 || !DNS_NAME_RE.test(host)) return false
  // "300.1.2.3" or "1.2.3" look like names to the regex but are broken IPs:
  // no top-level domain is all digits.
  const labels = host.replace(/\.$/, '').split('.')
  return !/^\d+$/.test(labels[labels.length - 1] ?? '')
}

function parsePeerId(input: string, text: string): string {
  try {
    return peerIdFromString(text).toString()
  } catch (err) {
    throw bad(input, `${JSON.stringify(text)} is not a peer id`, err)
  }
}

function parseMultiaddrSeed(input: string): Seed {
  let ma: Multiaddr
  try {
    ma = multiaddr(input)
  } catch (err) {
    throw bad(input, `not a multiaddr: ${err instanceof Error ? err.message : String(err)}`, err)
  }
  const [where, transport, p2p, ...rest] = ma.getComponents()
  if (where === undefined || !HOST_KINDS.includes(where.name)) throw bad(input, `unsupported protocol /${where?.name ?? ''}`)
  if (transport?.name !== 'tcp' || transport.value === undefined) {
    throw bad(input, 'a multiaddr seed must be /<ip4|ip6|dns|dns4|dns6>/<host>/tcp/<port>')
  }
  if (rest.length > 0 || (p2p !== undefined && (p2p.name !== 'p2p' || p2p.value === undefined))) {
    throw bad(input, 'only /p2p/<peer id> may follow /tcp/<port>')
  }
  const port = dialPort(input, Number(transport.value))
  const peerId = p2p?.value === undefined ? null : parsePeerId(input, p2p.value)
  const host = where.value ?? ''
  const kind = where.name as SeedKind
  if ((kind === 'dns' || kind === 'dns4' || kind === 'dns6') && !isDnsName(host)) {
    throw bad(input, `${JSON.stringify(host)} is not a DNS name`)
  }
  if (kind === 'ip6' && host.includes('%')) throw bad(input, 'IPv6 zone ids are not supported')
  return { input, kind, host, port, peerId }
}

function parseHostPortSeed(input: string): Seed {
  let host: string
  let port: number
  try {
    ;({ host, port } = parseHostPort(input))
  } catch (err) {
    throw bad(input, err instanceof Error ? err.message : String(err), err)
  }
  dialPort(input, port)
  if (input.startsWith('[')) {
    if (!isIPv6(host)) throw bad(input, 'only IPv6 addresses go in brackets')
    if (host.includes('%')) throw bad(input, 'IPv6 zone ids are not supported')
    return { input, kind: 'ip6', host, port, peerId: null }
  }
  if (isIPv4(host)) return { input, kind: 'ip4', host, port, peerId: null }
  if (isDnsName(host)) return { input, kind: 'dns', host, port, peerId: null }
  throw bad(input, `host ${JSON.stringify(host)} is neither an IP address nor a DNS name`)
}

/** Parse one seed; throws a RangeError naming the seed when it is malformed. */
export function parseSeed(s: string): Seed {
  if (typeof s !== 'string') throw new RangeError(`seed must be a string, got ${String(s)}`)
  const input = s.trim()
  if (input === '') throw bad(s, 'empty')
  return input.startsWith('/') ? parseMultiaddrSeed(input) : parseHostPortSeed(input)
}

function toMultiaddr(family: 4 | 6, address: string, seed: Seed): string {
  const base = `/ip${family}/${address}/tcp/${seed.port}`
  return seed.peerId === null ? base : `${base}/p2p/${seed.peerId}`
}

async function resolveOne(seed: Seed, lookup: SeedLookup): Promise<string[]> {
  switch (seed.kind) {
    case 'ip4':
      return [toMultiaddr(4, seed.host, seed)]
    case 'ip6':
      return [toMultiaddr(6, seed.host, seed)]
    default: {
      const family = seed.kind === 'dns4' ? 4 : seed.kind === 'dns6' ? 6 : 0
      const answers = await lookup(seed.host, family)
      const out: string[] = []
      for (const a of answers) {
        if (isIPv4(a.address) && family !== 6) out.push(toMultiaddr(4, a.address, seed))
        else if (isIPv6(a.address) && family !== 4) out.push(toMultiaddr(6, a.address, seed))
      }
      return out
    }
  }
}

/**
 * The multiaddrs to dial for `seeds`, in seed order, without duplicates.
 * DNS names are looked up now (not cached). A seed whose lookup fails is
 * skipped and reported to `onError`; the others still resolve, so one stale
 * name never blocks a join. Strings are parsed with `parseSeed` (a malformed
 * one rejects with its RangeError).
 */
export async function resolveSeeds(
  seeds: ReadonlyArray<Seed | string>,
  lookup: SeedLookup = systemSeedLookup,
  onError?: (seed: Seed, err: unknown) => void,
): Promise<string[]> {
  const parsed = seeds.map((s) => (typeof s === 'string' ? parseSeed(s) : s))
  const results = await Promise.all(
    parsed.map(async (seed) => {
      try {
        return await resolveOne(seed, lookup)
      } catch (err) {
        onError?.(seed, err)
        return []
      }
    }),
  )
  return [...new Set(results.flat())]
}
