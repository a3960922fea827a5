/**
 * Memory a peer may make this node hold in frames that have started but not
 * finished arriving: per connection (peer) and in all. A peer that announces
 * large frames and trickles them, on many streams, hits its budget and has
 * the offending stream reset; honest peers finish a frame within milliseconds
 * and never come close.
 */
export class ReceiveBudget {
  private readonly byPeer = new Map<string, number>()
  private total = 0
  /** Highest `total` seen: what the attack tests read. */
  highWater = 0

  constructor(
    /** Bytes of unfinished frames one peer may have buffered here. */
    readonly perPeerBytes: number,
    /** Bytes of unfinished frames all peers together may have buffered here. */
    readonly totalBytes: number,
  ) {}

  /** Charge `n` bytes to `peer`; false (and nothing charged) if that would pass a limit. */
  take(peer: string, n: number): boolean {
    const used = this.byPeer.get(peer) ?? 0
    if (used + n > this.perPeerBytes || this.total + n > this.totalBytes) return false
    this.byPeer.set(peer, used + n)
    this.total += n
    if (this.total > this.highWater) this.highWater = this.total
    return true
  }

  /** Release `n` bytes charged to `peer`. */
  give(peer: string, n: number): void {
    if (n <= 0) return
    const used = (this.byPeer.get(peer) ?? 0) - n
    if (used > 0) this.byPeer.set(peer, used)
    else this.byPeer.delete(peer)
    this.total = Math.max(0, this.total - n)
  }

  /** Bytes held now, all peers. */
  get used(): number {
    return this.total
  }
}
