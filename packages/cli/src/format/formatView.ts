import type { MeshView } from '@breaker-mesh/mesh'
import { formatAge } from './formatAge.js'
import { decisionOf, fleetCell, formatBreaker } from './formatDecision.js'
import { formatTable } from './formatTable.js'
import { printable } from './printable.js'
import { shortId } from './shortId.js'

const MAX_REASON = 80

/**
 * The human `inspect` output: this node, then a members table (name, short
 * id, status, incarnation, addresses) and a breakers table (name, state,
 * override, origin, age of the last change by the origin's wall clock,
 * local calls/failures, the fleet's opinions where the node reports them,
 * notes such as a concurrent write, the prober, isolated or degraded, and
 * the reason). `now` is this machine's wall clock in ms.
 */
export function formatView(view: MeshView, now: number): string {
  const who = namer(view)

  const lines: string[] = []
  lines.push(`node ${who(view.node.id)}  fleet ${printable(view.node.fleet)}`)
  for (const addr of view.node.addrs) lines.push(`  ${printable(addr)}`)

  const members = [...view.members].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
  lines.push('', `members (${members.length})`)
  lines.push(
    formatTable(
      ['NAME', 'ID', 'STATUS', 'INC', 'ADDRS'],
      members.map((m) => [
        printable(m.name) + (m.id === view.node.id ? ' *' : ''),
        shortId(m.id),
        printable(m.status),
        String(m.incarnation),
        m.addrs.length === 0 ? '-' : printable(m.addrs.join(' ')),
      ]),
    ),
  )

  const breakers = [...view.breakers].sort((a, b) => a.name.localeCompare(b.name))
  lines.push('', `breakers (${breakers.length})`)
  if (breakers.length === 0) {
    lines.push('  none yet: a breaker appears once a node uses it or an operator forces it')
  } else {
    // The FLEET column only where the node reports per-member opinions.
    const fleet = breakers.some((b) => decisionOf(b) !== null)
    lines.push(
      formatTable(
        ['NAME', 'STATE', 'OVERRIDE', 'ORIGIN', 'CHANGED', 'CALLS', 'FAILURES', ...(fleet ? ['FLEET'] : []), 'NOTES', 'REASON'],
        breakers.map((b) => {
          const d = decisionOf(b)
          const notes = [
            b.concurrent ? 'concurrent' : '',
            b.prober ? `probe by ${who(b.prober)}` : '',
            d?.isolated ? 'isolated' : '',
            d !== null && d.decision !== 'any' && d.fleet.degraded ? 'degraded' : '',
          ]
            .filter((n) => n !== '')
            .join(', ')
          return [
            printable(b.name),
            printable(b.state),
            printable(b.override ?? '-'),
            b.version.lamport === 0 ? '-' : who(b.version.origin),
            b.wallTime > 0 ? formatAge(now - b.wallTime) : '-',
            printable(String(b.local.calls)),
            printable(String(b.local.failures)),
            ...(fleet ? [fleetCell(d)] : []),
            notes || '-',
            truncate(printable(b.reason)) || '-',
          ]
        }),
      ),
    )
  }
  // Every field above is made printable; this catches any that a change forgets.
  return `${lines.join('\n').split('\n').map(printable).join('\n')}\n`
}

/**
 * `inspect --breaker NAME`: this node, then one breaker with its fleet
 * decision and every fresh opinion. Null when the view has no such breaker.
 */
export function formatBreakerView(view: MeshView, name: string): string | null {
  const b = view.breakers.find((x) => x.name === name)
  if (b === undefined) return null
  const who = namer(view)
  return `node ${who(view.node.id)}  fleet ${printable(view.node.fleet)}\n\n${formatBreaker(b, view.node.id, who, (ms) => formatAge(ms).replace(/ ago$/, '').replace('just now', '<1s'))}`
}

/** Names a node id as `name (short id)` when the view knows the member, else by its short id. */
function namer(view: MeshView): (id: string) => string {
  const names = new Map(view.members.map((m) => [m.id, m.name]))
  names.set(view.node.id, view.node.name)
  return (id) => {
    const name = names.get(id)
    return name ? `${printable(name)} (${shortId(id)})` : shortId(id)
  }
}

function truncate(text: string): string {
  return text.length <= MAX_REASON ? text : `${text.slice(0, MAX_REASON - 1)}…`
}
