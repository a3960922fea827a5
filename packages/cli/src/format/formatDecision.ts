import type { MeshView } from '@breaker-mesh/mesh'
import { formatTable } from './formatTable.js'
import { printable } from './printable.js'

type ViewBreaker = MeshView['breakers'][number]
type Decision = Pick<ViewBreaker, 'decision' | 'isolated' | 'fleet' | 'opinions'>

const count = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)

/**
 * The fleet decision of a view's breaker, or null when the node does not
 * report one (a node from before opinions) or reports something malformed:
 * formatting never throws at what a node sends.
 */
export function decisionOf(b: ViewBreaker): Decision | null {
  const d = b as Partial<Decision>
  const f = d.fleet
  if (typeof d.decision !== 'string' || typeof d.isolated !== 'boolean' || typeof f !== 'object' || f === null || !Array.isArray(d.opinions)) return null
  if (!count(f.failing) || !count(f.fresh) || !count(f.needed) || typeof f.degraded !== 'boolean') return null
  const opinions = d.opinions.filter(
    (o) => typeof o === 'object' && o !== null && typeof o.node === 'string' && typeof o.verdict === 'string' && count(o.calls) && count(o.failures) && count(o.slow) && count(o.ageMs),
  )
  return { decision: d.decision, isolated: d.isolated, fleet: f, opinions }
}

/** The FLEET cell of `inspect`: `1/5 failing, needs 3` (quorum), `2/20 failing` (aggregate, any), `-` with no opinion. */
export function fleetCell(d: Decision | null): string {
  if (d === null || (d.fleet.fresh === 0 && d.decision === 'any')) return '-'
  const { failing, fresh, needed } = d.fleet
  return `${failing}/${fresh} failing${d.decision === 'quorum' ? `, needs ${needed}` : ''}`
}

/**
 * `inspect --breaker NAME`: one breaker's state, how the fleet decides it,
 * and every fresh opinion behind that (this node's own first). `who` names a
 * node id; `age` formats an age in ms.
 */
export function formatBreaker(b: ViewBreaker, selfId: string, who: (id: string) => string, age: (ms: number) => string): string {
  const d = decisionOf(b)
  const lines = [`breaker ${printable(b.name)}: ${printable(b.state)}${b.override ? ` (${printable(b.override)})` : ''}`]
  if (b.reason !== '') lines.push(`  reason: ${printable(b.reason)}`)
  lines.push(`  this node's window: ${b.local.calls} calls, ${b.local.failures} failures, ${b.local.slow} slow`)
  if (d === null) {
    lines.push('  fleet decision: not reported by this node (a build from before per-node opinions)')
    return `${lines.join('\n')}\n`
  }
  const { failing, fresh, needed, degraded } = d.fleet
  lines.push(`  decision: ${printable(d.decision)}`)
  if (d.isolated) lines.push('  isolated: this node fails fast on its own; the fleet stays closed')
  const need = d.decision === 'quorum' ? `, ${needed} needed to open` : d.decision === 'aggregate' ? `, the fleet-wide window decides from ${needed} reporters` : ''
  lines.push(`  fleet: ${failing} of ${fresh} fresh opinions failing${need}${degraded ? '; degraded: too few reporters, each node decides for itself' : ''}`)
  lines.push('', `opinions (${d.opinions.length})`)
  if (d.opinions.length === 0) {
    lines.push('  none fresh: no member using it has reported in the last opinionTtlMs')
  } else {
    lines.push(
      formatTable(
        ['NODE', 'VERDICT', 'CALLS', 'FAILURES', 'SLOW', 'AGE'],
        d.opinions.map((o) => [
          who(o.node) + (o.node === selfId ? ' *' : ''),
          printable(o.verdict),
          String(o.calls),
          String(o.failures),
          String(o.slow),
          o.node === selfId ? 'now' : age(o.ageMs),
        ]),
      ),
    )
  }
  return `${lines.join('\n').split('\n').map(printable).join('\n')}\n`
}
