import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { decodeMessage, encodeMessage } from './codec.js'
import { A, B, sampleMember, sampleRecord } from './fixtures/samples.js'
import { WIRE_LIMITS, type WireMessage } from './messages.js'
import { toWire } from './toWire.js'
import { WireError, type WireErrorCode } from './WireError.js'

// Each case starts from a valid message in the positional layout (see layout.ts),
// breaks one thing, packs it with plain msgpackr and expects one precise rejection.

const record = sampleRecord()
const member = sampleMember()
const delta: WireMessage = { v: 1, type: 'delta', from: A, records: [record] }
const pingReq: WireMessage = {
  v: 1,
  type: 'ping-req',
  from: A,
  seq: 9,
  target: B,
  updates: [
    { kind: 'member', member },
    { kind: 'record', record },
  ],
}
const syncReq: WireMessage = {
  v: 1,
  type: 'sync-req',
  from: A,
  join: true,
  members: [member],
  digest: [['payments-api', 42, A]],
  session: 1,
  part: 0,
  parts: 2,
  after: '',
  through: 'payments-api',
}
const syncRes: WireMessage = { v: 1, type: 'sync-res', from: B, members: [member], records: [record], want: ['ledger'], session: 1, part: 0, messages: 1 }
// positional indexes of the header fields and sections (layout.ts)
const SREQ = { session: 5, part: 6, parts: 7, sections: 8 }
const SRES = { session: 4, part: 5, messages: 6, sections: 7 }
// the sections of the base messages, in order: [kind, payload]
const PREQ_SECTIONS = 6 // ping-req: members, records
const DELTA_SECTIONS = 4 // delta: records
// sync-req: members, digest [after, through, entries]; sync-res: members, records, want
const members = (raw: Raw): Raw => raw[SREQ.sections][0][1]
const range = (raw: Raw): Raw => raw[SREQ.sections][1][1]
const entries = (raw: Raw): Raw => range(raw)[2]

const packr = new Packr({ useRecords: false, mapsAsObjects: true })
const extPackr = new Packr({ useRecords: false, moreTypes: true, structuredClone: true })

// positional indexes (layout.ts)
const REC = { name: 0, state: 1, override: 2, cooldownMs: 3, openCount: 4, prober: 5, reason: 6, origin: 7, lamport: 8, vclock: 9, wallTime: 10 }

type Raw = any[]
/** Pack `base` in the positional layout after `edit` changed it. */
function bytes(base: WireMessage, edit: (raw: Raw) => void, p: Packr = packr): Uint8Array {
  const raw = structuredClone(toWire(base)) as Raw
  edit(raw)
  return p.pack(raw)
}
/** Edit the first record of a delta. */
function rec(edit: (r: Raw, raw: Raw) => void): Uint8Array {
  return bytes(delta, (raw) => edit(raw[DELTA_SECTIONS][0][1][0], raw))
}

const long = (n: number): string => 'x'.repeat(n)

/** Replace the first occurrence of byte sequence `find` (which must exist) by `by`. */
function patch(input: Uint8Array, find: number[], by: number[]): Uint8Array {
  const b = Buffer.from(input)
  const at = b.indexOf(Buffer.from(find))
  if (at < 0) throw new Error('pattern not found')
  return Uint8Array.from([...b.subarray(0, at), ...by, ...b.subarray(at + find.length)])
}

interface Case {
  readonly name: string
  readonly input: () => Uint8Array
  readonly code: WireErrorCode
  readonly field?: string
}

