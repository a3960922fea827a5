import type { MeshEvent } from '@breaker-mesh/mesh'
import { printable } from './printable.js'
import { shortId } from './shortId.js'

/**
 * One readable `watch` line per event, led by the node's time of the change:
 *
 *   2025-01-01T12:00:00.000Z breaker payments-api closed -> open by n3 (12D3KooWQa1z…Yz1abc), learned "failure rate 63%"
 *   2025-01-01T12:00:01.000Z member n2 (12D3KooWQb2z…8fG2kd) alive -> suspect, incarnation 3
 *
 * `names` maps peer ids to node names, for the origin of a breaker change.
 */
export function formatEvent(event: MeshEvent, names: ReadonlyMap<string, string>): string {
  const at = Number.isFinite(event.at) ? new Date(event.at).toISOString() : '-'
  if (event.type === 'member') {
    const change = event.previous ? `${event.previous} -> ${event.status}` : event.status
    return `${printable(`${at} member ${printable(event.name)} (${shortId(event.id)}) ${change}, incarnation ${event.incarnation}`)}\n`
  }
  const change = event.previous && event.previous !== event.state ? `${event.previous} -> ${event.state}` : event.state
  const originName = names.get(event.origin)
  const origin = originName ? `${printable(originName)} (${shortId(event.origin)})` : shortId(event.origin)
  const parts = [
    `${at} breaker ${printable(event.name)} ${change}`,
    event.override ? `[${event.override}]` : '',
    `by ${origin}${event.local ? '' : ', learned'}`,
    event.concurrent ? 'concurrent' : '',
    event.reason ? JSON.stringify(printable(event.reason)) : '',
  ]
  // Names and reasons are made printable above; states, overrides and numbers come from the same untrusted JSON.
  return `${printable(parts.filter((p) => p !== '').join(' '))}\n`
}
