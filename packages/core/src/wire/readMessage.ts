import type { VClock } from '../clock/VectorClock.js'
import type { Member } from '../membership/Member.js'
import type { BreakerRecord, DigestEntry } from '../table/BreakerRecord.js'
import { MAX_OPEN_COUNT } from '../table/BreakerRecord.js'
import { BREAKER_NAME_PATTERN } from '../table/assertBreakerName.js'
import { Fault } from './Fault.js'
import { LAYOUT } from './layout.js'
import { PROTOCOL_VERSION, WIRE_LIMITS, type Update, type WireMessage } from './messages.js'
import type { MsgpackReader } from './MsgpackReader.js'
import type { BreakerState, MemberStatus, Override } from '../types.js'

const L = WIRE_LIMITS
const K = LAYOUT.section

/** A node id on the wire: printable ASCII without spaces (libp2p peer ids are base58 or base32). */
const NODE_ID_PATTERN = /^[\x21-\x7e]+$/

/** What the decoder noticed besides the message itself. */
export interface DecodeStats {
  /** Sections of a kind this build does not know, skipped (0 when the message was refused). */
  skippedSections: number
}

/** The known sections of one message, as read (absent ones stay empty). */
interface Sections {
  members: Member[]
  records: BreakerRecord[]
  /** Piggybacked updates (SWIM messages): the members, then the records. */
  updates: Update[]
  digest: DigestEntry[]
  after: string
  through: string | null
  want: string[]
  skipped: number
}

const NONE: never[] = []

/** The one `Sections` the decoder fills (decoding is synchronous and not re-entrant, like the reader): no allocation per message. */
const scratch: Sections = { members: NONE, records: NONE, updates: NONE, digest: NONE, after: '', through: '', want: NONE, skipped: 0 }

/**
 * Read and validate one message in the positional layout of `layout.ts`.
 * Throws a `Fault` naming the first field at fault (with the in-memory field
 * names, e.g. `records[3].vclock`); the caller turns it into a `WireError`.
 * Sections of unknown kinds are skipped and counted in `stats`.
 *
 * The result is made of fresh objects holding only the known fields, in a
 * fixed key order. Vector clocks are null-prototype objects, so a node id such
 * as `__proto__` or `constructor` is an ordinary own key and never reaches a
 * prototype. Strings of up to 128 bytes (node ids, names, addresses, reasons)
 * come from an interner and are shared between messages.
 */
export function readMessage(r: MsgpackReader, stats?: DecodeStats): WireMessage {
  if (!r.atArray()) {
    if (r.remaining() === 0) throw new Fault('not-msgpack', '', 'no bytes')
    throw new Fault('not-an-object', '', 'expected a message envelope (an array)')
  }
  const length = r.array('', 0xffff_ffff)
  if (length === 0) throw new Fault('unsupported-version', 'v', 'empty envelope: no protocol version')
  const v = r.number('v')
  if (v !== PROTOCOL_VERSION) {
    throw new Fault('unsupported-version', 'v', `expected protocol version ${PROTOCOL_VERSION}, got ${v}`)
  }
  const t = length > 1 ? r.number('type') : -1
  const expected = LAYOUT.envelopeLength[t]
  if (expected === undefined || expected === 0) throw new Fault('unknown-type', 'type', `unknown message type ${t}`)
  if (length !== expected) throw new Fault('bad-field', '', `expected ${expected} envelope elements, got ${length}`)
  const ids = readIds(r)
  const from = idRef(r, ids, 'from')
  let msg: WireMessage
  let sections: Sections
  switch (t) {
    case LAYOUT.typeCode.ping:
    case LAYOUT.typeCode.ack: {
      const seq = r.uint('seq')
      sections = readSections(r, ids, t)
      const type = t === LAYOUT.typeCode.ping ? 'ping' : 'ack'
      msg = { v: 1, type, from, seq, updates: own(sections.updates) }
      break
    }
    case LAYOUT.typeCode['ping-req']: {
      const seq = r.uint('seq')
      const target = idRef(r, ids, 'target')
      sections = readSections(r, ids, t)
      msg = { v: 1, type: 'ping-req', from, seq, target, updates: own(sections.updates) }
      break
    }
    case LAYOUT.typeCode.delta:
      sections = readSections(r, ids, t)
      msg = { v: 1, type: 'delta', from, records: own(sections.records) }
      break
    case LAYOUT.typeCode['sync-req']: {
      const join = r.bool('join')
      const session = r.uint('session')
      const part = r.uint('part')
      const parts = r.uint('parts')
      if (parts < 1 || parts > L.maxSyncParts) throw new Fault('bad-field', 'parts', `expected 1..${L.maxSyncParts} parts, got ${parts}`)
      if (part >= parts) throw new Fault('bad-field', 'part', `part ${part} of ${parts}`)
      sections = readSections(r, ids, t)
      const { after, through } = sections
      msg = { v: 1, type: 'sync-req', from, join, members: own(sections.members), digest: own(sections.digest), session, part, parts, after, through }
      break
    }
    default: {
      // LAYOUT.typeCode['sync-res'], the only code left
      const session = r.uint('session')
      const part = r.uint('part')
      const messages = r.uint('messages')
      if (messages < 1 || messages > L.maxSyncParts) {
        throw new Fault('bad-field', 'messages', `expected 1..${L.maxSyncParts} messages, got ${messages}`)
      }
      sections = readSections(r, ids, t)
      msg = { v: 1, type: 'sync-res', from, members: own(sections.members), records: own(sections.records), want: own(sections.want), session, part, messages }
    }
  }
  if (stats !== undefined) stats.skippedSections = sections.skipped
  return msg
}

