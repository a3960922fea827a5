import { useState } from 'preact/hooks'
import type { BreakerAction } from '../AdminApi.js'
import { SORT_KEYS, STATE_FILTERS, decidedByOpinions, queryBreakers } from '../breakerQuery.js'
import type { SortKey, StateFilter } from '../breakerQuery.js'
import type { FleetStore } from '../FleetStore.js'
import { BreakerRow } from './BreakerRow.js'

const PAGE_SIZE = 50

export interface BreakersPanelProps {
  store: FleetStore
  now: number
  busy: ReadonlySet<string>
  reason: string
  onReason: (reason: string) => void
  onAction: (action: BreakerAction, name: string) => void
}

/** The breakers table: filter by name and state, order, 50 rows a page (1,000 breakers stay fast). */
export function BreakersPanel({ store, now, busy, reason, onReason, onAction }: BreakersPanelProps) {
  const [text, setText] = useState('')
  const [state, setState] = useState<StateFilter>('all')
  const [sort, setSort] = useState<SortKey>('name')
  const [page, setPage] = useState(0)
  const breakers = store.view?.breakers ?? []
  const result = queryBreakers(breakers, { text, state, sort, page, pageSize: PAGE_SIZE }, (name) => store.latestRate(name)?.calls ?? 0)
  // The fleet column only where the node reports per-member opinions of a breaker decided by them.
  const showFleet = breakers.some(decidedByOpinions)
  const first = result.matched === 0 ? 0 : result.page * PAGE_SIZE + 1
  const last = result.page * PAGE_SIZE + result.rows.length
  return (
    <section class="panel" aria-labelledby="breakers-h">
      <h2 id="breakers-h">
        Breakers <span class="count">{breakers.length}</span>
      </h2>
      <div class="toolbar">
        <label>
          name
          <input
            type="search"
            name="filter"
            placeholder="filter by name"
            value={text}
            onInput={(e) => {
              setText(e.currentTarget.value)
              setPage(0)
            }}
          />
        </label>
        <label>
          state
          <select
            name="state"
            value={state}
            onChange={(e) => {
              setState(e.currentTarget.value as StateFilter)
              setPage(0)
            }}
          >
            {STATE_FILTERS.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          order
          <select name="sort" value={sort} onChange={(e) => setSort(e.currentTarget.value as SortKey)}>
            {SORT_KEYS.map((s) => (
              <option value={s}>{s === 'state' ? 'open first' : s === 'rate' ? 'call rate' : 'name'}</option>
            ))}
          </select>
        </label>
        <label class="grow">
          reason
          <input
            type="text"
            name="reason"
            placeholder="reason for force-open / force-close"
            maxLength={200}
            value={reason}
            onInput={(e) => onReason(e.currentTarget.value)}
          />
        </label>
      </div>
      {result.matched === 0 ? (
        <p class="muted">{breakers.length === 0 ? 'No breakers in this node\u2019s table yet.' : 'No breaker matches the filter.'}</p>
      ) : (
        <table class="rows breakers">
          <thead>
            <tr>
              <th>breaker</th>
              <th>state</th>
              <th>override</th>
              <th>last change</th>
              <th>age</th>
              <th title="this node's window: calls / failures / slow">local</th>
              <th>rate</th>
              <th>trend</th>
              {showFleet ? <th>fleet</th> : null}
              <th>actions</th>
            </tr>
          </thead>
          <tbody>
            {result.rows.map((b) => (
              <BreakerRow key={b.name} breaker={b} store={store} now={now} busy={busy.has(b.name)} showFleet={showFleet} onAction={onAction} />
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="breaker pages">
        <button type="button" disabled={result.page === 0} onClick={() => setPage(result.page - 1)}>
          ‹ prev
        </button>
        <span class="pages">
          {first}–{last} of {result.matched}
          {result.matched === breakers.length ? '' : ` (filtered from ${breakers.length})`} · page {result.page + 1}/{result.pages}
        </span>
        <button type="button" disabled={result.page >= result.pages - 1} onClick={() => setPage(result.page + 1)}>
          next ›
        </button>
      </nav>
    </section>
  )
}
