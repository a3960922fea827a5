/**
 * Why the admin server refused a client:
 * - `forbidden-host`: its `Host` header does not name this server (DNS rebinding), 403;
 * - `max-connections`: the connection cap was reached, closed on accept;
 * - `max-event-streams`: the `/v1/events` cap was reached, 503;
 * - `request-timeout`: headers or body not sent in time (slow-loris), 408.
 */
export type AdminRefusal = 'forbidden-host' | 'max-connections' | 'max-event-streams' | 'request-timeout'

export const ADMIN_REFUSALS: readonly AdminRefusal[] = ['forbidden-host', 'max-connections', 'max-event-streams', 'request-timeout']

/** What the admin server counts about its own clients, read by `/metrics` on each scrape. */
export class AdminCounters {
  /** Refused clients by reason; monotonic. */
  readonly refused: Record<AdminRefusal, number> = {
    'forbidden-host': 0,
    'max-connections': 0,
    'max-event-streams': 0,
    'request-timeout': 0,
  }
  /** Open connections now (event streams included). */
  connections = 0
  /** Open `/v1/events` streams now. */
  eventStreams = 0

  refuse(reason: AdminRefusal): void {
    this.refused[reason]++
  }
}