/**
 * The sections of a message of type code `t`: each known kind at most once,
 * in kind order, and only where `LAYOUT.sectionsAllowed` lists it; any other
 * kind is skipped (see `layout.ts`).
 */
function readSections(r: MsgpackReader, ids: readonly string[], t: number): Sections {
  const out = scratch
  out.members = out.records = out.updates = out.digest = out.want = NONE
  out.after = out.through = ''
  out.skipped = 0
  const n = r.array('sections', L.maxSections)
  const allowed = LAYOUT.sectionsAllowed[t] as number
  const swim = t <= LAYOUT.typeCode['ping-req']
  let last = -1
  for (let i = 0; i < n; i++) {
    let kind: number
    try {
      r.tuple('', 2, 'a section [kind, payload]')
      kind = r.uint('kind')
    } catch (e) {
      throw Fault.within(e, `sections[${i}]`)
    }
    const name = LAYOUT.sectionName[kind]
    if (name === undefined) {
      r.skip(`sections[${i}].payload`)
      out.skipped++
      continue
    }
    if ((allowed & (1 << kind)) === 0) {
      throw new Fault('bad-field', `sections[${i}]`, `a ${name} section does not belong in this message type`)
    }
    if (kind <= last) throw new Fault('bad-field', `sections[${i}]`, `the ${name} section is repeated or out of kind order`)
    last = kind
    switch (kind) {
      case K.members:
        if (swim) out.updates = readMemberUpdates(r, ids)
        else out.members = readMembers(r, ids)
        break
      case K.records:
        if (swim) out.updates = readRecordUpdates(r, ids, out.updates)
        else out.records = readRecords(r, ids)
        break
      case K.digest:
        r.tuple('digest', 3, 'a digest section [after, through, entries]')
        out.after = readBound(r, 'after')
        out.through = r.nil() ? null : readBound(r, 'through')
        out.digest = readDigest(r, ids)
        break
      default:
        // K.want, the only kind left
        out.want = readNames(r, 'want', L.maxWantNames)
    }
  }
  return out
}

/** A section's list, or a fresh empty one for a section that was absent. */
function own<T>(list: T[]): T[] {
  return list === NONE ? [] : list
}
function readIds(r: MsgpackReader): string[] {
  const n = r.array('ids', LAYOUT.maxIds)
  const ids = new Array<string>(n)
  for (let i = 0; i < n; i++) {
    try {
      const id = r.string('', 1, L.maxIdLength, true)
      if (!NODE_ID_PATTERN.test(id)) throw new Fault('bad-field', '', 'a node id is printable ASCII without spaces')
      ids[i] = id
    } catch (e) {
      throw Fault.within(e, `ids[${i}]`)
    }
  }
  return ids
}