const cases: Case[] = [
  // bytes as a whole
  { name: 'more than maxMessageBytes', input: () => new Uint8Array(WIRE_LIMITS.maxMessageBytes + 1), code: 'too-large' },
  { name: 'no bytes', input: () => new Uint8Array(0), code: 'not-msgpack' },
  { name: 'truncated encoding', input: () => encodeMessage(delta).slice(0, -3), code: 'not-msgpack', field: 'records[0].wallTime' },
  { name: 'trailing bytes', input: () => Uint8Array.from([...encodeMessage(delta), 0xc0]), code: 'not-msgpack' },
  { name: 'array claiming more entries than bytes', input: () => Uint8Array.from([0xdd, 0xff, 0xff, 0xff, 0xff, 1]), code: 'not-msgpack' },
  { name: 'reserved byte 0xc1', input: () => patch(rec((r) => (r[REC.wallTime] = 'WT')), [0xa2, 0x57, 0x54], [0xc1]), code: 'not-msgpack', field: 'records[0].wallTime' },
  { name: 'string that is not UTF-8', input: () => patch(rec((r) => (r[REC.name] = 'a¢b')), [0xc2, 0xa2], [0xc2, 0x41]), code: 'not-msgpack', field: 'records[0].name' },
  { name: 'overlong UTF-8', input: () => patch(rec((r) => (r[REC.name] = 'a¢b')), [0xc2, 0xa2], [0xc0, 0xaf]), code: 'not-msgpack', field: 'records[0].name' },
  { name: 'UTF-8 surrogate', input: () => patch(rec((r) => (r[REC.name] = 'a€b')), [0xe2, 0x82, 0xac], [0xed, 0xa0, 0x80]), code: 'not-msgpack', field: 'records[0].name' },
  // envelope
  { name: 'top-level string', input: () => packr.pack('ping'), code: 'not-an-object' },
  { name: 'top-level map (keyed message)', input: () => packr.pack({ v: 1, type: 'delta', from: A, records: [] }), code: 'not-an-object' },
  { name: 'wrong version', input: () => bytes(delta, (raw) => (raw[0] = 2)), code: 'unsupported-version', field: 'v' },
  { name: 'version 0', input: () => bytes(delta, (raw) => (raw[0] = 0)), code: 'unsupported-version', field: 'v' },
  { name: 'empty envelope', input: () => packr.pack([]), code: 'unsupported-version', field: 'v' },
  { name: 'unknown type', input: () => bytes(delta, (raw) => (raw[1] = 9)), code: 'unknown-type', field: 'type' },
  { name: 'type 0', input: () => bytes(delta, (raw) => (raw[1] = 0)), code: 'unknown-type', field: 'type' },
  { name: 'type as a string', input: () => bytes(delta, (raw) => (raw[1] = 'delta')), code: 'bad-field', field: 'type' },
  { name: 'missing envelope field', input: () => bytes(delta, (raw) => raw.pop()), code: 'bad-field' },
  { name: 'extra envelope field', input: () => bytes(delta, (raw) => raw.push(0)), code: 'bad-field' },
  // id table
  { name: 'ids not an array', input: () => bytes(delta, (raw) => (raw[2] = A)), code: 'bad-field', field: 'ids' },
  { name: 'empty node id', input: () => bytes(delta, (raw) => (raw[2][0] = '')), code: 'bad-field', field: 'ids[0]' },
  { name: 'node id of 129 chars', input: () => bytes(delta, (raw) => (raw[2][0] = long(129))), code: 'too-long', field: 'ids[0]' },
  { name: 'node id as a number', input: () => bytes(delta, (raw) => (raw[2][1] = 7)), code: 'bad-field', field: 'ids[1]' },
  { name: 'from outside the id table', input: () => bytes(delta, (raw) => (raw[3] = 5)), code: 'bad-field', field: 'from' },
  { name: 'from as a string', input: () => bytes(delta, (raw) => (raw[3] = A)), code: 'bad-field', field: 'from' },
  { name: 'node id with a space', input: () => bytes(delta, (raw) => (raw[2][0] = 'n 1')), code: 'bad-field', field: 'ids[0]' },
  { name: 'node id with a control character', input: () => bytes(delta, (raw) => (raw[2][1] = 'n\u001b2')), code: 'bad-field', field: 'ids[1]' },
  { name: 'node id outside ASCII', input: () => bytes(delta, (raw) => (raw[2][0] = 'nœud')), code: 'bad-field', field: 'ids[0]' },
  // records: counts and shapes
  // sections
  { name: 'sections not an array', input: () => bytes(delta, (raw) => (raw[DELTA_SECTIONS] = 5)), code: 'bad-field', field: 'sections' },
  { name: 'sections as a map', input: () => bytes(delta, (raw) => (raw[DELTA_SECTIONS] = {})), code: 'forbidden-type', field: 'sections' },
  {
    name: 'too many sections',
    input: () => bytes(delta, (raw) => (raw[DELTA_SECTIONS] = new Array(WIRE_LIMITS.maxSections + 1).fill([99, 0]))),
    code: 'too-many',
    field: 'sections',
  },
  { name: 'section without its payload', input: () => bytes(delta, (raw) => raw[DELTA_SECTIONS][0].pop()), code: 'bad-field', field: 'sections[0]' },
  { name: 'section with an extra element', input: () => bytes(delta, (raw) => raw[DELTA_SECTIONS][0].push(1)), code: 'bad-field', field: 'sections[0]' },
  { name: 'section kind as a string', input: () => bytes(delta, (raw) => (raw[DELTA_SECTIONS][0][0] = 'records')), code: 'bad-field', field: 'sections[0].kind' },
  { name: 'negative section kind', input: () => bytes(delta, (raw) => (raw[DELTA_SECTIONS][0][0] = -1)), code: 'bad-field', field: 'sections[0].kind' },
  {
    name: 'a known section repeated',
    input: () => bytes(delta, (raw) => raw[DELTA_SECTIONS].push(raw[DELTA_SECTIONS][0])),
    code: 'bad-field',
    field: 'sections[1]',
  },
  {
    name: 'known sections out of kind order',
    input: () => bytes(syncRes, (raw) => raw[SRES.sections].reverse()),
    code: 'bad-field',
    field: 'sections[1]',
  },
  { name: 'a members section in a delta', input: () => bytes(delta, (raw) => raw[DELTA_SECTIONS].unshift([0, []])), code: 'bad-field', field: 'sections[0]' },
  { name: 'a digest section in a ping-req', input: () => bytes(pingReq, (raw) => (raw[PREQ_SECTIONS][1][0] = 2)), code: 'bad-field', field: 'sections[1]' },
  { name: 'a records section in a sync-req', input: () => bytes(syncReq, (raw) => (raw[SREQ.sections][1][0] = 1)), code: 'bad-field', field: 'sections[1]' },
  {
    name: 'an unknown section holding a map',
    input: () => bytes(delta, (raw) => raw[DELTA_SECTIONS].push([99, [1, { a: 1 }]])),
    code: 'forbidden-type',
    field: 'sections[1].payload',
  },
  {
    name: 'an unknown section holding binary data',
    input: () => bytes(delta, (raw) => raw[DELTA_SECTIONS].unshift([7, Buffer.from('opinion')])),
    code: 'forbidden-type',
    field: 'sections[0].payload',
  },
  {
    name: 'an unknown section holding an extension',
    input: () => bytes(delta, (raw) => raw[DELTA_SECTIONS].push([7, new Date()]), extPackr),
    code: 'forbidden-type',
    field: 'sections[1].payload',
  },
  {
    name: 'an unknown section holding reserved byte 0xc1',
    input: () => patch(bytes(delta, (raw) => raw[DELTA_SECTIONS].push([7, 'WT'])), [0xa2, 0x57, 0x54], [0xc1, 0xc0, 0xc0]),
    code: 'not-msgpack',
    field: 'sections[1].payload',
  },
  {
    name: 'an unknown section claiming more entries than bytes',
    input: () => patch(bytes(delta, (raw) => raw[DELTA_SECTIONS].push([7, [5, 5]])), [0x92, 0x05, 0x05], [0xdd, 0x00, 0x01]),
    code: 'not-msgpack',
    field: 'sections[1].payload',
  },
  // records: counts and shapes
  { name: 'records not an array', input: () => bytes(delta, (raw) => (raw[DELTA_SECTIONS][0][1] = {})), code: 'forbidden-type', field: 'records' },
  {
    name: 'too many records',
    // small records, so the message stays under maxMessageBytes
    input: () =>
      bytes(delta, (raw) => (raw[DELTA_SECTIONS][0][1] = new Array(WIRE_LIMITS.maxRecordsPerMessage + 1).fill(['x', 0, 0, 0, 0, null, '', 0, 0, [], 0]))),
    code: 'too-many',
    field: 'records',
  },
  { name: 'record missing a field', input: () => rec((r) => r.pop()), code: 'bad-field', field: 'records[0]' },
  { name: 'record with an extra field', input: () => rec((r) => r.push(1)), code: 'bad-field', field: 'records[0]' },
  { name: 'record as a map', input: () => bytes(delta, (raw) => (raw[DELTA_SECTIONS][0][1][0] = { ...record })), code: 'forbidden-type', field: 'records[0]' },
  // record fields
  { name: 'name of 0 chars', input: () => rec((r) => (r[REC.name] = '')), code: 'bad-field', field: 'records[0].name' },
  { name: 'name of 129 chars', input: () => rec((r) => (r[REC.name] = long(129))), code: 'too-long', field: 'records[0].name' },
  { name: 'name of 129 chars, 2 bytes each', input: () => rec((r) => (r[REC.name] = 'é'.repeat(129))), code: 'too-long', field: 'records[0].name' },
  { name: 'name as binary', input: () => rec((r) => (r[REC.name] = Buffer.from('payments'))), code: 'forbidden-type', field: 'records[0].name' },
  { name: 'name as nil', input: () => rec((r) => (r[REC.name] = null)), code: 'bad-field', field: 'records[0].name' },
  { name: 'name with a space', input: () => rec((r) => (r[REC.name] = 'payments api')), code: 'bad-name', field: 'records[0].name' },
  { name: 'name with a terminal escape', input: () => rec((r) => (r[REC.name] = 'pay\u001b[31m')), code: 'bad-name', field: 'records[0].name' },
  { name: 'name with a bidi override', input: () => rec((r) => (r[REC.name] = 'pay\u202eipa')), code: 'bad-name', field: 'records[0].name' },
  { name: 'name outside ASCII', input: () => rec((r) => (r[REC.name] = 'café')), code: 'bad-name', field: 'records[0].name' },
  { name: 'state code 3', input: () => rec((r) => (r[REC.state] = 3)), code: 'bad-field', field: 'records[0].state' },
  { name: 'state as a string', input: () => rec((r) => (r[REC.state] = 'open')), code: 'bad-field', field: 'records[0].state' },
  { name: 'override code 3', input: () => rec((r) => (r[REC.override] = 3)), code: 'bad-field', field: 'records[0].override' },
  { name: 'override as nil', input: () => rec((r) => (r[REC.override] = null)), code: 'bad-field', field: 'records[0].override' },
  { name: 'NaN cooldown', input: () => rec((r) => (r[REC.cooldownMs] = NaN)), code: 'bad-field', field: 'records[0].cooldownMs' },
  { name: 'infinite cooldown', input: () => rec((r) => (r[REC.cooldownMs] = Infinity)), code: 'bad-field', field: 'records[0].cooldownMs' },
  { name: 'negative cooldown', input: () => rec((r) => (r[REC.cooldownMs] = -0.5)), code: 'bad-field', field: 'records[0].cooldownMs' },
  { name: 'negative openCount', input: () => rec((r) => (r[REC.openCount] = -1)), code: 'bad-field', field: 'records[0].openCount' },
  { name: 'fractional openCount', input: () => rec((r) => (r[REC.openCount] = 1.5)), code: 'bad-field', field: 'records[0].openCount' },
  { name: 'openCount above 2^32', input: () => rec((r) => (r[REC.openCount] = 2 ** 32 + 1)), code: 'bad-field', field: 'records[0].openCount' },
  { name: 'prober outside the id table', input: () => rec((r) => (r[REC.prober] = 99)), code: 'bad-field', field: 'records[0].prober' },
  { name: 'prober as a string', input: () => rec((r) => (r[REC.prober] = B)), code: 'bad-field', field: 'records[0].prober' },
  { name: 'reason of 257 chars', input: () => rec((r) => (r[REC.reason] = long(257))), code: 'too-long', field: 'records[0].reason' },
  { name: 'reason as a number', input: () => rec((r) => (r[REC.reason] = 5)), code: 'bad-field', field: 'records[0].reason' },
  { name: 'origin missing (nil)', input: () => rec((r) => (r[REC.origin] = null)), code: 'bad-field', field: 'records[0].origin' },
  { name: 'negative lamport', input: () => rec((r) => (r[REC.lamport] = -1)), code: 'bad-field', field: 'records[0].lamport' },
  { name: 'lamport beyond 2^53', input: () => rec((r) => (r[REC.lamport] = 2 ** 53)), code: 'bad-field', field: 'records[0].lamport' },
  { name: 'lamport as a string', input: () => rec((r) => (r[REC.lamport] = '42')), code: 'bad-field', field: 'records[0].lamport' },
  { name: 'NaN wallTime', input: () => rec((r) => (r[REC.wallTime] = NaN)), code: 'bad-field', field: 'records[0].wallTime' },
  { name: 'infinite wallTime', input: () => rec((r) => (r[REC.wallTime] = -Infinity)), code: 'bad-field', field: 'records[0].wallTime' },
  { name: 'wallTime as a Date (timestamp extension)', input: () => rec((r) => (r[REC.wallTime] = new Date())), code: 'forbidden-type', field: 'records[0].wallTime' },
  // vector clocks
  { name: 'vclock as a map', input: () => rec((r) => (r[REC.vclock] = { [A]: 7 })), code: 'forbidden-type', field: 'records[0].vclock' },
  {
    name: 'vclock with too many entries',
    input: () => rec((r) => (r[REC.vclock] = new Array(WIRE_LIMITS.maxVClockEntries + 1).fill([0, 1]).flat())),
    code: 'too-many',
    field: 'records[0].vclock',
  },
  { name: 'vclock with a non-integer counter', input: () => rec((r) => (r[REC.vclock] = [0, 1.5])), code: 'bad-field', field: 'records[0].vclock' },
  { name: 'vclock with a negative counter', input: () => rec((r) => (r[REC.vclock] = [0, -3])), code: 'bad-field', field: 'records[0].vclock' },
  { name: 'vclock with an odd length', input: () => rec((r) => (r[REC.vclock] = [0, 1, 1])), code: 'bad-field', field: 'records[0].vclock' },
  { name: 'vclock naming a node twice', input: () => rec((r) => (r[REC.vclock] = [0, 1, 0, 2])), code: 'bad-field', field: 'records[0].vclock' },
  { name: 'vclock key outside the id table', input: () => rec((r) => (r[REC.vclock] = [7, 1])), code: 'bad-field', field: 'records[0].vclock' },
  { name: 'vclock counter above the lamport', input: () => rec((r) => (r[REC.vclock] = [0, 43])), code: 'bad-field', field: 'records[0].vclock' },
  { name: 'vclock counter at 2^53 − 1', input: () => rec((r) => (r[REC.vclock] = [0, Number.MAX_SAFE_INTEGER])), code: 'bad-field', field: 'records[0].vclock' },
  // updates (ping / ack / ping-req)
  { name: 'seq as a string', input: () => bytes(pingReq, (raw) => (raw[4] = '9')), code: 'bad-field', field: 'seq' },
  { name: 'target outside the id table', input: () => bytes(pingReq, (raw) => (raw[5] = 40)), code: 'bad-field', field: 'target' },
  {
    name: 'too many member updates',
    input: () => bytes(pingReq, (raw) => (raw[PREQ_SECTIONS][0][1] = new Array(WIRE_LIMITS.maxUpdates + 1).fill(raw[PREQ_SECTIONS][0][1][0]))),
    code: 'too-many',
    field: 'updates',
  },
  {
    name: 'too many updates, members and records together',
    input: () => bytes(pingReq, (raw) => (raw[PREQ_SECTIONS][1][1] = new Array(WIRE_LIMITS.maxUpdates).fill(raw[PREQ_SECTIONS][1][1][0]))),
    code: 'too-many',
    field: 'updates',
  },
  { name: 'negative lamport in an update', input: () => bytes(pingReq, (raw) => (raw[PREQ_SECTIONS][1][1][0][REC.lamport] = -7)), code: 'bad-field', field: 'updates[1].record.lamport' },
  { name: 'member status code 4', input: () => bytes(pingReq, (raw) => (raw[PREQ_SECTIONS][0][1][0][4] = 4)), code: 'bad-field', field: 'updates[0].member.status' },
  { name: 'an Error (extension) as a member update', input: () => bytes(pingReq, (raw) => (raw[PREQ_SECTIONS][0][1][0] = new Error('x')), extPackr), code: 'forbidden-type', field: 'updates[0].member' },
  { name: 'an Error (extension) as a section', input: () => bytes(pingReq, (raw) => (raw[PREQ_SECTIONS][0] = new Error('x')), extPackr), code: 'forbidden-type', field: 'sections[0]' },
  { name: 'a Set (extension) as updates', input: () => bytes(pingReq, (raw) => (raw[PREQ_SECTIONS][0][1] = new Set([1])), extPackr), code: 'forbidden-type', field: 'updates' },
  { name: 'a RegExp (extension) as a name', input: () => bytes(pingReq, (raw) => (raw[PREQ_SECTIONS][1][1][0][0] = /a+/), extPackr), code: 'forbidden-type', field: 'updates[1].record.name' },
  // members (sync-req / sync-res)
  { name: 'join as a number', input: () => bytes(syncReq, (raw) => (raw[4] = 1)), code: 'bad-field', field: 'join' },
  {
    name: 'too many members',
    input: () => bytes(syncReq, (raw) => (raw[SREQ.sections][0][1] = new Array(WIRE_LIMITS.maxMembers + 1).fill(members(raw)[0]))),
    code: 'too-many',
    field: 'members',
  },
  { name: 'member missing a field', input: () => bytes(syncReq, (raw) => members(raw)[0].pop()), code: 'bad-field', field: 'members[0]' },
  { name: 'member name of 129 chars', input: () => bytes(syncReq, (raw) => (members(raw)[0][1] = long(129))), code: 'too-long', field: 'members[0].name' },
  { name: 'addrs not an array', input: () => bytes(syncReq, (raw) => (members(raw)[0][2] = '/ip4/1.2.3.4')), code: 'bad-field', field: 'members[0].addrs' },
  { name: 'empty addr', input: () => bytes(syncReq, (raw) => (members(raw)[0][2] = ['a', ''])), code: 'bad-field', field: 'members[0].addrs[1]' },
  { name: 'addr of 257 chars', input: () => bytes(syncReq, (raw) => (members(raw)[0][2] = [long(257)])), code: 'too-long', field: 'members[0].addrs[0]' },
  {
    name: 'too many addrs',
    input: () => bytes(syncReq, (raw) => (members(raw)[0][2] = new Array(WIRE_LIMITS.maxAddrsPerMember + 1).fill('a'))),
    code: 'too-many',
    field: 'members[0].addrs',
  },
  { name: 'negative incarnation', input: () => bytes(syncReq, (raw) => (members(raw)[0][3] = -1)), code: 'bad-field', field: 'members[0].incarnation' },
  { name: 'member status as a string', input: () => bytes(syncReq, (raw) => (members(raw)[0][4] = 'alive')), code: 'bad-field', field: 'members[0].status' },
  { name: 'digest section without its range', input: () => bytes(syncReq, (raw) => range(raw).splice(0, 2)), code: 'bad-field', field: 'digest' },
  { name: 'digest entry missing origin', input: () => bytes(syncReq, (raw) => entries(raw)[0].pop()), code: 'bad-field', field: 'digest[0]' },
  { name: 'digest name empty', input: () => bytes(syncReq, (raw) => (entries(raw)[0][0] = '')), code: 'bad-field', field: 'digest[0].name' },
  { name: 'digest negative lamport', input: () => bytes(syncReq, (raw) => (entries(raw)[0][1] = -1)), code: 'bad-field', field: 'digest[0].lamport' },
  { name: 'digest origin outside the id table', input: () => bytes(syncReq, (raw) => (entries(raw)[0][2] = 3)), code: 'bad-field', field: 'digest[0].origin' },
  { name: 'digest name with a control character', input: () => bytes(syncReq, (raw) => (entries(raw)[0][0] = 'a\u0007')), code: 'bad-name', field: 'digest[0].name' },
  // sync parts
  { name: 'negative session', input: () => bytes(syncReq, (raw) => (raw[SREQ.session] = -1)), code: 'bad-field', field: 'session' },
  { name: 'zero parts', input: () => bytes(syncReq, (raw) => (raw[SREQ.parts] = 0)), code: 'bad-field', field: 'parts' },
  { name: 'too many parts', input: () => bytes(syncReq, (raw) => (raw[SREQ.parts] = WIRE_LIMITS.maxSyncParts + 1)), code: 'bad-field', field: 'parts' },
  { name: 'part beyond the parts', input: () => bytes(syncReq, (raw) => (raw[SREQ.part] = 2)), code: 'bad-field', field: 'part' },
  { name: 'range start as nil', input: () => bytes(syncReq, (raw) => (range(raw)[0] = null)), code: 'bad-field', field: 'after' },
  { name: 'range start with a space', input: () => bytes(syncReq, (raw) => (range(raw)[0] = 'a b')), code: 'bad-name', field: 'after' },
  { name: 'range end as a number', input: () => bytes(syncReq, (raw) => (range(raw)[1] = 5)), code: 'bad-field', field: 'through' },
  { name: 'range end of 129 chars', input: () => bytes(syncReq, (raw) => (range(raw)[1] = long(129))), code: 'too-long', field: 'through' },
  { name: 'sync-req without its part header', input: () => bytes(syncReq, (raw) => raw.splice(SREQ.session, 3)), code: 'bad-field' },
  { name: 'answer of 0 messages', input: () => bytes(syncRes, (raw) => (raw[SRES.messages] = 0)), code: 'bad-field', field: 'messages' },
  { name: 'answer of too many messages', input: () => bytes(syncRes, (raw) => (raw[SRES.messages] = WIRE_LIMITS.maxSyncParts + 1)), code: 'bad-field', field: 'messages' },
  { name: 'messages as a boolean', input: () => bytes(syncRes, (raw) => (raw[SRES.messages] = true)), code: 'bad-field', field: 'messages' },
  { name: 'fractional part in an answer', input: () => bytes(syncRes, (raw) => (raw[SRES.part] = 0.5)), code: 'bad-field', field: 'part' },
  { name: 'sync-res without its part', input: () => bytes(syncRes, (raw) => raw.splice(SRES.session)), code: 'bad-field' },
  { name: 'want name empty', input: () => bytes(syncRes, (raw) => (raw[SRES.sections][2][1] = ['ok', ''])), code: 'bad-field', field: 'want[1]' },
  { name: 'want name of 129 chars', input: () => bytes(syncRes, (raw) => (raw[SRES.sections][2][1] = [long(129)])), code: 'too-long', field: 'want[0]' },
  { name: 'want name with a newline', input: () => bytes(syncRes, (raw) => (raw[SRES.sections][2][1] = ['ok', 'a\nb'])), code: 'bad-name', field: 'want[1]' },
  {
    name: 'too many wanted names',
    input: () => bytes(syncRes, (raw) => (raw[SRES.sections][2][1] = new Array(WIRE_LIMITS.maxWantNames + 1).fill('a'))),
    code: 'too-many',
    field: 'want',
  },
  { name: 'sync-res record with a bad vclock', input: () => bytes(syncRes, (raw) => (raw[SRES.sections][1][1][0][REC.vclock] = [0])), code: 'bad-field', field: 'records[0].vclock' },
]

describe('decodeMessage rejects', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const result = decodeMessage(c.input())
    expect(result).toBeInstanceOf(WireError)
    const err = result as WireError
    expect({ code: err.code, field: err.field }).toEqual({ code: c.code, field: c.field })
    expect(err.message).toContain(c.code)
  })

  it('every base message is valid before it is broken', () => {
    for (const m of [delta, pingReq, syncReq, syncRes]) expect(decodeMessage(bytes(m, () => {}))).toEqual(m)
  })

  it('reports the field path in the message, and never throws on a non-Uint8Array', () => {
    const err = decodeMessage(rec((r) => (r[REC.lamport] = -1))) as WireError
    expect(err.message).toBe('wire message rejected (bad-field at records[0].lamport): expected a non-negative safe integer, got -1')
    expect(err.name).toBe('WireError')
    expect(decodeMessage('nope' as unknown as Uint8Array)).toBeInstanceOf(WireError)
    expect(decodeMessage(null as unknown as Uint8Array)).toBeInstanceOf(WireError)
  })
})
