import type { FleetStore } from '../FleetStore.js'
import { formatClock } from '../format.js'
import { StateBadge } from './StateBadge.js'
import { useState } from 'preact/hooks'

const STEP = 50

/** Breaker transitions and membership changes since the page opened, newest first. */
export function Timeline({ store }: { store: FleetStore }) {
  const [shown, setShown] = useState(STEP)
  const entries = store.timeline.slice(0, shown)
  return (
    <section class="panel" aria-labelledby="timeline-h">
      <h2 id="timeline-h">
        Timeline <span class="count">{store.timeline.length}</span>
      </h2>
      {entries.length === 0 ? (
        <p class="muted">No changes since this page opened.</p>
      ) : (
        <ol class="timeline">
          {entries.map((e) => (
            <li key={e.seq} data-kind={e.kind} data-subject={e.subject} data-to={e.to}>
              <time class="muted">{formatClock(e.at)}</time>{' '}
              <span class="kind">{e.kind === 'breaker' ? 'breaker' : 'member'}</span>{' '}
              <strong class="subject">{e.subject}</strong>{' '}
              {e.from === null ? <span class="muted">new</span> : <StateBadge value={e.from} />} →{' '}
              <StateBadge value={e.to} />
              {e.concurrent ? <span class="tag warn">concurrent</span> : null}
              {e.resync ? (
                <span class="tag" title="seen when the event stream came back; the event itself was missed">
                  on resync
                </span>
              ) : null}
              <div class="detail">{e.detail}</div>
            </li>
          ))}
        </ol>
      )}
      {store.timeline.length > shown ? (
        <button type="button" class="more" onClick={() => setShown(shown + STEP)}>
          show older
        </button>
      ) : null}
    </section>
  )
}
