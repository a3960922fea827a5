import type { VClock } from '../clock/VectorClock.js'
import type { Member } from '../membership/Member.js'
import type { BreakerRecord } from '../table/BreakerRecord.js'
import type { DigestEntry } from '../table/digest.js'
import { MAX_OPEN_COUNT } from '../table/BreakerRecord.js'
import { MAX_OPINION_NUMBER, type Opinion } from '../table/Opinion.js'
import { BREAKER_NAME_PATTERN } from '../table/assertBreakerName.js'
import { Fault } from './Fault.js'
import { LAYOUT } from './layout.js'
import { WIRE_LIMITS, type Update } from './messages.js'
import type { MsgpackReader } from './MsgpackReader.js'
import type { BreakerState, MemberStatus, Override, Verdict } from '../types.js'

/**
 * Readers of the items inside a message (see `layout.ts`): the id table,
 * members, records, digest entries, names. Each throws a `Fault` naming the
 * field at fault, relative to the item; callers prefix its position.
 */

const L = WIRE_LIMITS

/** A node id on the wire: printable ASCII without spaces (libp2p peer ids are base58 or base32). */
const NODE_ID_PATTERN = /^[\x21-\x7e]+$/

export function readIds(r: MsgpackReader): string[] {
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
export function idRef(r: MsgpackReader, ids: readonly string[], field: string): string {
  const i = r.uint(field)
  const id = ids[i]
  if (id === undefined) throw new Fault('bad-field', field, `id index ${i} is outside the ${ids.length}-entry id table`)
  return id
}

export function readMemberUpdates(r: MsgpackReader, ids: readonly string[]): Update[] {
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
export function readRecordUpdates(r: MsgpackReader, ids: readonly string[], before: Update[]): Update[] {
  const m = before.length
  const n = r.array('updates', L.maxUpdates - m)
  const out = m === 0 ? new Array<Update>(n) : before
  for (let i = 0; i < n; i++) {
    try {
      out[m + i] = { kind: 'record', record: readRecord(r, ids) }
    } catch (e) {
      throw Fault.within(Fault.within(e, 'record'), `updates[${m + i}]`)
    }
  }
  return out
}

/** The opinions section of a SWIM message: appended to the updates `before` (members and records; at most `maxUpdates` in all). */
export function readOpinionUpdates(r: MsgpackReader, ids: readonly string[], before: Update[]): Update[] {
  const m = before.length
  const n = r.array('updates', L.maxUpdates - m)
  const out = m === 0 ? new Array<Update>(n) : before
  for (let i = 0; i < n; i++) {
    try {
      out[m + i] = { kind: 'opinion', opinion: readOpinion(r, ids) }
    } catch (e) {
      throw Fault.within(Fault.within(e, 'opinion'), `updates[${m + i}]`)
    }
  }
  return out
}

export function readOpinions(r: MsgpackReader, ids: readonly string[]): Opinion[] {
  const n = r.array('opinions', L.maxOpinionsPerMessage)
  const out = new Array<Opinion>(n)
  for (let i = 0; i < n; i++) {
    try {
      out[i] = readOpinion(r, ids)
    } catch (e) {
      throw Fault.within(e, `opinions[${i}]`)
    }
  }
  return out
}

function readOpinion(r: MsgpackReader, ids: readonly string[]): Opinion {
  r.tuple('', LAYOUT.opinionLength, 'an opinion')
  const breaker = readName(r, 'breaker')
  const node = idRef(r, ids, 'node')
  const verdict = readVerdict(r)
  const calls = r.uint('calls')
  const failures = r.uint('failures')
  if (failures > calls) throw new Fault('bad-field', 'failures', `${failures} failures in a window of ${calls} calls`)
  const slow = r.uint('slow')
  if (slow > calls) throw new Fault('bad-field', 'slow', `${slow} slow calls in a window of ${calls} calls`)
  const seq = r.uint('seq')
  if (seq > MAX_OPINION_NUMBER) throw new Fault('bad-field', 'seq', `${seq} is above ${MAX_OPINION_NUMBER}`)
  const ageMs = r.uint('ageMs')
  if (ageMs > MAX_OPINION_NUMBER) throw new Fault('bad-field', 'ageMs', `${ageMs} is above ${MAX_OPINION_NUMBER}`)
  return { breaker, node, verdict, calls, failures, slow, seq, ageMs }
}

function readVerdict(r: MsgpackReader): Verdict {
  const c = r.uint('verdict')
  if (c === LAYOUT.verdict.healthy) return 'healthy'
  if (c === LAYOUT.verdict.failing) return 'failing'
  throw new Fault('bad-field', 'verdict', `unknown verdict code ${c}`)
}

export function readRecords(r: MsgpackReader, ids: readonly string[]): BreakerRecord[] {
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

export function readMembers(r: MsgpackReader, ids: readonly string[]): Member[] {
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

export function readDigest(r: MsgpackReader, ids: readonly string[]): DigestEntry[] {
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

export function readNames(r: MsgpackReader, field: string, max: number): string[] {
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
export function readBound(r: MsgpackReader, field: string): string {
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
