import type { FleetStore } from '../FleetStore.js'
import { formatDuration, shortId } from '../format.js'
import { StateBadge } from './StateBadge.js'

const STATUS_ORDER: Record<string, number> = { alive: 0, suspect: 1, dead: 2, left: 3 }
const VIA_TEXT: Record<string, string> = {
  self: 'this node',
  direct: 'connected',
  gossip: 'gossip only',
}

/** Members as this node sees them: status, incarnation, how long in that status, how it knows them. */
export function MembersTable({ store, now }: { store: FleetStore; now: number }) {
  const view = store.view
  if (view === null) return null
  const members = [...view.members].sort(
    (a, b) => (STATUS_ORDER[a.status] ?? 4) - (STATUS_ORDER[b.status] ?? 4) || a.name.localeCompare(b.name),
  )
  return (
    <section class="panel" aria-labelledby="members-h">
      <h2 id="members-h">
        Members <span class="count">{members.length}</span>
      </h2>
      <table class="rows members">
        <thead>
          <tr>
            <th>name</th>
            <th>status</th>
            <th title="SWIM incarnation: a member raises it to refute a suspicion">inc.</th>
            <th title="how long it has had this status, as this node saw it">for</th>
            <th title="how this node knows it now">known via</th>
            <th>address</th>
          </tr>
        </thead>
        <tbody>
          {members.map((m) => (
            <tr key={m.id} data-member={m.name} data-status={m.status}>
              <td data-label="name">
                <span class="name" title={m.id}>
                  {m.name === '' ? shortId(m.id) : m.name}
                </span>
                {m.id === view.node.id ? <span class="tag">this node</span> : null}
              </td>
              <td data-label="status" class="status">
                <StateBadge value={m.status} />
              </td>
              <td data-label="incarnation" class="num">
                {m.incarnation}
              </td>
              <td data-label="for" class="num">
                {formatDuration(store.memberAgeMs(m.id, now))}
              </td>
              <td data-label="known via">{m.via === undefined ? '–' : (VIA_TEXT[m.via] ?? m.via)}</td>
              <td data-label="address" class="addr" title={m.addrs.join('\n')}>
                {m.addrs[0] === undefined ? '–' : tcpAddr(m.addrs[0])}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

/** `/ip4/10.0.0.5/tcp/7946/p2p/…` → `10.0.0.5:7946`; other multiaddrs as they are. */
function tcpAddr(addr: string): string {
  const m = /^\/(?:ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/(\d+)/.exec(addr)
  if (m === null) return addr
  return m[1]!.includes(':') ? `[${m[1]}]:${m[2]}` : `${m[1]}:${m[2]}`
}
