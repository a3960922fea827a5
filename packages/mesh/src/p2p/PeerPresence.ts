/**
 * Turns libp2p's connection events into the host's "peer connected" /
 * "peer disconnected" events: exactly one `connected` per peer per
 * connection-up (however many connections libp2p holds to it), exactly one
 * `disconnected` after each `connected`, and `connected` carries the peer's
 * *listen* addrs.
 *
 * libp2p raises `peer:connect` before it knows where the peer listens: an
 * inbound connection only shows the peer's ephemeral source port. Identify
 * tells the listen addrs a round trip later, so `connected` waits for the
 * peer's identify, at most `waitMs`, and then fires with what is known.
 */
export interface PeerPresenceEvents {
  connected(peerId: string, addrs: string[]): void
  disconnected(peerId: string): void
}

interface Pending {
  timer: NodeJS.Timeout
  fallbackAddrs: () => string[]
}

export class PeerPresence {
  readonly #waitMs: number
  readonly #events: PeerPresenceEvents
  readonly #pending = new Map<string, Pending>()
  readonly #up = new Set<string>()
  #stopped = false

  constructor(waitMs: number, events: PeerPresenceEvents) {
    if (!Number.isFinite(waitMs) || waitMs < 0) throw new RangeError(`waitMs must be >= 0, got ${String(waitMs)}`)
    this.#waitMs = waitMs
    this.#events = events
  }

  /** libp2p opened its first connection to `peerId`. `fallbackAddrs` is asked if identify never comes. */
  connectionUp(peerId: string, fallbackAddrs: () => string[]): void {
    if (this.#stopped || this.#pending.has(peerId) || this.#up.has(peerId)) return
    const timer = setTimeout(() => this.#announce(peerId, this.#pending.get(peerId)?.fallbackAddrs() ?? []), this.#waitMs)
    timer.unref()
    this.#pending.set(peerId, { timer, fallbackAddrs })
  }

  /** Identify finished for `peerId` (also raised again on identify-push; only the first counts). */
  identified(peerId: string, listenAddrs: string[]): void {
    if (this.#stopped || !this.#pending.has(peerId)) return
    this.#announce(peerId, listenAddrs)
  }

  /** libp2p closed its last connection to `peerId`. */
  connectionDown(peerId: string): void {
    const pending = this.#pending.get(peerId)
    if (pending !== undefined) {
      // Never announced: stay silent, so events always come in pairs.
      clearTimeout(pending.timer)
      this.#pending.delete(peerId)
      return
    }
    if (!this.#up.delete(peerId) || this.#stopped) return
    this.#events.disconnected(peerId)
  }

  /** Peers announced as connected and not since disconnected. */
  connected(): string[] {
    return [...this.#up]
  }

  /** Cancel pending announcements; no event fires after this. */
  stop(): void {
    this.#stopped = true
    for (const { timer } of this.#pending.values()) clearTimeout(timer)
    this.#pending.clear()
    this.#up.clear()
  }

  #announce(peerId: string, addrs: string[]): void {
    const pending = this.#pending.get(peerId)
    if (pending === undefined || this.#stopped) return
    clearTimeout(pending.timer)
    this.#pending.delete(peerId)
    this.#up.add(peerId)
    this.#events.connected(peerId, addrs)
  }
}
