import { retransmitLimit } from './timeouts.js'
import type { NodeId } from '../types.js'

export interface BroadcastQueueOptions<T> {
  /** The queue key of an item: a newer item with the same key replaces the queued one (a member id, a breaker name). */
  readonly key: (item: T) => string
  /** Each update is sent `retransmitLimit(retransmitMult, clusterSize())` times. Integer ≥ 1. */
  readonly retransmitMult: number
  /** The current live member count (alive + suspect, self included); read on every `take`. */
  readonly clusterSize: () => number
  /**
   * Whether `incoming` may replace `queued` (same key). Default: always, for a
   * caller that only enqueues its newest view. Return false to keep a newer queued item.
   */
  readonly supersedes?: (incoming: T, queued: T) => boolean
}

/** One queued item, linked into the list of items sent the same number of times. */
interface Item<T> {
  readonly key: string
  update: T
  /** Nodes known to hold this update (who told us, who told us again); never sent to them. */
  knownBy: Set<NodeId> | null
  transmits: number
  prev: Item<T> | null
  next: Item<T> | null
}

/** Items sent the same number of times, oldest at `head`, newest at `tail`. */
interface Bucket<T> {
  head: Item<T> | null
  tail: Item<T> | null
}

/**
 * A transmit-limited piggyback queue (the idea of memberlist's
 * `TransmitLimitedQueue`), for any kind of item: member updates in `Swim`,
 * breaker records in the record delegate. Items are keyed (`key`): a newer item
 * for a key replaces the queued one and starts its count over. `take` hands out the least-sent updates first
 * (newest first among equals, so fresh news such as a refutation is never stuck
 * behind a backlog) and drops an update once it was sent
 * `retransmitMult × ceil(log10(n+1))` times. Every operation is O(1) per item touched.
 */
export class BroadcastQueue<T> {
  private readonly retransmitMult: number
  private readonly clusterSize: () => number
  private readonly keyOf: (item: T) => string
  private readonly replaces: (incoming: T, queued: T) => boolean
  private readonly items = new Map<string, Item<T>>()
  /** `buckets[t]`: the items sent `t` times. */
  private readonly buckets: Bucket<T>[] = []

  constructor(options: BroadcastQueueOptions<T>) {
    if (!Number.isInteger(options.retransmitMult) || options.retransmitMult < 1) {
      throw new RangeError(`BroadcastQueue retransmitMult must be an integer ≥ 1, got ${String(options.retransmitMult)}`)
    }
    this.retransmitMult = options.retransmitMult
    this.clusterSize = options.clusterSize
    this.keyOf = options.key
    this.replaces = options.supersedes ?? (() => true)
  }

  /** Queued updates. */
  get size(): number {
    return this.items.size
  }

  /**
   * Queue an update, replacing (and restarting the count of) a queued update
   * with the same key unless `supersedes` refuses. `source`: the node that told
   * us, which `take` never sends it back to. Returns whether it was queued.
   */
  enqueue(update: T, source: NodeId | null = null): boolean {
    const key = this.keyOf(update)
    const queued = this.items.get(key)
    if (queued !== undefined) {
      if (!this.replaces(update, queued.update)) return false
      this.unlink(queued)
      queued.update = update
      queued.knownBy = source === null ? null : new Set([source])
      queued.transmits = 0
      this.append(queued)
      return true
    }
    const knownBy = source === null ? null : new Set([source])
    const item: Item<T> = { key, update, knownBy, transmits: 0, prev: null, next: null }
    this.items.set(key, item)
    this.append(item)
    return true
  }

  /**
   * Up to `max` updates to piggyback on one message to `to`: fewest
   * transmissions first, newest first among equals, skipping what `to` is
   * known to hold (see `enqueue`'s `source` and `markKnown`): sending it would
   * waste the transmission. Each one handed
   * out counts as one transmission; an update that reached the limit leaves the queue.
   */
  take(max: number, to: NodeId | null = null): T[] {
    if (this.items.size === 0 || max <= 0) return []
    const limit = retransmitLimit(this.retransmitMult, this.clusterSize())
    // The limit may have shrunk with the fleet: drop what already reached it.
    for (let t = limit; t < this.buckets.length; t++) {
      const bucket = this.buckets[t] as Bucket<T>
      for (let item = bucket.head; item !== null; item = item.next) this.items.delete(item.key)
      bucket.head = bucket.tail = null
    }
    const picked: Item<T>[] = []
    for (let t = 0; t < Math.min(limit, this.buckets.length) && picked.length < max; t++) {
      const bucket = this.buckets[t] as Bucket<T>
      for (let item = bucket.tail; item !== null && picked.length < max; item = item.prev) {
        if (to === null || item.knownBy === null || !item.knownBy.has(to)) picked.push(item)
      }
    }
    // Move them up one bucket, oldest first, so they keep their relative age there.
    for (let i = picked.length - 1; i >= 0; i--) {
      const item = picked[i] as Item<T>
      this.unlink(item)
      item.transmits += 1
      if (item.transmits >= limit) this.items.delete(item.key)
      else this.append(item)
    }
    return picked.map((item) => item.update)
  }

  /**
   * Note that `node` already holds the update queued under `key` (it sent us
   * the same version), so `take` does not spend a transmission on it.
   */
  markKnown(key: string, node: NodeId): void {
    const item = this.items.get(key)
    if (item === undefined) return
    item.knownBy ??= new Set()
    item.knownBy.add(node)
  }

  /** How many times the update queued under `key` was sent, or undefined if none is queued. */
  transmits(key: string): number | undefined {
    return this.items.get(key)?.transmits
  }

  /** The item queued under `key`, if any. */
  peek(key: string): T | undefined {
    return this.items.get(key)?.update
  }

  /** Drop everything. */
  clear(): void {
    this.items.clear()
    this.buckets.length = 0
  }

  private bucket(transmits: number): Bucket<T> {
    while (this.buckets.length <= transmits) this.buckets.push({ head: null, tail: null })
    return this.buckets[transmits] as Bucket<T>
  }

  private append(item: Item<T>): void {
    const bucket = this.bucket(item.transmits)
    item.prev = bucket.tail
    item.next = null
    if (bucket.tail !== null) bucket.tail.next = item
    else bucket.head = item
    bucket.tail = item
  }

  private unlink(item: Item<T>): void {
    const bucket = this.bucket(item.transmits)
    if (item.prev !== null) item.prev.next = item.next
    else bucket.head = item.next
    if (item.next !== null) item.next.prev = item.prev
    else bucket.tail = item.prev
    item.prev = item.next = null
  }
}
