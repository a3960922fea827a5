import type { VClock } from '../clock/VectorClock.js'
import type { Member } from '../membership/Member.js'
import type { AppItem, MemberUpdate } from '../membership/SwimMessage.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { DigestEntry } from '../table/digest.js'
import type { Opinion } from '../table/Opinion.js'
import { LAYOUT } from './layout.js'
import { PROTOCOL_VERSION, type OpinionUpdate, type OutgoingMessage, type RecordUpdate } from './messages.js'

const K = LAYOUT.section

/**
 * A message in the positional layout of `layout.ts`, ready for MessagePack.
 * Trusts its input (it comes from this process): it does not validate, and a
 * message the decoder would reject encodes to bytes the peer will reject.
 * Throws `TypeError` only for an unknown `type`, update kind or enum value.
 */
export function toWire(msg: OutgoingMessage): unknown[] {
  const ids = new IdTable()
  const from = ids.ref(msg.from)
  const v = PROTOCOL_VERSION
  switch (msg.type) {
    case 'ping':
      return [v, LAYOUT.typeCode.ping, ids.list, from, msg.seq, updates(msg.updates, ids)]
    case 'ack':
      return [v, LAYOUT.typeCode.ack, ids.list, from, msg.seq, updates(msg.updates, ids)]
    case 'ping-req':
      return [v, LAYOUT.typeCode['ping-req'], ids.list, from, msg.seq, ids.ref(msg.target), updates(msg.updates, ids)]
    case 'delta': {
      const sections: unknown[] = []
      if (msg.records.length > 0) sections.push([K.records, records(msg.records, ids)])
      if (msg.opinions !== undefined && msg.opinions.length > 0) sections.push([K.opinions, opinions(msg.opinions, ids)])
      return [v, LAYOUT.typeCode.delta, ids.list, from, sections]
    }
    case 'sync-req': {
      const sections: unknown[] = []
      if (msg.members.length > 0) sections.push([K.members, members(msg.members, ids)])
      // always sent: the range means something even without entries
      sections.push([K.digest, [msg.after, msg.through, digest(msg.digest, ids)]])
      if (msg.opinions !== undefined && msg.opinions.length > 0) sections.push([K.opinions, opinions(msg.opinions, ids)])
      return [v, LAYOUT.typeCode['sync-req'], ids.list, from, msg.join, msg.session, msg.part, msg.parts, sections]
    }
    case 'sync-res': {
      const sections: unknown[] = []
      if (msg.members.length > 0) sections.push([K.members, members(msg.members, ids)])
      if (msg.records.length > 0) sections.push([K.records, records(msg.records, ids)])
      if (msg.want.length > 0) sections.push([K.want, msg.want.slice()])
      if (msg.opinions !== undefined && msg.opinions.length > 0) sections.push([K.opinions, opinions(msg.opinions, ids)])
      return [v, LAYOUT.typeCode['sync-res'], ids.list, from, msg.session, msg.part, msg.messages, sections]
    }
    default:
      throw new TypeError(`cannot encode message of unknown type ${JSON.stringify((msg as { type?: unknown }).type)}`)
  }
}

/**
 * The message's node-id table: each distinct id once, referenced by index.
 * Linear search while small (the common one- or two-id message), a Map beyond.
 */
class IdTable {
  readonly list: string[] = []
  private index: Map<string, number> | null = null

  ref(id: string): number {
    const list = this.list
    const index = this.index
    if (index !== null) {
      let i = index.get(id)
      if (i === undefined) {
        i = list.length
        list.push(id)
        index.set(id, i)
      }
      return i
    }
    for (let i = 0; i < list.length; i++) if (list[i] === id) return i
    list.push(id)
    if (list.length > 8) {
      const map = new Map<string, number>()
      for (let i = 0; i < list.length; i++) map.set(list[i] as string, i)
      this.index = map
    }
    return list.length - 1
  }
}

/** Piggybacked updates as sections: the member updates, then the records, then the opinions, each in their order. */
function updates(list: readonly (MemberUpdate | AppItem)[], ids: IdTable): unknown[] {
  let memberList: unknown[] | null = null
  let recordList: unknown[] | null = null
  let opinionList: unknown[] | null = null
  for (let i = 0; i < list.length; i++) {
    const u = list[i] as MemberUpdate | AppItem
    if (u.kind === 'member') (memberList ??= []).push(member((u as MemberUpdate).member, ids))
    else if (u.kind === 'record') (recordList ??= []).push(record((u as RecordUpdate).record, ids))
    else if (u.kind === 'opinion') (opinionList ??= []).push(opinion((u as OpinionUpdate).opinion, ids))
    else throw new TypeError(`cannot encode update of unknown kind ${JSON.stringify(u.kind)}`)
  }
  const sections: unknown[] = []
  if (memberList !== null) sections.push([K.members, memberList])
  if (recordList !== null) sections.push([K.records, recordList])
  if (opinionList !== null) sections.push([K.opinions, opinionList])
  return sections
}

function opinions(list: readonly Opinion[], ids: IdTable): unknown[] {
  const out = new Array<unknown>(list.length)
  for (let i = 0; i < list.length; i++) out[i] = opinion(list[i] as Opinion, ids)
  return out
}

function opinion(o: Opinion, ids: IdTable): unknown[] {
  return [o.breaker, ids.ref(o.node), code(LAYOUT.verdict, o.verdict, 'verdict'), o.calls, o.failures, o.slow, o.seq, o.ageMs]
}

function records(list: readonly BreakerRecord[], ids: IdTable): unknown[] {
  const out = new Array<unknown>(list.length)
  for (let i = 0; i < list.length; i++) out[i] = record(list[i] as BreakerRecord, ids)
  return out
}

function members(list: readonly Member[], ids: IdTable): unknown[] {
  const out = new Array<unknown>(list.length)
  for (let i = 0; i < list.length; i++) out[i] = member(list[i] as Member, ids)
  return out
}

function digest(list: readonly DigestEntry[], ids: IdTable): unknown[] {
  const out = new Array<unknown>(list.length)
  for (let i = 0; i < list.length; i++) {
    const [name, lamport, origin] = list[i] as DigestEntry
    out[i] = [name, lamport, ids.ref(origin)]
  }
  return out
}

function record(r: BreakerRecord, ids: IdTable): unknown[] {
  return [
    r.name,
    code(LAYOUT.state, r.state, 'state'),
    r.override === null ? LAYOUT.override.none : code(LAYOUT.override, r.override, 'override'),
    r.cooldownMs,
    r.openCount,
    r.prober === null ? null : ids.ref(r.prober),
    r.reason,
    ids.ref(r.origin),
    r.lamport,
    vclock(r.vclock, ids),
    r.wallTime,
  ]
}

function member(m: Member, ids: IdTable): unknown[] {
  return [ids.ref(m.id), m.name, m.addrs.slice(), m.incarnation, code(LAYOUT.status, m.status, 'status')]
}

function vclock(vc: VClock, ids: IdTable): number[] {
  const keys = Object.keys(vc)
  const out = new Array<number>(keys.length * 2)
  for (let i = 0; i < keys.length; i++) {
    const id = keys[i] as string
    out[2 * i] = ids.ref(id)
    out[2 * i + 1] = vc[id] as number
  }
  return out
}

function code(table: Readonly<Record<string, number>>, value: string, field: string): number {
  const c = Object.prototype.hasOwnProperty.call(table, value) ? table[value] : undefined
  if (c === undefined) throw new TypeError(`cannot encode ${field} ${JSON.stringify(value)}`)
  return c
}
