/** Filtering, ordering and paging of the breakers table (pure, so 1,000 rows cost one pass). */
import type { DashBreaker } from './types.js'

export type StateFilter = 'all' | 'open' | 'half-open' | 'closed' | 'overridden' | 'failing'
export type SortKey = 'name' | 'state' | 'rate'

export const STATE_FILTERS: readonly StateFilter[] = ['all', 'open', 'half-open', 'closed', 'overridden', 'failing']
export const SORT_KEYS: readonly SortKey[] = ['name', 'state', 'rate']

export interface BreakerQuery {
  /** Case-insensitive substring of the name; empty matches all. */
  text: string
  state: StateFilter
  sort: SortKey
  /** 0-based page. Clamped to the last page. */
  page: number
  pageSize: number
}

export interface BreakerPage {
  rows: DashBreaker[]
  /** Breakers matching the filter (all pages). */
  matched: number
  page: number
  pages: number
}

/** Names in natural order: `svc-2` before `svc-10`. */
const NAMES = new Intl.Collator('en', { numeric: true })

const STATE_RANK: Record<string, number> = { open: 0, 'half-open': 1, closed: 2 }

/**
 * Is `b` decided by per-member opinions (`quorum`, `aggregate`) on a node
 * that reports them? Only then do its fleet counts say something: a
 * breaker decided by `any` gathers no opinions from the fleet.
 */
export function decidedByOpinions(b: DashBreaker): boolean {
  return b.fleet !== undefined && b.decision !== undefined && b.decision !== 'any'
}

/** Does `b` pass the state filter? `failing`: not closed, or members report it failing. */
export function matchesState(b: DashBreaker, state: StateFilter): boolean {
  switch (state) {
    case 'all':
      return true
    case 'overridden':
      return b.override !== null
    case 'failing':
      return b.state !== 'closed' || (b.fleet !== undefined && b.fleet.failing > 0)
    default:
      return b.state === state
  }
}

/**
 * One page of breakers matching `query`. `rateOf` gives a breaker's current
 * call rate for the `rate` order (highest first). Names break every tie, so
 * the order is stable between refreshes.
 */
export function queryBreakers(
  breakers: readonly DashBreaker[],
  query: BreakerQuery,
  rateOf: (name: string) => number = () => 0,
): BreakerPage {
  const text = query.text.trim().toLowerCase()
  const matched = breakers.filter(
    (b) => (text === '' || b.name.toLowerCase().includes(text)) && matchesState(b, query.state),
  )
  const byName = (a: DashBreaker, b: DashBreaker): number => NAMES.compare(a.name, b.name)
  if (query.sort === 'name') matched.sort(byName)
  else if (query.sort === 'state') {
    matched.sort((a, b) => (STATE_RANK[a.state] ?? 3) - (STATE_RANK[b.state] ?? 3) || byName(a, b))
  } else {
    const rates = new Map(matched.map((b) => [b.name, rateOf(b.name)]))
    matched.sort((a, b) => (rates.get(b.name) ?? 0) - (rates.get(a.name) ?? 0) || byName(a, b))
  }
  const pageSize = Math.max(1, Math.floor(query.pageSize))
  const pages = Math.max(1, Math.ceil(matched.length / pageSize))
  const page = Math.min(Math.max(0, Math.floor(query.page)), pages - 1)
  return { rows: matched.slice(page * pageSize, (page + 1) * pageSize), matched: matched.length, page, pages }
}
