import { hostname as osHostname, networkInterfaces } from 'node:os'
import { isIP } from 'node:net'

/**
 * DNS-rebinding guard of the admin API. A web page on `evil.example` can make
 * its own name resolve to 127.0.0.1 (or to a node's address) and then talk to
 * the admin port from the operator's browser as a same-origin page. What it
 * cannot change is the `Host` header: the browser sends `evil.example`. So a
 * request is served only when its `Host` names this server:
 *
 * - an IP address of this server: the bound address; for a wildcard bind
 *   (`0.0.0.0`, `::`) any address of a local interface; any loopback address
 *   (127.0.0.0/8, ::1);
 * - `localhost`, the bound host name (when bound by name) and, for a wildcard
 *   bind, this machine's host name (`os.hostname()`: a pod's name);
 * - a configured extra name (`allowedHosts`): a Kubernetes service name, a
 *   proxy's name. `.example.com` allows `example.com` and every subdomain.
 *
 * The port in `Host` is not compared: port mappings (`kubectl port-forward`,
 * `docker -p`) change it, and it plays no part in rebinding, which needs a
 * name the attacker controls. Names compare case-insensitively, without a
 * trailing dot. A request without `Host` is refused too.
 */
export interface HostCheck {
  /** True if `header` (the request's `Host`) names this server. */
  allows(header: string | undefined): boolean
}

export interface HostCheckOptions {
  /** The host the server was asked to bind (an address or a name). */
  bindHost: string
  /** The address it is bound to (`server.address().address`). */
  boundAddress: string
  /** Extra names or addresses, already validated by `validateAllowedHosts`. */
  allowedHosts: readonly string[]
  /** Local interface addresses (tests); default `os.networkInterfaces()`, re-read at most once a second on a miss. */
  interfaceAddresses?: () => string[]
  /** This machine's host name (tests) [os.hostname()]. */
  hostname?: string
}

const HOST_HEADER = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/
const ALLOWED_HOST = /^\.?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?|[0-9A-Fa-f:.]+)$/
const MAX_ALLOWED_HOSTS = 64
const INTERFACE_REFRESH_MS = 1000

/** The canonical host of a `Host` header value (lowercase, no port, IPv6 without brackets), or undefined if malformed. */
export function parseHostHeader(header: string): string | undefined {
  if (header.length > 300 || !HOST_HEADER.test(header)) return undefined
  let hostname: string
  try {
    // The WHATWG parser canonicalises like a browser does: `127.1` → `127.0.0.1`, IPv6 compressed.
    hostname = new URL(`http://${header}`).hostname
  } catch {
    return undefined
  }
  return canonical(hostname)
}

/** RangeError naming the entry for anything that is not a host name or an IP address. */
export function validateAllowedHosts(value: unknown): string[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) throw new RangeError(`allowedHosts must be an array of host names, got ${String(value)}`)
  if (value.length > MAX_ALLOWED_HOSTS) {
    throw new RangeError(`allowedHosts must have at most ${MAX_ALLOWED_HOSTS} entries, got ${value.length}`)
  }
  return value.map((entry: unknown, i) => {
    if (typeof entry !== 'string' || entry.length === 0 || entry.length > 253 || !ALLOWED_HOST.test(entry)) {
      throw new RangeError(
        `allowedHosts[${i}] must be a host name (e.g. admin.ns.svc, .example.com) or an IP address, got ${JSON.stringify(entry)}`,
      )
    }
    const suffix = entry.startsWith('.')
    const bare = suffix ? entry.slice(1) : entry
    const ip = canonicalIp(bare.replace(/^\[(.*)\]$/, '$1'))
    if (ip !== undefined) {
      if (suffix) throw new RangeError(`allowedHosts[${i}]: an IP address cannot be a suffix, got ${JSON.stringify(entry)}`)
      return ip
    }
    if (bare.includes(':') || bare.includes('[')) throw new RangeError(`allowedHosts[${i}] is not a valid IP address: ${JSON.stringify(entry)}`)
    return (suffix ? '.' : '') + canonical(bare)
  })
}

export function createHostCheck(options: HostCheckOptions): HostCheck {
  const exact = new Set<string>(['localhost'])
  const suffixes: string[] = []
  const bind = canonicalIp(options.bindHost) ?? canonical(options.bindHost)
  const bound = canonicalIp(options.boundAddress) ?? canonical(options.boundAddress)
  const wildcard = isWildcard(bind) || isWildcard(bound)
  for (const name of [bind, bound]) if (!isWildcard(name)) exact.add(name)
  if (wildcard) exact.add(canonical(options.hostname ?? osHostname()))
  for (const entry of options.allowedHosts) {
    if (entry.startsWith('.')) suffixes.push(entry)
    else exact.add(entry)
  }

  const readInterfaces = options.interfaceAddresses ?? localInterfaceAddresses
  let local = new Set<string>()
  let readAt = Number.NEGATIVE_INFINITY
  const refresh = (): void => {
    local = new Set(readInterfaces().map((a) => canonicalIp(a)).filter((a): a is string => a !== undefined))
    readAt = Date.now()
  }
  if (wildcard) refresh()

  return {
    allows(header) {
      if (header === undefined) return false
      const host = parseHostHeader(header)
      if (host === undefined) return false
      if (exact.has(host)) return true
      if (isIP(host) !== 0) {
        if (isLoopback(host)) return true
        if (!wildcard) return false
        if (local.has(host)) return true
        // Interfaces come and go (DHCP, a new pod IP): look again, at most once a second.
        if (Date.now() - readAt < INTERFACE_REFRESH_MS) return false
        refresh()
        return local.has(host)
      }
      return suffixes.some((s) => host === s.slice(1) || host.endsWith(s))
    },
  }
}

function localInterfaceAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address))
}

/** Lowercase, one trailing dot dropped, IPv6 without brackets, IPv4-mapped IPv6 as IPv4. */
function canonical(hostname: string): string {
  const name = hostname.toLowerCase().replace(/\.$/, '')
  return canonicalIp(name.replace(/^\[(.*)\]$/, '$1')) ?? name
}

/** An IP address in the WHATWG canonical form, or undefined if `text` is not one. */
function canonicalIp(text: string): string | undefined {
  const plain = text.replace(/%.*$/, '') // a zone id (fe80::1%eth0) is local to this host
  const family = isIP(plain)
  if (family === 0) return undefined
  if (family === 4) return plain
  const compressed = new URL(`http://[${plain}]`).hostname.slice(1, -1)
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(compressed)
  if (!mapped) return compressed
  const hi = Number.parseInt(mapped[1] ?? '0', 16)
  const lo = Number.parseInt(mapped[2] ?? '0', 16)
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

function isLoopback(ip: string): boolean {
  return ip === '::1' || ip.startsWith('127.')
}