/** An index into the message's id table, resolved to the node id. */
function idRef(r: MsgpackReader, ids: readonly string[], field: string): string {
  const i = r.uint(field)
  const id = ids[i]
  if (id === undefined) throw new Fault('bad-field', field, `id index ${i} is outside the ${ids.length}-entry id table`)
  return id
}

function readMemberUpdates(r: MsgpackReader, ids: readonly string[]): Update[] {
  const n = r.array('updates', L.maxUpdates)
  const out = new Array<Update>(n)
  for (let i = 0; i < n; i++) {
    try {
      out[i] = { kind: 'member', member: readMember(r, ids) }
    } catch (e) {
      throw Fault.within(Fault.within(e, 'member'), `updates[${i}]`)
    }
  }
  return out
}

/** The records section of a SWIM message: appended to the member updates `before` (the message's updates come to at most `maxUpdates`). */
function readRecordUpdates(r: MsgpackReader, ids: readonly string[], before: Update[]): Update[] {
  const m = before.length
  const n = r.array('updates', L.maxUpdates - m)
  const out = before === NONE ? new Array<Update>(n) : before
  for (let i = 0; i < n; i++) {
    try {
      out[m + i] = { kind: 'record', record: readRecord(r, ids) }
    } catch (e) {
      throw Fault.within(Fault.within(e, 'record'), `updates[${m + i}]`)
    }
  }
  return out
}

function readRecords(r: MsgpackReader, ids: readonly string[]): BreakerRecord[] {
  const n = r.array('records', L.maxRecordsPerMessage)
  const out = new Array<BreakerRecord>(n)
  for (let i = 0; i < n; i++) {
    try {
      out[i] = readRecord(r, ids)
    } catch (e) {
      throw Fault.within(e, `records[${i}]`)
    }
  }
  return out
}

function readRecord(r: MsgpackReader, ids: readonly string[]): BreakerRecord {
  r.tuple('', LAYOUT.recordLength, 'a record')
  // read in wire order
  const name = readName(r, 'name')
  const state = readState(r)
  const override = readOverride(r)
  const cooldownMs = nonNegative(r, 'cooldownMs')
  const openCount = r.uint('openCount')
  if (openCount > MAX_OPEN_COUNT) throw new Fault('bad-field', 'openCount', `${openCount} is above ${MAX_OPEN_COUNT}`)
  const prober = r.nil() ? null : idRef(r, ids, 'prober')
  const reason = r.string('reason', 0, L.maxReasonLength, true)
  const origin = idRef(r, ids, 'origin')
  const lamport = r.uint('lamport')
  const vclock = readVClock(r, ids, lamport)
  const wallTime = finite(r, 'wallTime')
  return { name, state, override, cooldownMs, openCount, prober, reason, origin, lamport, vclock, wallTime }
}

function readState(r: MsgpackReader): BreakerState {
  const c = r.uint('state')
  if (c === LAYOUT.state.closed) return 'closed'
  if (c === LAYOUT.state.open) return 'open'
  if (c === LAYOUT.state['half-open']) return 'half-open'
  throw new Fault('bad-field', 'state', `unknown breaker state code ${c}`)
}

function readOverride(r: MsgpackReader): Override {
  const c = r.uint('override')
  if (c === LAYOUT.override.none) return null
  if (c === LAYOUT.override['forced-open']) return 'forced-open'
  if (c === LAYOUT.override['forced-closed']) return 'forced-closed'
  throw new Fault('bad-field', 'override', `unknown override code ${c}`)
}

/** A vector clock whose counters are at most `lamport`, the record's timestamp (see `BreakerRecord.vclock`). */
function readVClock(r: MsgpackReader, ids: readonly string[], lamport: number): VClock {
  const n = r.array('vclock', 0xffff_ffff)
  if (n > 2 * L.maxVClockEntries) {
    throw new Fault('too-many', 'vclock', `${Math.ceil(n / 2)} entries, at most ${L.maxVClockEntries}`)
  }
  if ((n & 1) !== 0) throw new Fault('bad-field', 'vclock', `expected id/counter pairs, got ${n} elements`)
  const out = Object.create(null) as Record<string, number>
  for (let i = 0; i < n; i += 2) {
    const id = idRef(r, ids, 'vclock')
    const c = r.uint('vclock')
    if (c > lamport) throw new Fault('bad-field', 'vclock', `counter ${c} of ${JSON.stringify(id)} is above the record's lamport ${lamport}`)
    if (out[id] !== undefined) throw new Fault('bad-field', 'vclock', `node id ${JSON.stringify(id)} appears twice`)
    out[id] = c
  }
  return out
}

