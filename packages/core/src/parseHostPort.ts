export interface HostPort {
  host: string
  port: number
}

const HOST = /^[A-Za-z0-9._-]+$/
const IPV6 = /^[0-9A-Fa-f:.]+(%[A-Za-z0-9._-]+)?$/

/**
 * Parse `host:port` (`[v6]:port` for IPv6). The host is a name, an IPv4 or a
 * bracketed IPv6 address; the port 0..65535 (0: any free port). Throws a
 * `RangeError` that quotes the value (and names `field` when given). The one
 * parser for every host:port the project reads: CLI flags, createMesh options.
 */
export function parseHostPort(value: string, field?: string): HostPort {
  const bad = (why: string): RangeError =>
    new RangeError(`${field === undefined ? '' : `${field}: `}"${value}" is not host:port (${why})`)
  let host: string
  let portText: string
  if (value.startsWith('[')) {
    const close = value.indexOf(']')
    if (close < 0 || value[close + 1] !== ':') throw bad('an IPv6 host needs [addr]:port')
    host = value.slice(1, close)
    portText = value.slice(close + 2)
    if (!IPV6.test(host)) throw bad('bad IPv6 address')
  } else {
    const colon = value.lastIndexOf(':')
    if (colon < 0) throw bad('missing :port')
    host = value.slice(0, colon)
    portText = value.slice(colon + 1)
    if (host === '') throw bad('missing host')
    if (!HOST.test(host)) throw bad('bad host; put IPv6 addresses in brackets')
  }
  if (!/^\d{1,5}$/.test(portText)) throw bad('the port must be a number')
  const port = Number(portText)
  if (port > 65535) throw bad('the port must be 0..65535')
  return { host, port }
}
