import type { BreakerAction } from '../AdminApi.js'
import type { FleetStore } from '../FleetStore.js'
import { decidedByOpinions } from '../breakerQuery.js'
import { formatDuration, formatPercent, formatRate } from '../format.js'
import type { DashBreaker } from '../types.js'
import { Sparkline } from './Sparkline.js'
import { StateBadge } from './StateBadge.js'

export interface BreakerRowProps {
  breaker: DashBreaker
  store: FleetStore
  now: number
  busy: boolean
  /** Render the fleet-opinion cell (some breaker of the view has `fleet`). */
  showFleet: boolean
  onAction: (action: BreakerAction, name: string) => void
}

/** One breaker: state, override, last change, age, local window, rate and trend, fleet opinion, actions. */
export function BreakerRow({ breaker: b, store, now, busy, showFleet, onAction }: BreakerRowProps) {
  const rate = store.latestRate(b.name)
  // Version 0: used here (isolated, or local only) but never written to the fleet table.
  const written = b.version.lamport > 0
  const by = store.nameOf(b.version.origin)
  const change = written ? `by ${by}${b.reason === '' ? '' : `: ${b.reason}`}` : b.reason === '' ? 'not written to the fleet' : b.reason
  const age = b.wallTime === undefined || !written ? undefined : store.nodeNow(now) - b.wallTime
  return (
    <tr data-breaker={b.name} data-state={b.state}>
      <td data-label="breaker" class="bname">
        <span class="name" title={b.name}>
          {b.name}
        </span>
        {b.concurrent ? (
          <span class="tag warn" title="the last merge met a concurrent version (written on two sides without either seeing the other)">
            concurrent
          </span>
        ) : null}
        {b.localOnly ? (
          <span class="tag warn" title="this node's table is full: the breaker is kept and decided on this node only">
            local only
          </span>
        ) : null}
        {b.isolated ? (
          <span class="tag" title="decided by this node's own calls only">
            isolated
          </span>
        ) : null}
      </td>
      <td data-label="state" class="state">
        <StateBadge value={b.state} />
      </td>
      <td data-label="override" class="override">
        {b.override ?? <span class="muted">none</span>}
      </td>
      <td data-label="last change" class="change" title={change}>
        {change}
        {b.state === 'half-open' && b.prober !== null ? <div class="muted">prober: {store.nameOf(b.prober)}</div> : null}
      </td>
      <td data-label="age" class="num" title="since the last change, by the writer's wall clock (display only)">
        {formatDuration(age)}
      </td>
      <td data-label="local window" class="num" title="this node's sliding window: calls / failures / slow">
        {b.local.calls}/{b.local.failures}/{b.local.slow}
      </td>
      <td data-label="rate" class="num" title="this node's calls per second and failed share over the last poll">
        {rate === null ? '–' : `${formatRate(rate.calls)}/s`}
        {rate !== null && rate.calls > 0 ? <div class="muted">{formatPercent(rate.failures, rate.calls)} err</div> : null}
        {rate !== null && rate.rejections > 0 ? <div class="muted">{formatRate(rate.rejections)}/s refused</div> : null}
      </td>
      <td data-label="trend" class="trend">
        <Sparkline points={store.ratesOf(b.name)} />
      </td>
      {showFleet ? (
        <td data-label="fleet" class="fleet">
          <FleetCell breaker={b} store={store} />
        </td>
      ) : null}
      <td data-label="actions" class="actions">
        {(['force-open', 'force-close', 'reset'] as const).map((action) => (
          <button
            type="button"
            class={`act act-${action}`}
            disabled={busy}
            aria-label={`${action} ${b.name}`}
            onClick={() => onAction(action, b.name)}
          >
            {action}
          </button>
        ))}
      </td>
    </tr>
  )
}

/** "k of n members see it failing" where the node reports per-member opinions and they decide; nothing otherwise. */
function FleetCell({ breaker: b, store }: { breaker: DashBreaker; store: FleetStore }) {
  if (!decidedByOpinions(b) || b.fleet === undefined) return <span class="muted">–</span>
  const { failing, fresh, needed, degraded } = b.fleet
  const opinions = (b.opinions ?? [])
    .map((o) => `${store.nameOf(o.node)}: ${o.verdict} (${o.failures}/${o.calls} failed, ${formatDuration(o.ageMs)} old)`)
    .join('\n')
  return (
    <span title={opinions === '' ? undefined : opinions}>
      <span class="fleet-count">
        {failing} of {fresh} members see it failing
      </span>
      {b.decision === undefined ? null : (
        <div class="muted">
          {b.decision}
          {b.decision === 'quorum' ? `, needs ${needed}` : ''}
        </div>
      )}
      {degraded ? <span class="tag warn">degraded</span> : null}
    </span>
  )
}
