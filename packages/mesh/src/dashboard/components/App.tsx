import { useEffect, useState } from 'preact/hooks'
import type { AdminApi, BreakerAction } from '../AdminApi.js'
import { AdminApiError } from '../AdminApi.js'
import type { FleetStore } from '../FleetStore.js'
import type { LiveConnection } from '../LiveConnection.js'
import { BreakersPanel } from './BreakersPanel.js'
import { Header } from './Header.js'
import { MembersTable } from './MembersTable.js'
import { Timeline } from './Timeline.js'
import { TokenForm } from './TokenForm.js'

interface Outcome {
  ok: boolean
  text: string
}

interface Pending {
  action: BreakerAction
  name: string
  refused: boolean
}

/** Re-render on store changes at most once per animation frame, and every second for ages. */
function useTicker(store: FleetStore, connection: LiveConnection): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    let frame = 0
    const schedule = (): void => {
      if (frame !== 0) return
      frame = requestAnimationFrame(() => {
        frame = 0
        setNow(Date.now())
      })
    }
    const offStore = store.subscribe(schedule)
    const offLink = connection.subscribe(schedule)
    const clock = setInterval(schedule, 1000)
    return () => {
      offStore()
      offLink()
      clearInterval(clock)
      if (frame !== 0) cancelAnimationFrame(frame)
    }
  }, [store, connection])
  return now
}

export function App({ store, api, connection }: { store: FleetStore; api: AdminApi; connection: LiveConnection }) {
  const now = useTicker(store, connection)
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set())
  const [outcome, setOutcome] = useState<Outcome | null>(null)
  const [pending, setPending] = useState<Pending | null>(null)
  const [reason, setReason] = useState('')

  const perform = async (action: BreakerAction, name: string): Promise<void> => {
    setBusy((s) => new Set(s).add(name))
    try {
      const entry = await api.act(action, name, reason.trim())
      const state = entry === null ? '' : `: now ${entry.state}${entry.override === null ? '' : ` (${entry.override})`}`
      setOutcome({ ok: true, text: `${action} ${name} done${state}` })
      setPending(null)
      void connection.refresh()
    } catch (err) {
      if (err instanceof AdminApiError && err.unauthorized) {
        setPending({ action, name, refused: api.token !== null })
        setOutcome({ ok: false, text: `${action} ${name}: the node asks for its admin token` })
      } else {
        const text = err instanceof AdminApiError ? `${err.code}: ${err.message}` : String(err)
        setOutcome({ ok: false, text: `${action} ${name} failed: ${text}` })
      }
    } finally {
      setBusy((s) => {
        const next = new Set(s)
        next.delete(name)
        return next
      })
    }
  }

  return (
    <div class="page">
      <Header store={store} link={connection.status} problem={connection.problem} />
      <p class={`outcome ${outcome === null ? 'empty' : outcome.ok ? 'ok' : 'err'}`} role="status" aria-live="polite">
        {outcome === null ? '' : `${outcome.ok ? '✓' : '✗'} ${outcome.text}`}
      </p>
      {pending === null ? null : (
        <TokenForm
          refused={pending.refused}
          onSubmit={(token) => {
            api.token = token
            void perform(pending.action, pending.name)
          }}
          onCancel={() => setPending(null)}
        />
      )}
      {store.view === null ? (
        <p class="muted loading">Reading the fleet view…</p>
      ) : (
        <div class="layout">
          <main>
            <BreakersPanel store={store} now={now} busy={busy} reason={reason} onReason={setReason} onAction={(a, n) => void perform(a, n)} />
          </main>
          <aside>
            <MembersTable store={store} now={now} />
            <Timeline store={store} />
          </aside>
        </div>
      )}
    </div>
  )
}
