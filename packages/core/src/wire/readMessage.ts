import { Fault } from './Fault.js'
import { LAYOUT } from './layout.js'
import { PROTOCOL_VERSION, WIRE_LIMITS, type WireMessage } from './messages.js'
import type { MsgpackReader } from './MsgpackReader.js'
import { idRef, readIds } from './readItems.js'
import { readDeltaSections, readSyncRequestSections, readSyncResponseSections, readUpdateSections, skippedSections, startMessage } from './readSections.js'

const L = WIRE_LIMITS

/** What the decoder noticed besides the message itself. */
export interface DecodeStats {
  /** Sections of a kind this build does not know, skipped (0 when the message was refused). */
  skippedSections: number
}

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
  startMessage()
  let msg: WireMessage
  switch (t) {
    case LAYOUT.typeCode.delta: {
      const { records, opinions } = readDeltaSections(r, ids)
      msg = opinions === null ? { v: 1, type: 'delta', from, records } : { v: 1, type: 'delta', from, records, opinions }
      break
    }
    case LAYOUT.typeCode.ping:
    case LAYOUT.typeCode.ack: {
      const seq = r.uint('seq')
      const type = t === LAYOUT.typeCode.ping ? 'ping' : 'ack'
      msg = { v: 1, type, from, seq, updates: readUpdateSections(r, ids) }
      break
    }
    case LAYOUT.typeCode['ping-req']: {
      const seq = r.uint('seq')
      const target = idRef(r, ids, 'target')
      msg = { v: 1, type: 'ping-req', from, seq, target, updates: readUpdateSections(r, ids) }
      break
    }
    case LAYOUT.typeCode['sync-req']: {
      const join = r.bool('join')
      const session = r.uint('session')
      const part = r.uint('part')
      const parts = r.uint('parts')
      if (parts < 1 || parts > L.maxSyncParts) throw new Fault('bad-field', 'parts', `expected 1..${L.maxSyncParts} parts, got ${parts}`)
      if (part >= parts) throw new Fault('bad-field', 'part', `part ${part} of ${parts}`)
      const { members, digest, after, through, opinions } = readSyncRequestSections(r, ids)
      msg = { v: 1, type: 'sync-req', from, join, members, digest, session, part, parts, after, through }
      if (opinions !== null) msg = { ...msg, opinions }
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
      const { members, records, want, opinions } = readSyncResponseSections(r, ids)
      msg = { v: 1, type: 'sync-res', from, members, records, want, session, part, messages }
      if (opinions !== null) msg = { ...msg, opinions }
    }
  }
  if (stats !== undefined) stats.skippedSections = skippedSections()
  return msg
}
