/**
 * Keeps a FleetStore current: server-sent events from `/v1/events` patch it
 * as changes happen, and `/v1/view` + `/v1/stats` are read every `pollMs`
 * (`largePollMs` for a large table) for what events do not carry (window
 * counts, call counters, ages).
 * EventSource reconnects by itself after a dropped stream; when it opens
 * again the view is read at once, and differences go to the timeline as
 * seen on resync. Polling pauses while the tab is hidden.
 */
import { AdminApiError } from './AdminApi.js'
import type { AdminApi } from './AdminApi.js'
import type { FleetStore } from './FleetStore.js'
import type { MeshEvent } from './types.js'

export type LinkStatus = 'connecting' | 'live' | 'reconnecting' | 'offline'

export interface LiveConnectionOptions {
  /** How often view and stats are read, ms [2000]. */
  pollMs?: number
  /**
   * Slower reads for large tables, ms [5000], once the view holds more than
   * `largeTable` breakers [300]: a view of 1,000 breakers is ~360 kB of JSON.
   */
  largePollMs?: number
  largeTable?: number
  /** Wait after an event before reading the full view, ms [250]; events in that time share one read. */
  settleMs?: number
}

export class LiveConnection {
  status: LinkStatus = 'connecting'
  /** Why the last read failed, for the banner. */
  problem: string | null = null

  private source: EventSource | null = null
  private pollTimer: ReturnType<typeof setTimeout> | null = null
  private stopped = false
  private settleTimer: ReturnType<typeof setTimeout> | null = null
  private reopenTimer: ReturnType<typeof setTimeout> | null = null
  private reading = false
  private streamLost = false
  private readonly pollMs: number
  private readonly largePollMs: number
  private readonly largeTable: number
  private readonly settleMs: number
  private readonly onStatus = new Set<() => void>()

  constructor(
    private readonly store: FleetStore,
    private readonly api: AdminApi,
    options: LiveConnectionOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 2000
    this.largePollMs = options.largePollMs ?? 5000
    this.largeTable = options.largeTable ?? 300
    this.settleMs = options.settleMs ?? 250
  }

  subscribe(listener: () => void): () => void {
    this.onStatus.add(listener)
    return () => this.onStatus.delete(listener)
  }

  start(): void {
    this.open()
    void this.read(false)
    this.schedulePoll()
  }

  private schedulePoll(): void {
    if (this.stopped) return
    const large = (this.store.view?.breakers.length ?? 0) > this.largeTable
    this.pollTimer = setTimeout(() => {
      const hidden = typeof document !== 'undefined' && document.hidden
      void (hidden ? Promise.resolve() : this.read(false)).finally(() => this.schedulePoll())
    }, large ? this.largePollMs : this.pollMs)
  }

  stop(): void {
    this.stopped = true
    this.source?.close()
    this.source = null
    for (const timer of [this.settleTimer, this.reopenTimer, this.pollTimer]) if (timer !== null) clearTimeout(timer)
  }

  /** Read view and stats now (also after an action, to show its effect at once). */
  refresh(): Promise<void> {
    return this.read(false)
  }

  private open(): void {
    const source = new EventSource('/v1/events')
    this.source = source
    source.onopen = () => {
      const resync = this.streamLost
      this.streamLost = false
      this.setStatus('live', null)
      // Whatever happened while the stream was down: read it now.
      void this.read(resync)
    }
    source.onerror = () => {
      this.streamLost = true
      if (source.readyState === EventSource.CLOSED) {
        // The browser gave up (an error status, say): open a new stream a little later.
        this.source = null
        this.reopenTimer = setTimeout(() => {
          if (!this.stopped) this.open()
        }, 3000)
      }
      this.setStatus('reconnecting', 'event stream lost, reconnecting')
    }
    const onEvent = (e: MessageEvent<string>): void => {
      let event: MeshEvent
      try {
        event = JSON.parse(e.data) as MeshEvent
      } catch {
        return
      }
      this.store.applyEvent(event, Date.now())
      this.settleTimer ??= setTimeout(() => {
        this.settleTimer = null
        void this.read(false)
      }, this.settleMs)
    }
    source.addEventListener('breaker', onEvent)
    source.addEventListener('member', onEvent)
  }

  private async read(resync: boolean): Promise<void> {
    if (this.reading && !resync) return
    this.reading = true
    try {
      const [{ view, serverDate }, stats] = await Promise.all([this.api.view(), this.api.stats()])
      const at = Date.now()
      this.store.applyView(view, at, serverDate === undefined ? { resync } : { resync, serverDate })
      this.store.applyStats(stats, at)
      if (this.status === 'offline') this.setStatus(this.streamLost ? 'reconnecting' : 'live', null)
    } catch (err) {
      const message = err instanceof AdminApiError ? `${err.code}: ${err.message}` : String(err)
      this.setStatus('offline', `cannot read the node: ${message}`)
    } finally {
      this.reading = false
    }
  }

  private setStatus(status: LinkStatus, problem: string | null): void {
    if (this.status === status && this.problem === problem) return
    this.status = status
    this.problem = problem
    for (const listener of this.onStatus) listener()
  }
}
