/**
 * True if `host` (an IP literal or `localhost`) is a loopback address:
 * 127.0.0.0/8, ::1, an IPv4-mapped 127.x address, or `localhost`. A wildcard
 * address (0.0.0.0, ::) is not loopback: it listens on every interface.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  if (h.toLowerCase() === 'localhost') return true
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(h)
  if (v4) return v4.slice(1).every((o) => Number(o) <= 255) && v4[1] === '127'
  const v6 = h.split('%')[0]?.toLowerCase() ?? ''
  if (!/^[0-9a-f:]+$/.test(v6) || !v6.includes(':')) return false
  return expandV6(v6) === '0000:0000:0000:0000:0000:0000:0000:0001'
}

function expandV6(addr: string): string | null {
  const halves = addr.split('::')
  if (halves.length > 2) return null
  const head = halves[0] === '' ? [] : (halves[0] ?? '').split(':')
  const tail = halves.length === 2 && halves[1] !== '' ? (halves[1] ?? '').split(':') : []
  const missing = 8 - head.length - tail.length
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail]
  if (groups.some((g) => g.length === 0 || g.length > 4)) return null
  return groups.map((g) => g.padStart(4, '0')).join(':')
}
