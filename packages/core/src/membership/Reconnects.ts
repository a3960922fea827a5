import type { Member } from './Member.js'
import type { MemberEntry, MemberTable } from './MemberTable.js'
import type { SwimConfig } from './SwimConfig.js'

/** Wait before retry `attempts + 1` of a dead member, ms: the interval doubled per retry so far, capped. */
export function reconnectDelay(config: SwimConfig, attempts: number): number {
  return Math.min(config.reconnectMaxIntervalMs, config.reconnectIntervalMs * 2 ** Math.min(attempts, 32))
}

/**
 * Serf-style reconnect of dead members, with two bounds: each member's
 * retries back off exponentially (`reconnectDelay`), and at most
 * `reconnectsPerInterval` members are returned per `reconnectIntervalMs`
 * window, the most overdue first. Failed dials therefore stay flat however
 * many members are dead.
 */
export class Reconnects {
  private windowStart = -Infinity
  private windowCount = 0

  constructor(private readonly config: SwimConfig) {}

  /** A member just died: its first retry is one interval from now. */
  died(entry: MemberEntry, now: number): void {
    entry.reconnectAttempts = 0
    entry.reconnectAt = now + this.config.reconnectIntervalMs
  }

  /** The confirmed dead members to retry now; each is scheduled again after its backed-off delay. */
  due(table: MemberTable, now: number): Member[] {
    const { reconnectIntervalMs, reconnectTimeoutMs, reconnectsPerInterval } = this.config
    if (now >= this.windowStart + reconnectIntervalMs) {
      this.windowStart = now
      this.windowCount = 0
    }
    const room = reconnectsPerInterval - this.windowCount
    if (room <= 0) return []
    const due: MemberEntry[] = []
    for (const id of table.gone()) {
      const entry = table.get(id)
      if (entry === undefined || entry.member.status !== 'dead' || !entry.confirmed) continue
      if (now < entry.reconnectAt || now >= entry.since + reconnectTimeoutMs) continue
      due.push(entry)
    }
    if (due.length === 0) return []
    due.sort((a, b) => a.reconnectAt - b.reconnectAt)
    const picked = due.slice(0, room)
    for (const entry of picked) {
      entry.reconnectAttempts += 1
      entry.reconnectAt = now + reconnectDelay(this.config, entry.reconnectAttempts)
    }
    this.windowCount += picked.length
    return picked.map((entry) => entry.member)
  }
}
