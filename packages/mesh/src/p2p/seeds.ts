/**
 * Seeds: the addresses a node dials to join a fleet (`--join`).
 *
 * Accepted forms (DESIGN.md, "Network"):
 *   host:port                      1.2.3.4:7946, [::1]:7946, seed.svc.cluster.local:7946
 *   multiaddr                      /ip4/1.2.3.4/tcp/7946, /ip6/::1/tcp/7946,
 *                                  /dns4/seed/tcp/7946, /dns6/…, /dns/…
 *   either multiaddr + /p2p/<id>   /ip4/1.2.3.4/tcp/7946/p2p/12D3KooW…
 *
 * A DNS name is looked up again on every `resolveSeeds` call, never cached:
 * a Kubernetes headless service or a docker-compose service name answers with
 * the addresses of the instances alive *now*, one per instance, and each is
 * dialled.
 */
import { promises as dnsPromises } from 'node:dns'
import { isIPv4, isIPv6 } from 'node:net'
import { peerIdFromString } from '@libp2p/peer-id'

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

const LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?'
const DNS_NAME_RE = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`)

function bad(input: string, why: string): RangeError {
  return new RangeError(`seed ${JSON.stringify(input)} is invalid (${why}); expected ${FORMS}`)
}

function parsePort(input: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw bad(input, `port ${JSON.stringify(text)} is not a number`)
  const port = Number(text)
  if (port < 1 || port > 65535) throw bad(input, `port ${port} is outside 1..65535`)
  return port
}

function isDnsName(host: string): boolean {
  if (host.length === 0 || host.length > 253 || !DNS_NAME_RE.test(host)) return false
  // "300.1.2.3" or "1.2.3" look like names to the regex but are broken IPs:
  // no top-level domain is all digits.
  const labels = host.replace(/\.$/, '').split('.')
  return !/^\d+$/.test(labels[labels.length - 1] ?? '')
}

function hostKind(input: string, host: string): 'ip4' | 'ip6' | 'dns' {
  if (isIPv4(host)) return 'ip4'
  if (isIPv6(host)) {
    if (host.includes('%')) throw bad(input, 'IPv6 zone ids are not supported')
    return 'ip6'
  }
  if (isDnsName(host)) return 'dns'
  throw bad(input, `host ${JSON.stringify(host)} is neither an IP address nor a DNS name`)
}

function parsePeerId(input: string, text: string): string {
  try {
    return peerIdFromString(text).toString()
  } catch {
    throw bad(input, `${JSON.stringify(text)} is not a peer id`)
  }
}

function parseMultiaddr(input: string): Seed {
  const parts = input.split('/').slice(1)
  const [proto, host, tcp, portText, p2p, id, ...rest] = parts
  if (proto === undefined || !['ip4', 'ip6', 'dns', 'dns4', 'dns6'].includes(proto)) {
    throw bad(input, `unsupported protocol /${proto ?? ''}`)
  }
  if (host === undefined || host === '' || tcp !== 'tcp' || portText === undefined) {
    throw bad(input, 'a multiaddr seed must be /<ip4|ip6|dns|dns4|dns6>/<host>/tcp/<port>')
  }
  if (rest.length > 0 || (p2p !== undefined && (p2p !== 'p2p' || id === undefined || id === ''))) {
    throw bad(input, 'only /p2p/<peer id> may follow /tcp/<port>')
  }
  const port = parsePort(input, portText)
  const peerId = id === undefined ? null : parsePeerId(input, id)
  switch (proto) {
    case 'ip4':
      if (!isIPv4(host)) throw bad(input, `${JSON.stringify(host)} is not an IPv4 address`)
      return { input, kind: 'ip4', host, port, peerId }
    case 'ip6':
      if (!isIPv6(host) || host.includes('%')) throw bad(input, `${JSON.stringify(host)} is not an IPv6 address`)
      return { input, kind: 'ip6', host, port, peerId }
    case 'dns':
    case 'dns4':
    case 'dns6':
      if (!isDnsName(host)) throw bad(input, `${JSON.stringify(host)} is not a DNS name`)
      return { input, kind: proto, host, port, peerId }
    default:
      throw bad(input, `unsupported protocol /${proto}`)
  }
}

function parseHostPort(input: string): Seed {
  const bracketed = /^\[([^\]]+)\]:([^:]*)$/.exec(input)
  const plain = bracketed === null ? /^([^:[\]]+):([^:]*)$/.exec(input) : null
  const m = bracketed ?? plain
  if (m === null) {
    throw bad(input, input.includes(':') ? 'write an IPv6 host as [addr]:port' : 'no :port')
  }
  const host = m[1] ?? ''
  const port = parsePort(input, m[2] ?? '')
  const kind = hostKind(input, host)
  if (bracketed !== null && kind !== 'ip6') throw bad(input, 'only IPv6 addresses go in brackets')
  return { input, kind, host, port, peerId: null }
}

/** Parse one seed; throws a RangeError naming the seed when it is malformed. */
export function parseSeed(s: string): Seed {
  if (typeof s !== 'string') throw new RangeError(`seed must be a string, got ${String(s)}`)
  const input = s.trim()
  if (input === '') throw bad(s, 'empty')
  return input.startsWith('/') ? parseMultiaddr(input) : parseHostPort(input)
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
