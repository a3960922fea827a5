import { Packr } from 'msgpackr'
import { Fault } from './Fault.js'
import { WIRE_LIMITS, type OutgoingMessage, type WireMessage } from './messages.js'
import { MsgpackReader } from './MsgpackReader.js'
import { readMessage, type DecodeStats } from './readMessage.js'
import { StringInterner } from './StringInterner.js'
import { toWire } from './toWire.js'
import type { WireError } from './WireError.js'

/**
 * Plain MessagePack: no record structures, no structured clone, no extra
 * types, floats as float64. The values packed are only arrays, strings,
 * numbers, booleans and nil (see `layout.ts`).
 */
const packr = new Packr({
  useRecords: false,
  mapsAsObjects: true,
  moreTypes: false,
  structuredClone: false,
  bundleStrings: false,
})

/**
 * One reader for the process (decoding is synchronous). Its interner holds up
 * to 16,384 distinct strings of at most 128 bytes (node ids, breaker names,
 * addresses, reasons): a few MB at worst, a few hundred KB for a typical fleet.
 */
const reader = new MsgpackReader(new StringInterner(16_384, 128))

/**
 * Encode a message in the positional layout described in `layout.ts`.
 *
 * Trusts its input and does not validate it: a message the decoder would
 * reject (a 129-character name, NaN, records over `maxMessageBytes`) encodes
 * to bytes the peer drops. Callers that build large syncs should check
 * `bytes.length <= WIRE_LIMITS.maxMessageBytes` and split the records.
 *
 * The result may share its `ArrayBuffer` with other encodings (msgpackr packs
 * into a pooled buffer); it is never overwritten afterwards.
 */
export function encodeMessage(msg: OutgoingMessage): Uint8Array {
  return packr.pack(toWire(msg))
}

/**
 * Decode and fully validate one message. Never throws, whatever the input:
 * returns a `WireError` (code + field path) for anything that is not exactly
 * one valid message. Checks, in order: size (before reading anything), the
 * envelope and its version, the message type, then, in wire order, every
 * value's MessagePack type (maps, binaries and extensions are refused, strings
 * must be strict UTF-8) and every field's type, range, length and count
 * against `WIRE_LIMITS`; finally that no bytes trail the message. A section
 * of a kind this build does not know is skipped, not refused; `stats`
 * (optional) receives how many were (see `layout.ts`).
 *
 * The returned message is built from fresh plain objects holding only the
 * known fields; vector clocks are null-prototype objects. Nothing refers to
 * `bytes` afterwards.
 */
export function decodeMessage(bytes: Uint8Array, stats?: DecodeStats): WireMessage | WireError {
  if (stats !== undefined) stats.skippedSections = 0
  if (!(bytes instanceof Uint8Array)) return new Fault('not-msgpack', '', `expected bytes, got ${typeof bytes}`).toError()
  if (bytes.length > WIRE_LIMITS.maxMessageBytes) {
    return new Fault('too-large', '', `${bytes.length} bytes, at most ${WIRE_LIMITS.maxMessageBytes}`).toError()
  }
  try {
    reader.reset(bytes)
    const msg = readMessage(reader, stats)
    reader.finish()
    return msg
  } catch (e) {
    if (stats !== undefined) stats.skippedSections = 0
    if (e instanceof Fault) return e.toError()
    // not reachable by design; still, never throw at a peer's bytes
    return new Fault('not-msgpack', '', `decoder failure: ${e instanceof Error ? e.message : String(e)}`).toError()
  } finally {
    reader.release()
  }
}
