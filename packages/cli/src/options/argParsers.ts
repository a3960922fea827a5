/**
 * Commander argument parsers: each validates one flag's value (from the
 * command line or its BREAKER_MESH_* variable) and throws
 * `InvalidArgumentError`, which commander turns into a usage error (exit 2).
 */
import { InvalidArgumentError } from 'commander'
import { fleetName, parseHostPort } from '@breaker-mesh/core'
import type { HostPort } from '@breaker-mesh/core'

function usage<T>(fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err))
  }
}

/** `host:port` for a socket this process binds (`start --listen`, `start --admin`). */
export function hostPortArg(value: string): HostPort {
  return usage(() => parseHostPort(value))
}

/** `--listen`: validated, handed to createMesh as written. */
export function listenArg(value: string): string {
  hostPortArg(value)
  return value
}

/**
 * Where a client finds the admin API: `host:port` or an `http(s)://` URL.
 * Returns the base URL without a trailing slash.
 */
export function adminUrlArg(value: string): string {
  if (/^https?:\/\//i.test(value)) {
    let url: URL
    try {
      url = new URL(value)
    } catch {
      throw new InvalidArgumentError(`"${value}" is not a URL`)
    }
    if (url.search || url.hash) throw new InvalidArgumentError(`"${value}": no query or fragment allowed`)
    return url.href.replace(/\/+$/, '')
  }
  const { host, port } = hostPortArg(value)
  if (port === 0) throw new InvalidArgumentError(`"${value}": port 0 cannot be reached`)
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** `--admin-allowed-hosts`: host names or addresses, separated by commas or spaces. */
export function hostNamesArg(value: string): string[] {
  const names = value.split(/[\s,]+/).filter((s) => s !== '')
  if (names.length === 0) throw new InvalidArgumentError('expected one or more host names')
  for (const name of names) {
    if (!/^\.?[A-Za-z0-9._:[\]-]{1,253}$/.test(name)) throw new InvalidArgumentError(`"${name}" is not a host name`)
  }
  return names
}

/**
 * `--join` seeds, accumulated over repeated flags and variadic values; each
 * value may hold several seeds separated by commas or spaces (as
 * BREAKER_MESH_JOIN does). A seed is `host:port` (core's `parseHostPort`,
 * and a port to dial: not 0) or a multiaddr. A multiaddr gets only a shape
 * check here (libp2p is not loaded to read flags); the mesh parses every
 * seed when the node starts, and a bad one is a usage error then.
 */
export function joinArg(value: string, previous: string[] | undefined): string[] {
  const seeds = value.split(/[\s,]+/).filter((s) => s !== '')
  for (const seed of seeds) {
    if (seed.startsWith('/')) {
      if (!/^(\/[^/\s]+\/[^/\s]+)+$/.test(seed)) throw new InvalidArgumentError(`"${seed}" is not a multiaddr`)
    } else if (hostPortArg(seed).port === 0) {
      throw new InvalidArgumentError(`"${seed}": a seed needs the port its node listens on, 1..65535`)
    }
  }
  return [...(previous ?? []), ...seeds]
}

/** A duration in ms: an integer from 1 s to 30 days (`--vclock-ttl-ms` and friends). */
export function durationMsArg(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || n < 1000 || n > 30 * 24 * 3_600_000) {
    throw new InvalidArgumentError(`"${value}" is not a duration: give whole milliseconds from 1000 to 2592000000 (30 days)`)
  }
  return n
}

/** `--rps`: requests per second of the demo workload, > 0 and ≤ 10000. */
export function rpsArg(value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 10_000) {
    throw new InvalidArgumentError(`"${value}" is not a rate: give requests per second, > 0 and <= 10000`)
  }
  return n
}

/** `--quorum`: the share of counted opinions that must be failing, a fraction in (0, 1]. */
export function quorumArg(value: string): number {
  const n = Number(value)
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1) {
    throw new InvalidArgumentError(`"${value}" is not a quorum: give a fraction of the fresh opinions, > 0 and <= 1 (e.g. 0.5)`)
  }
  return n
}

/** `--min-reporting`: fewest fresh reporters for the fleet to decide, an integer from 1 to 4096. */
export function minReportingArg(value: string): number {
  const n = Number(value)
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 4096) {
    throw new InvalidArgumentError(`"${value}" is not a number of reporters: give a whole number from 1 to 4096`)
  }
  return n
}

/** `--target`: an absolute http(s) URL. */
export function targetUrlArg(value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`"${value}": only http and https URLs`)
  }
  return url.href
}

/** `--fleet`: a fleet name as core's `fleetName` checks it (1..64 chars of [A-Za-z0-9._-]). */
export function fleetArg(value: string): string {
  return usage(() => fleetName('fleet', value))
}

/** A non-empty text of at most `max` chars (`--name`, `--breaker`, `--reason`). */
export function textArg(max: number): (value: string) => string {
  return (value) => {
    if (value.length === 0 || value.length > max) {
      throw new InvalidArgumentError(`must be 1..${max} characters, got ${value.length}`)
    }
    return value
  }
}

/** A BREAKER_MESH_MDNS-style switch: 1/true/yes/on or 0/false/no/off. */
export function parseSwitch(value: string): boolean {
  const v = value.trim().toLowerCase()
  if (['1', 'true', 'yes', 'on'].includes(v)) return true
  if (['0', 'false', 'no', 'off'].includes(v)) return false
  throw new InvalidArgumentError(`"${value}" is not 1/true/yes/on or 0/false/no/off`)
}
