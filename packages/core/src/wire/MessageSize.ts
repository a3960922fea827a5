import type { PiggybackMeasure } from '../membership/Dissemination.js'
import type { Member } from '../membership/Member.js'
import type { AppItem, MemberUpdate } from '../membership/SwimMessage.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { DigestEntry } from '../table/digest.js'
import type { Opinion } from '../table/Opinion.js'
import { WIRE_LIMITS, type OpinionUpdate, type RecordUpdate } from './messages.js'

/**
 * Upper bounds of the encoded size of message parts (the positional layout of
 * `layout.ts` as msgpackr packs it), so a node can cut what it sends into
 * messages under `WIRE_LIMITS.maxMessageBytes` without encoding twice. Node
 * ids are counted once per message (the id table) plus a 3-byte reference for
 * each use; every number as its widest form (9 bytes) unless it is a small
 * enum or count.
 */

/** Bytes reserved for the envelope and the fixed fields of any message (version, type, seq, session, range bounds, array headers). */
export const ENVELOPE_RESERVE_BYTES = 1024

/** UTF-8 length of `s`. */
export function utf8Bytes(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4
        i++
      } else n += 3
    } else n += 3
  }
  return n
}

/** A packed string: header (1, 2, 3 or 5 bytes) and its UTF-8 bytes. */
export function stringBytes(s: string): number {
  const n = utf8Bytes(s)
  return n + (n < 32 ? 1 : n < 256 ? 2 : n < 65_536 ? 3 : 5)
}

const NUMBER = 9
const REF = 3
const ARRAY_HEADER = 5

/**
 * The running size of one message being filled. `add*` returns whether the
 * item fits under the limit, and counts it only then. The first item always
 * goes in (one item that alone exceeds the limit cannot be split anyway).
 */
export class MessageSize {
  private readonly ids = new Set<string>()
  private readonly fresh = new Set<string>()
  private pending = 0
  private used: number
  private items = 0

  /** @param limit bytes the message may take (default `WIRE_LIMITS.maxMessageBytes`) */
  constructor(readonly limit: number = WIRE_LIMITS.maxMessageBytes) {
    this.used = ENVELOPE_RESERVE_BYTES
  }

  /** Bytes counted so far (an upper bound of the encoding). */
  get bytes(): number {
    return this.used
  }

  /** Items added. */
  get count(): number {
    return this.items
  }

  /** Count a node id used in the envelope (sender, target). */
  id(id: string): this {
    this.ref(id)
    this.commit()
    return this
  }

  addRecord(r: BreakerRecord): boolean {
    this.record(r)
    return this.settle()
  }

  addMember(m: Member): boolean {
    this.member(m)
    return this.settle()
  }

  addOpinion(o: Opinion): boolean {
    this.opinion(o)
    return this.settle()
  }

  /** A piggybacked update; false for an item kind the wire cannot encode. */
  addUpdate(u: MemberUpdate | AppItem): boolean {
    if (u.kind === 'member') this.member((u as MemberUpdate).member)
    else if (u.kind === 'record') this.record((u as RecordUpdate).record)
    else if (u.kind === 'opinion') this.opinion((u as OpinionUpdate).opinion)
    else return false
    this.pending += 3 // its share of the section headers
    return this.settle()
  }

  addDigestEntry(e: DigestEntry): boolean {
    this.pending += 1 + stringBytes(e[0]) + NUMBER
    this.ref(e[2])
    return this.settle()
  }

  addName(name: string): boolean {
    this.pending += stringBytes(name)
    return this.settle()
  }

  private record(r: BreakerRecord): void {
    let n = 1 + stringBytes(r.name) + 1 + 1 + NUMBER + NUMBER + stringBytes(r.reason) + NUMBER + NUMBER + ARRAY_HEADER
    if (r.prober === null) n += 1
    else this.ref(r.prober)
    this.ref(r.origin)
    for (const id of Object.keys(r.vclock)) {
      this.ref(id)
      n += NUMBER
    }
    this.pending += n
  }

  private opinion(o: Opinion): void {
    this.pending += 1 + stringBytes(o.breaker) + 1 + 5 * NUMBER
    this.ref(o.node)
  }

  private member(m: Member): void {
    let n = 1 + stringBytes(m.name) + ARRAY_HEADER + NUMBER + 1
    for (const addr of m.addrs) n += stringBytes(addr)
    this.ref(m.id)
    this.pending += n
  }

  private ref(id: string): void {
    this.pending += REF
    if (!this.ids.has(id) && !this.fresh.has(id)) {
      this.fresh.add(id)
      this.pending += stringBytes(id)
    }
  }

  private settle(): boolean {
    const fits = this.items === 0 || this.used + this.pending <= this.limit
    if (fits) {
      this.commit()
      this.items++
    } else {
      this.pending = 0
      this.fresh.clear()
    }
    return fits
  }

  private commit(): void {
    this.used += this.pending
    for (const id of this.fresh) this.ids.add(id)
    this.pending = 0
    this.fresh.clear()
  }
}

/** The byte measure `Swim` keeps its piggybacked updates within (see `SwimOptions.measure`). */
export function piggybackMeasure(limitBytes: number): PiggybackMeasure {
  const size = new MessageSize(limitBytes)
  return { add: (update) => size.addUpdate(update) }
}

/**
 * Cut `items` into consecutive pages that each fit one message: at most
 * `maxCount` items and `limit` bytes by `add` (a `MessageSize` method bound
 * to the item kind). Never returns an empty page; [] for no items.
 */
export function paginate<T>(
  items: readonly T[],
  add: (size: MessageSize, item: T) => boolean,
  maxCount: number,
  limit: number = WIRE_LIMITS.maxMessageBytes,
): T[][] {
  const pages: T[][] = []
  let page: T[] = []
  let size = new MessageSize(limit)
  for (const item of items) {
    if (page.length >= maxCount || !add(size, item)) {
      if (page.length > 0) pages.push(page)
      page = []
      size = new MessageSize(limit)
      add(size, item)
    }
    page.push(item)
  }
  if (page.length > 0) pages.push(page)
  return pages
}
