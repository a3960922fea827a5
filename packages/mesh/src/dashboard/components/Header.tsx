import type { FleetStore } from '../FleetStore.js'
import { shortId } from '../format.js'
import type { LinkStatus } from '../LiveConnection.js'

const LINK_TEXT: Record<LinkStatus, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  offline: 'node unreachable',
}

/** Which node this is, whether the page is live, and the fleet at a glance. */
export function Header({ store, link, problem }: { store: FleetStore; link: LinkStatus; problem: string | null }) {
  const view = store.view
  const count = (values: string[], value: string): number => values.filter((v) => v === value).length
  const statuses = view?.members.map((m) => m.status) ?? []
  const states = view?.breakers.map((b) => b.state) ?? []
  return (
    <header class="top">
      <h1>
        breaker-mesh{' '}
        {view === null ? null : (
          <span class="where">
            fleet <strong>{view.node.fleet}</strong> · node <strong title={view.node.id}>{view.node.name || shortId(view.node.id)}</strong>
          </span>
        )}
      </h1>
      <span class={`link link-${link}`} role="status" title={problem ?? undefined}>
        <span aria-hidden="true">{link === 'live' ? '●' : '○'}</span> {LINK_TEXT[link]}
      </span>
      {view === null ? null : (
        <p class="summary">
          members: {count(statuses, 'alive')} alive, {count(statuses, 'suspect')} suspect, {count(statuses, 'dead')} dead
          {' · '}breakers: <span class="s-open">{count(states, 'open')} open</span>,{' '}
          <span class="s-half-open">{count(states, 'half-open')} half-open</span>, {count(states, 'closed')} closed
        </p>
      )}
      {problem === null ? null : <p class="problem">{problem}</p>}
    </header>
  )
}