function readMembers(r: MsgpackReader, ids: readonly string[]): Member[] {
  const n = r.array('members', L.maxMembers)
  const out = new Array<Member>(n)
  for (let i = 0; i < n; i++) {
    try {
      out[i] = readMember(r, ids)
    } catch (e) {
      throw Fault.within(e, `members[${i}]`)
    }
  }
  return out
}

function readMember(r: MsgpackReader, ids: readonly string[]): Member {
  r.tuple('', LAYOUT.memberLength, 'a member')
  return {
    id: idRef(r, ids, 'id'),
    name: r.string('name', 0, L.maxNameLength, true),
    addrs: readAddrs(r),
    incarnation: r.uint('incarnation'),
    status: readStatus(r),
  }
}

function readAddrs(r: MsgpackReader): string[] {
  const n = r.array('addrs', L.maxAddrsPerMember)
  const out = new Array<string>(n)
  for (let i = 0; i < n; i++) {
    try {
      out[i] = r.string('', 1, L.maxAddrLength, true)
    } catch (e) {
      throw Fault.within(e, `addrs[${i}]`)
    }
  }
  return out
}

function readStatus(r: MsgpackReader): MemberStatus {
  const c = r.uint('status')
  if (c === LAYOUT.status.alive) return 'alive'
  if (c === LAYOUT.status.suspect) return 'suspect'
  if (c === LAYOUT.status.dead) return 'dead'
  if (c === LAYOUT.status.left) return 'left'
  throw new Fault('bad-field', 'status', `unknown member status code ${c}`)
}

function readDigest(r: MsgpackReader, ids: readonly string[]): DigestEntry[] {
  const n = r.array('digest', L.maxRecordsPerMessage)
  const out = new Array<DigestEntry>(n)
  for (let i = 0; i < n; i++) {
    try {
      r.tuple('', LAYOUT.digestEntryLength, 'a digest entry [name, lamport, origin]')
      const name = readName(r, 'name')
      const lamport = r.uint('lamport')
      out[i] = [name, lamport, idRef(r, ids, 'origin')]
    } catch (e) {
      throw Fault.within(e, `digest[${i}]`)
    }
  }
  return out
}

function readNames(r: MsgpackReader, field: string, max: number): string[] {
  const n = r.array(field, max)
  const out = new Array<string>(n)
  for (let i = 0; i < n; i++) {
    try {
      out[i] = readName(r, '')
    } catch (e) {
      throw Fault.within(e, `${field}[${i}]`)
    }
  }
  return out
}

/** A sync range bound: '' or a breaker name. */
function readBound(r: MsgpackReader, field: string): string {
  const s = r.string(field, 0, L.maxNameLength, true)
  if (s !== '' && !BREAKER_NAME_PATTERN.test(s)) {
    throw new Fault('bad-name', field, 'a range bound is empty or a breaker name')
  }
  return s
}

/** A breaker name: 1..maxNameLength characters of `BREAKER_NAME_PATTERN`, the rule of `isBreakerName` (`bad-name` otherwise). */
function readName(r: MsgpackReader, field: string): string {
  const name = r.string(field, 1, L.maxNameLength, true)
  if (!BREAKER_NAME_PATTERN.test(name)) {
    throw new Fault('bad-name', field, 'a breaker name is letters, digits and . _ - : / @ only')
  }
  return name
}

function nonNegative(r: MsgpackReader, field: string): number {
  const x = r.number(field)
  if (!(x >= 0) || x === Infinity) throw new Fault('bad-field', field, `expected a finite non-negative number, got ${x}`)
  return x
}

function finite(r: MsgpackReader, field: string): number {
  const x = r.number(field)
  if (!Number.isFinite(x)) throw new Fault('bad-field', field, `expected a finite number, got ${x}`)
  return x
}
